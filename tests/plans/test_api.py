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


ISI_BEFORE_4 = {"instrument": "isi", "moment": "before_visit", "n": 4}


def test_it_saves_the_plans_own_questionnaires_and_a_revision_states_its_own(
        screened: World, client_for) -> None:
    client = client_for("practitioner")
    first = client.post(_url(screened), _body(points=[{"code": "BL23"}],
                                              questionnaires=[ISI_BEFORE_4]),
                        content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["questionnaires"] == [ISI_BEFORE_4]
    every_3 = {"instrument": "pgic", "moment": "every", "n": 3}
    second = client.post(_url(screened), _body(based_on=1, points=[{"code": "BL23"}],
                                               questionnaires=[ISI_BEFORE_4, every_3]),
                         content_type="application/json")
    assert second.status_code == 201, second.content
    plans = {p.number: p.questionnaires for p in Plan.objects.all()}
    assert plans == {1: [ISI_BEFORE_4], 2: [ISI_BEFORE_4, every_3]}  # version 1 kept as it was
    assert client.get(_url(screened)).json()["questionnaires"] == [ISI_BEFORE_4, every_3]


@pytest.mark.parametrize("item", [
    {"instrument": "nosuch", "moment": "baseline"},
    {"instrument": "isi", "moment": "before_visit"},  # before_visit needs n
    {"instrument": "isi", "moment": "discharge", "n": 2},  # discharge takes none
    {"instrument": "isi", "moment": "on_date"},  # the plan's date is its re-assessment date
    {"instrument": "isi", "moment": "baseline", "when": "soon"},  # unknown key
])
def test_it_refuses_a_bad_questionnaire_with_422_and_saves_nothing(
        screened: World, client_for, item: dict[str, Any]) -> None:
    response = client_for("practitioner").post(
        _url(screened), _body(points=[{"code": "BL23"}], questionnaires=[item]),
        content_type="application/json")
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert not Plan.objects.exists()
