"""Anonymous refusals are counted, not written one entry each: a scanner's flood of 401s is one
entry for its first attempt and one for the count, per address and five-minute window."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from acuback.audit.models import AuditEntry, RefusalTally
from acuback.audit.services import REFUSAL_WINDOW, audit_refusals_close, audit_verify
from tests.personas import World

SCANNER = "203.0.113.66"


def _newest_seq() -> int:
    entry = AuditEntry.objects.order_by("-seq").first()
    return entry.seq if entry else 0


def _later() -> mock._patch:  # type: ignore[type-arg]
    """The clock after the current window has passed."""
    return mock.patch("django.utils.timezone.now",
                      return_value=timezone.now() + REFUSAL_WINDOW + dt.timedelta(seconds=1))


def _knock(times: int, addr: str = SCANNER, path: str = "/api/patients/") -> None:
    client = Client(REMOTE_ADDR=addr)
    for _ in range(times):
        assert client.get(path).status_code == 401


def test_it_writes_300_anonymous_refusals_as_one_entry(world: World) -> None:
    before = _newest_seq()
    _knock(300)
    [first] = AuditEntry.objects.filter(seq__gt=before)
    assert (first.actor_id, first.object_type, first.object_id, first.outcome,
            first.client_addr) == (None, "api", "/api/patients/", "denied", SCANNER)
    assert RefusalTally.objects.get(client_addr=SCANNER).count == 300


def test_it_writes_the_count_once_the_window_has_passed(world: World) -> None:
    _knock(300)
    before = _newest_seq()
    with _later():
        assert audit_refusals_close() == 1
    [count] = AuditEntry.objects.filter(seq__gt=before)
    assert (count.object_type, count.client_addr, count.outcome, count.channel) == (
        "anonymous_refusals", SCANNER, "denied", "api")
    assert (count.detail["refusals"], count.detail["counted"]) == (300, 299)
    assert not RefusalTally.objects.exists()
    assert list(audit_verify()) == []


def test_it_writes_no_count_for_a_single_refusal(world: World) -> None:
    _knock(1)
    before = _newest_seq()
    with _later():
        audit_refusals_close()
    assert not AuditEntry.objects.filter(seq__gt=before).exists()


def test_it_counts_each_address_on_its_own(world: World) -> None:
    before = _newest_seq()
    _knock(3, addr="198.51.100.1")
    _knock(3, addr="198.51.100.2")
    assert sorted(AuditEntry.objects.filter(seq__gt=before).values_list(
        "client_addr", flat=True)) == ["198.51.100.1", "198.51.100.2"]


def test_it_starts_a_new_window_with_an_entry_and_closes_the_old_one(world: World) -> None:
    _knock(5)
    before = _newest_seq()
    with _later():
        _knock(2)
    new = AuditEntry.objects.filter(seq__gt=before).order_by("seq")
    assert [(e.object_type, e.detail.get("refusals")) for e in new] == [
        ("api", None), ("anonymous_refusals", 5)]


@pytest.mark.django_db
def test_it_still_writes_every_refusal_of_a_logged_in_user(world: World, client_for) -> None:  # noqa: ANN001
    before = _newest_seq()
    outsider = client_for("outsider")
    for _ in range(3):
        outsider.get(f"/api/patients/{world.patient.pk}")
    assert AuditEntry.objects.filter(seq__gt=before, outcome="not_found").count() == 3


def test_it_counts_anonymous_unstorable_text_the_same_way(db: None) -> None:
    before = _newest_seq()
    client = Client(REMOTE_ADDR=SCANNER)
    for _ in range(50):
        assert client.get("/api/patients/?q=%00").status_code == 422
    [first] = AuditEntry.objects.filter(seq__gt=before)
    assert (first.object_type, first.outcome) == ("request", "invalid")
    assert RefusalTally.objects.get(client_addr=SCANNER).count == 50
