"""Treatment plans over JSON."""

from __future__ import annotations

from typing import Any

import pytest

from acuback.plans.models import Plan
from tests.personas import World
from tests.plans.factories import save
from tests.screening.factories import EMERGENCY, screen

REASON = "Discussed with the patient; 20 weeks, she accepts"


def _url(world: World, episode_id: int | None = None, suffix: str = "") -> str:
    return f"/api/plans/episode/{episode_id or world.episode.pk}{suffix}"


def _body(**extra: Any) -> dict[str, Any]:
    return {"based_on": 0, "points": [{"code": "BL23"}, {"code": "BL60", "side": "left"}],
            "sessions": 10, "per_week": 2,
            "goals": [{"instrument": "odi", "comparator": "<", "target": 20}],
            "reassess_after_session": 5, **extra}


@pytest.fixture
def screened(world: World) -> World:
    screen(world.practitioner, world.episode)
    return world


def test_it_answers_409_problem_json_while_planning_is_blocked(world: World, client_for) -> None:
    screen(world.practitioner, world.episode, *EMERGENCY)
    response = client_for("practitioner").post(_url(world), _body(),
                                               content_type="application/json")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"].startswith("Planning is blocked")


def test_it_answers_422_with_the_why_when_an_override_is_missing(
    screened: World, client_for
) -> None:
    response = client_for("practitioner").post(_url(screened), _body(),
                                               content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["errors"]["override.BL60"][0].startswith(
        "BL60 is excluded for this patient: tagged pregnancy_avoid")
    assert not Plan.objects.exists()


def test_it_saves_a_plan_with_an_override(screened: World, client_for) -> None:
    body = _body(points=[{"code": "bl23"},
                         {"code": "BL60", "side": "left", "override_reason": REASON}])
    response = client_for("practitioner").post(_url(screened), body,
                                               content_type="application/json")
    assert response.status_code == 201
    plan = response.json()
    assert plan["number"] == 1
    assert [(p["code"], p["overridden"]) for p in plan["points"]] == [("BL23", False),
                                                                       ("BL60", True)]
    assert plan["points"][1]["override_reason"] == REASON
    assert plan["proposal"]["excluded"][0]["code"] == "BL60"
    assert {"code": "BL60", "change": "added", "proposed_side": None,
            "final_side": "left"} in plan["diff"]


def test_it_returns_the_current_plan(screened: World, client_for) -> None:
    save(screened.practitioner, screened.episode, ["BL23"])
    save(screened.practitioner, screened.episode, ["BL25"], based_on=1)
    body = client_for("owner").get(_url(screened)).json()
    assert body["number"] == 2 and [p["code"] for p in body["points"]] == ["BL25"]


def test_it_answers_404_when_there_is_no_plan_yet(screened: World, client_for) -> None:
    response = client_for("practitioner").get(_url(screened))
    assert response.status_code == 404
    assert response.json()["detail"] == "This episode has no treatment plan yet."


def test_it_answers_409_for_a_stale_revision(screened: World, client_for) -> None:
    save(screened.practitioner, screened.episode, ["BL23"])
    response = client_for("practitioner").post(
        _url(screened), _body(points=[{"code": "BL25"}]), content_type="application/json")
    assert response.status_code == 409


def test_it_returns_the_proposal(screened: World, client_for) -> None:
    body = client_for("practitioner").get(_url(screened, suffix="/proposal"),
                                          {"pattern": "cold_damp"}).json()
    assert body["request"]["pattern"] == "cold_damp"
    assert "SP9" in [p["code"] for p in body["points"]]


@pytest.mark.parametrize(("persona", "status"), [("front_desk", 403), ("patient_user", 403),
                                                 ("outsider", 404), ("anonymous", 401)])
def test_it_scopes_reading_a_plan(screened: World, client_for, persona: str, status: int) -> None:
    save(screened.practitioner, screened.episode, ["BL23"])
    response = client_for(persona).get(_url(screened))
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(("persona", "status"), [("front_desk", 403), ("outsider", 404)])
def test_it_scopes_saving_a_plan(screened: World, client_for, persona: str, status: int) -> None:
    body = _body(points=[{"code": "BL23"}])
    response = client_for(persona).post(_url(screened), body, content_type="application/json")
    assert response.status_code == status
    assert not Plan.objects.exists()


def test_it_cannot_reach_another_clinics_plan_by_id(world: World, client_for) -> None:
    screen(world.outsider, world.episode_b)
    save(world.outsider, world.episode_b, ["BL23"])
    response = client_for("practitioner").get(_url(world, world.episode_b.pk))
    assert response.status_code == 404
    assert response.json()["detail"] == "No such record in your clinic."


PHQ9_BEFORE_4 = {"instrument": "phq9", "moment": "before_visit", "n": 4}


def test_it_saves_the_plans_own_questionnaires_and_a_revision_states_its_own(
        screened: World, client_for) -> None:
    client = client_for("practitioner")
    first = client.post(_url(screened), _body(points=[{"code": "BL23"}],
                                              questionnaires=[PHQ9_BEFORE_4]),
                        content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["questionnaires"] == [PHQ9_BEFORE_4]
    every_3 = {"instrument": "pgic", "moment": "every", "n": 3}
    second = client.post(_url(screened), _body(based_on=1, points=[{"code": "BL23"}],
                                               questionnaires=[PHQ9_BEFORE_4, every_3]),
                         content_type="application/json")
    assert second.status_code == 201, second.content
    assert client.get(_url(screened)).json()["questionnaires"] == [PHQ9_BEFORE_4, every_3]
    # A revision states the whole plan: left out, version 3 has none.
    third = client.post(_url(screened), _body(based_on=2, points=[{"code": "BL23"}]),
                        content_type="application/json")
    assert third.status_code == 201, third.content
    plans = {p.number: p.questionnaires for p in Plan.objects.all()}
    assert plans == {1: [PHQ9_BEFORE_4], 2: [PHQ9_BEFORE_4, every_3], 3: []}  # kept as they were


@pytest.mark.parametrize(("item", "key"), [
    ({"instrument": "nosuch", "moment": "baseline"}, "questionnaires.0"),
    ({"instrument": "phq9", "moment": "before_visit"}, "questionnaires.0"),  # needs n
    ({"instrument": "phq9", "moment": "before_visit", "n": 0}, "questionnaires.0"),
    ({"instrument": "phq9", "moment": "before_visit", "n": 61}, "questionnaires.0"),
    ({"instrument": "phq9", "moment": "every", "n": 31}, "questionnaires.0"),
    # A month count that would run past the calendar (and break the portal) is refused.
    ({"instrument": "pgic", "moment": "after_discharge", "n": 1_000_000}, "questionnaires.0"),
    ({"instrument": "phq9", "moment": "discharge", "n": 2}, "questionnaires.0"),  # takes none
    ({"instrument": "phq9", "moment": "baseline", "n": 1}, "questionnaires.0"),
    ({"instrument": "isi", "moment": "baseline"}, "questionnaires.0"),  # no wording loaded
    ({"instrument": "phq9", "moment": "on_date"}, None),  # the plan's date is reassess_on
    ({"instrument": "phq9", "moment": "baseline", "when": "soon"}, None),  # unknown key
    ({"instrument": "phq9"}, None),  # no moment
])
def test_it_refuses_a_bad_questionnaire_with_422_and_saves_nothing(
        screened: World, client_for, item: dict[str, Any], key: str | None) -> None:
    response = client_for("practitioner").post(
        _url(screened), _body(points=[{"code": "BL23"}], questionnaires=[item]),
        content_type="application/json")
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    if key is not None:  # the service's refusal names the item
        assert list(response.json()["errors"]) == [key], response.json()
    assert not Plan.objects.exists()


def test_it_names_which_questionnaire_is_refused_and_one_listed_twice(
        screened: World, client_for) -> None:
    response = client_for("practitioner").post(
        _url(screened), _body(points=[{"code": "BL23"}], questionnaires=[
            PHQ9_BEFORE_4, {"instrument": "pgic", "moment": "discharge", "n": 3},
            PHQ9_BEFORE_4]), content_type="application/json")
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert sorted(errors) == ["questionnaires.1", "questionnaires.2"]
    assert "twice" in errors["questionnaires.2"][0]
    assert not Plan.objects.exists()


def test_it_takes_a_questionnaire_whose_licensed_wording_the_clinic_loaded(
        screened: World, client_for) -> None:
    from acuback.assessments.services import licensed_wording_load
    from tests.assessments.conftest import invented_wording

    isi = {"instrument": "isi", "moment": "before_visit", "n": 4}
    client = client_for("practitioner")
    body = _body(points=[{"code": "BL23"}], questionnaires=[isi])
    assert client.post(_url(screened), body, content_type="application/json"
                       ).status_code == 422
    licensed_wording_load(clinic=screened.clinic_b, data=invented_wording("isi"))
    assert client.post(_url(screened), body, content_type="application/json"
                       ).status_code == 422  # another clinic's wording is not this one's
    licensed_wording_load(clinic=screened.clinic_a, data=invented_wording("isi"))
    response = client.post(_url(screened), body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["questionnaires"] == [isi]
