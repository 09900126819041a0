"""The assessments API: record, list, read, acknowledge; problem+json on bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from acuback.assessments.models import Assessment, SafetyAlert
from acuback.audit.models import AuditEntry
from tests.assessments.conftest import ODI_32, PHQ9_ITEM9, Record
from tests.personas import World

ClientFor = Callable[[str], Client]


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def _body(world: World, instrument: str, answers: list[Any], **extra: Any) -> dict[str, Any]:
    return {"episode_id": world.episode.pk, "instrument": instrument, "answers": answers,
            "time_point": "baseline"} | extra


def test_it_records_an_assessment_and_answers_201_with_the_result(
    client_for: ClientFor, world: World
) -> None:
    response = _post(client_for("practitioner"), "/api/assessments/",
                     _body(world, "odi", ODI_32))
    assert response.status_code == 201
    body = response.json()
    assert (body["total"], body["band"], body["definition_version"]) == (
        32.0, "moderate", "odi-2.1a/acuback-1")
    assert body["results"] == {"instrument": "odi", "total": 32.0, "band": "moderate",
                               "answered": 10}


def test_it_reports_the_alert_raised_by_item9(client_for: ClientFor, world: World) -> None:
    body = _post(client_for("practitioner"), "/api/assessments/",
                 _body(world, "phq9", PHQ9_ITEM9)).json()
    assert [a["kind"] for a in body["alerts"]] == ["phq9_item9"]


def test_it_answers_422_problem_json_naming_the_item(client_for: ClientFor, world: World) -> None:
    response = _post(client_for("practitioner"), "/api/assessments/",
                     _body(world, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 4]))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {
        "answers": ["item 9 (self_harm): 4 is not an allowed answer (0-3)"]}


def test_it_stores_nothing_on_bad_answers(client_for: ClientFor, world: World) -> None:
    _post(client_for("practitioner"), "/api/assessments/",
          _body(world, "phq9", [0, 0, 0, 0, 0, 0, 0, True, 3]))
    assert (Assessment.objects.count(), SafetyAlert.objects.count()) == (0, 0)


def test_it_rejects_a_string_answer_naming_the_item(client_for: ClientFor, world: World) -> None:
    response = _post(client_for("practitioner"), "/api/assessments/",
                     _body(world, "nrs", ["7"]))
    assert response.json()["detail"] == (
        "answers: item 1 (pain): '7' is not an allowed answer (0-10)")


def test_it_rejects_an_unknown_time_point(client_for: ClientFor, world: World) -> None:
    response = _post(client_for("practitioner"), "/api/assessments/",
                     _body(world, "nrs", [7], time_point="whenever"))
    assert response.status_code == 422
    assert "time_point" in response.json()["errors"]


def test_it_records_the_patients_own_entry(client_for: ClientFor, world: World) -> None:
    body = _post(client_for("patient_user"), "/api/assessments/", _body(world, "nrs", [3])).json()
    assert body["entered_by"] == "patient"


def test_it_keeps_a_patient_off_another_patients_episode(
    client_for: ClientFor, world: World
) -> None:
    response = _post(client_for("patient_user"), "/api/assessments/",
                     _body(world, "nrs", [3], episode_id=world.other_episode.pk))
    assert response.status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("front_desk", 403), ("outsider", 404),
                                                   ("anonymous", 401)])
def test_it_refuses_to_record_for_others(
    client_for: ClientFor, world: World, persona: str, status: int
) -> None:
    response = _post(client_for(persona), "/api/assessments/", _body(world, "nrs", [3]))
    assert response.status_code == status
    assert not Assessment.objects.exists()


def test_it_lists_an_episodes_assessments(
    client_for: ClientFor, record: Record, world: World
) -> None:
    first = record("nrs", [6])
    response = client_for("practitioner").get(f"/api/assessments/?episode_id={world.episode.pk}")
    assert [a["id"] for a in response.json()] == [first.pk]


@pytest.mark.parametrize(("persona", "status"), [("front_desk", 403), ("outsider", 404)])
def test_it_refuses_the_list_to_others(
    client_for: ClientFor, world: World, persona: str, status: int
) -> None:
    response = client_for(persona).get(f"/api/assessments/?episode_id={world.episode.pk}")
    assert response.status_code == status


def test_it_reads_one_assessment(client_for: ClientFor, record: Record) -> None:
    assessment = record("nrs", [6])
    body = client_for("owner").get(f"/api/assessments/{assessment.pk}").json()
    assert (body["instrument"], body["answers"], body["total"]) == ("nrs", [6], 6.0)


def test_it_hides_one_assessment_from_another_clinic(
    client_for: ClientFor, record: Record
) -> None:
    assessment = record("nrs", [6])
    assert client_for("outsider").get(f"/api/assessments/{assessment.pk}").status_code == 404


def test_it_acknowledges_an_alert(client_for: ClientFor, record: Record, world: World) -> None:
    record("phq9", PHQ9_ITEM9)
    alert = SafetyAlert.objects.get()
    response = _post(client_for("practitioner"), f"/api/assessments/alerts/{alert.pk}/acknowledge",
                     {"note": "called"})
    assert (response.status_code, response.json()["acknowledged_by_id"]) == (
        200, world.practitioner.pk)


def test_it_answers_409_to_a_second_acknowledgement(
    client_for: ClientFor, record: Record
) -> None:
    record("phq9", PHQ9_ITEM9)
    path = f"/api/assessments/alerts/{SafetyAlert.objects.get().pk}/acknowledge"
    client = client_for("practitioner")
    _post(client, path, {"note": "called"})
    assert _post(client, path, {"note": "called again"}).status_code == 409


def test_it_refuses_an_acknowledgement_without_a_note(
    client_for: ClientFor, record: Record
) -> None:
    record("phq9", PHQ9_ITEM9)
    path = f"/api/assessments/alerts/{SafetyAlert.objects.get().pk}/acknowledge"
    client = client_for("practitioner")
    missing, blank = _post(client, path, {}), _post(client, path, {"note": "  "})
    assert (missing.status_code, blank.status_code) == (422, 422)
    assert "note" in blank.json()["errors"]
    assert SafetyAlert.objects.get().is_open


def test_it_lists_the_instruments_with_their_copyright(client_for: ClientFor) -> None:
    body = client_for("practitioner").get("/api/instruments/").json()
    odi = next(i for i in body if i["id"] == "odi")
    assert (odi["ships_wording"], "Mapi" in odi["copyright_holder"]) == (False, True)


def test_it_audits_an_api_write_on_the_api_channel(client_for: ClientFor, world: World) -> None:
    _post(client_for("practitioner"), "/api/assessments/", _body(world, "nrs", [2]))
    entry = AuditEntry.objects.filter(object_type="assessment", action="create").get()
    assert entry.channel == "api"
