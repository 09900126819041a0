"""Every read and write of patient data is audited with actor, action, object, time, client
address and outcome, through pages and API alike; the chain verifies after a busy session."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from acuback.audit.models import AuditEntry
from acuback.audit.services import audit_verify
from tests.api import payloads
from tests.personas import PASSWORD, World

ADDR = "198.51.100.7"


def _since(seq: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=seq).order_by("seq"))


def _last() -> int:
    entry = AuditEntry.objects.order_by("-seq").first()
    return entry.seq if entry else 0


def test_it_records_who_read_which_patient_when_and_from_where(world: World, client_for) -> None:  # noqa: ANN001
    last, before = _last(), timezone.now()
    client_for("practitioner").get(f"/api/patients/{world.patient.pk}", REMOTE_ADDR=ADDR)
    [entry] = _since(last)
    assert (entry.actor_id, entry.actor_username, entry.action, entry.object_type,
            entry.object_id, entry.outcome, entry.channel, entry.client_addr,
            entry.clinic_id) == (
        world.practitioner.pk, "prac", "read", "patient", str(world.patient.pk), "ok", "api",
        ADDR, world.clinic_a.pk)
    assert before <= entry.at <= timezone.now()


def test_it_records_a_health_history_read_as_such(world: World, client_for) -> None:  # noqa: ANN001
    last = _last()
    client_for("practitioner").get(f"/api/patients/{world.patient.pk}/health")
    assert [(e.action, e.object_type, e.outcome) for e in _since(last)] == [
        ("read", "health_history", "ok")]


def test_it_records_a_create_with_the_new_id(world: World, client_for) -> None:  # noqa: ANN001
    last = _last()
    response = client_for("front_desk").post("/api/patients/", payloads.new_patient(),
                                             content_type="application/json", REMOTE_ADDR=ADDR)
    created = [e for e in _since(last) if e.action == "create"]
    assert [(e.object_type, e.object_id, e.actor_id, e.client_addr) for e in created] == [
        ("patient", str(response.json()["id"]), world.front_desk.pk, ADDR)]


def test_it_records_a_list_with_the_ids_shown(world: World, client_for) -> None:  # noqa: ANN001
    last = _last()
    client_for("practitioner").get("/api/patients/?q=lovelace")
    [entry] = _since(last)
    assert (entry.action, entry.detail["ids"], entry.detail["text"]) == (
        "list", [world.patient.pk], "lovelace")


def test_it_records_a_page_read_from_the_web_channel(world: World, client_for) -> None:  # noqa: ANN001
    last = _last()
    client_for("practitioner").get(f"/episodes/{world.episode.pk}/", REMOTE_ADDR=ADDR)
    reads = [(e.object_type, e.object_id, e.channel, e.client_addr) for e in _since(last)]
    assert ("episode", str(world.episode.pk), "web", ADDR) in reads


def test_it_ignores_a_forwarded_for_header_it_cannot_trust(world: World, client_for) -> None:  # noqa: ANN001
    last = _last()
    client_for("practitioner").get(f"/api/patients/{world.patient.pk}", REMOTE_ADDR=ADDR,
                                   HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert [e.client_addr for e in _since(last)] == [ADDR]


def test_it_records_an_outsiders_attempt_on_another_clinics_record(
        world: World, client_for) -> None:  # noqa: ANN001
    last = _last()
    client_for("outsider").get(f"/patients/{world.patient.pk}/", REMOTE_ADDR=ADDR)
    [entry] = _since(last)
    assert (entry.actor_id, entry.action, entry.object_id, entry.outcome, entry.client_addr,
            entry.clinic_id) == (world.outsider.pk, "read", str(world.patient.pk), "not_found",
                                 ADDR, world.clinic_b.pk)


def test_it_verifies_the_chain_after_a_busy_session(world: World) -> None:
    """Logins, reads, writes and refusals by several people through pages and the API."""
    desk, prac, outsider = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2"), \
        Client(REMOTE_ADDR="192.0.2.3")
    first = _last()
    for client, username in ((desk, "desk"), (prac, "prac"), (outsider, "outsider")):
        assert client.post("/login/", {"username": username, "password": PASSWORD}
                           ).status_code == 302
    json = "application/json"
    new_id = desk.post("/api/patients/", payloads.new_patient(), content_type=json).json()["id"]
    desk.get("/patients/?q=shel")
    desk.get(f"/patients/{new_id}/health/")  # refused: front desk
    prac.get(f"/patients/{new_id}/")
    prac.put(f"/api/patients/{new_id}/health", payloads.health(version=1), content_type=json)
    episode = prac.post("/api/episodes/", payloads.new_episode(new_id), content_type=json).json()
    prac.put(f"/api/episodes/{episode['id']}", payloads.episode_update(1, status="discharged"),
             content_type=json)
    prac.post("/api/episodes/", payloads.new_episode(new_id, icd10_code="M54.5"),
              content_type=json)  # refused: deleted code
    outsider.get(f"/api/patients/{new_id}")  # refused: other clinic
    outsider.get(f"/episodes/{episode['id']}/")  # refused: other clinic
    for client in (desk, prac, outsider):
        client.post("/logout/")
    entries = _since(first)
    assert len(entries) >= 15
    assert {e.client_addr for e in entries} == {"192.0.2.1", "192.0.2.2", "192.0.2.3"}
    assert {"ok", "denied", "not_found"} <= {e.outcome for e in entries}
    assert [e.seq for e in entries] == list(range(first + 1, first + 1 + len(entries)))
    assert list(audit_verify()) == []


def test_it_stamps_entries_in_order(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    last = _last()
    for _ in range(3):
        client.get(f"/api/patients/{world.patient.pk}")
    stamps = [e.at for e in _since(last)]
    assert stamps == sorted(stamps)
    assert stamps[-1] - stamps[0] < dt.timedelta(seconds=30)
