"""/api/patients: search, register, read and update demographics; health history; episodes."""

from __future__ import annotations

import datetime as dt

from acuback.audit.models import AuditEntry
from acuback.patients.models import Patient
from tests.api import payloads
from tests.personas import World, make_patient


def _get(client, url: str) -> dict:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def test_it_registers_a_patient_in_the_actors_clinic(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("front_desk").post("/api/patients/", payloads.new_patient(),
                                             content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert (body["family_name"], body["version"]) == ("Shelley", 1)
    assert Patient.objects.get(pk=body["id"]).clinic == world.clinic_a


def test_it_lists_only_the_actors_clinic(world: World, client_for) -> None:  # noqa: ANN001
    body = _get(client_for("outsider"), "/api/patients/")
    assert [p["id"] for p in body["results"]] == [world.patient_b.pk]


def test_it_lists_patients_by_family_name(world: World, client_for) -> None:  # noqa: ANN001
    body = _get(client_for("practitioner"), "/api/patients/")
    assert [p["family_name"] for p in body["results"]] == ["Hopper", "Lovelace"]
    assert (body["count"], body["count_capped"]) == (2, False)
    assert (body["next_after"], body["previous_before"]) == (None, None)


def test_it_searches_names_ignoring_case(world: World, client_for) -> None:  # noqa: ANN001
    body = _get(client_for("practitioner"), "/api/patients/?q=lOVe")
    assert [p["family_name"] for p in body["results"]] == ["Lovelace"]


def test_it_searches_non_ascii_names_ignoring_case(world: World, client_for) -> None:  # noqa: ANN001
    make_patient(world.practitioner, "Émile", "Öztürk")
    body = _get(client_for("practitioner"), "/api/patients/?q=émile")
    assert [p["family_name"] for p in body["results"]] == ["Öztürk"]


def test_it_needs_every_word_to_match(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    assert _get(client, "/api/patients/?q=ada+lovelace")["count"] == 1
    assert _get(client, "/api/patients/?q=ada+hopper")["count"] == 0


def test_it_searches_by_date_of_birth(world: World, client_for) -> None:  # noqa: ANN001
    body = _get(client_for("practitioner"), "/api/patients/?date_of_birth=1961-12-09")
    assert [p["family_name"] for p in body["results"]] == ["Hopper"]


def test_it_pages_25_at_a_time(world: World, client_for) -> None:  # noqa: ANN001
    for i in range(26):
        make_patient(world.practitioner, "Test", f"Zz{i:02d}", dt.date(1990, 1, 1))
    client = client_for("practitioner")
    first = _get(client, "/api/patients/")
    second = _get(client, f"/api/patients/?after={first['next_after']}")
    assert (first["count"], len(first["results"]), len(second["results"])) == (28, 25, 3)
    assert [p["family_name"] for p in second["results"]] == ["Zz23", "Zz24", "Zz25"]
    assert second["next_after"] is None
    back = _get(client, f"/api/patients/?before={second['previous_before']}")
    assert [p["id"] for p in back["results"]] == [p["id"] for p in first["results"]]


def test_it_refuses_a_cursor_that_is_not_an_id(world: World, client_for) -> None:  # noqa: ANN001
    assert client_for("practitioner").get("/api/patients/?after=0").status_code == 422


def test_it_shows_a_patients_demographics(world: World, client_for) -> None:  # noqa: ANN001
    body = _get(client_for("front_desk"), f"/api/patients/{world.patient.pk}")
    assert (body["given_name"], body["date_of_birth"], body["sex"]) == (
        "Ada", "1970-05-17", "female")


def test_it_updates_demographics_and_bumps_the_version(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("front_desk").put(
        f"/api/patients/{world.patient.pk}", payloads.patient_update(1, phone="(202) 555-0101"),
        content_type="application/json")
    assert (response.json()["phone"], response.json()["version"]) == ("+12025550101", 2)


def test_it_audits_which_fields_an_update_changed(world: World, client_for) -> None:  # noqa: ANN001
    client_for("front_desk").put(
        f"/api/patients/{world.patient.pk}", payloads.patient_update(1, phone="(202) 555-0101"),
        content_type="application/json")
    entry = AuditEntry.objects.get(action="update", object_type="patient")
    assert entry.detail == {"fields": ["phone"]}


def test_it_shows_the_health_history(world: World, client_for) -> None:  # noqa: ANN001
    body = _get(client_for("practitioner"), f"/api/patients/{world.patient.pk}/health")
    assert (body["pregnant"], body["pregnancy_weeks"], body["implanted_device"]) == (
        True, 20, "pacemaker")


def test_it_updates_the_health_history(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    url = f"/api/patients/{world.patient_b.pk}/health"
    client = client_for("outsider")
    response = client.put(url, payloads.health(skin_lesion_regions=["lower_back"]),
                          content_type="application/json")
    assert response.status_code == 200
    assert _get(client, url)["skin_lesion_regions"] == ["lower_back"]


def test_it_lists_a_patients_episodes(world: World, client_for) -> None:  # noqa: ANN001
    body = _get(client_for("practitioner"), f"/api/patients/{world.other_patient.pk}/episodes")
    assert [(e["id"], e["icd10_code"]) for e in body] == [(world.other_episode.pk, "M54.6")]
