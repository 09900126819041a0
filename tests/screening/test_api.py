"""Red-flag screening over JSON."""

from __future__ import annotations

import pytest

from acuback.screening.models import Referral, Screening
from tests.personas import World
from tests.screening.factories import URGENT, answers, screen


def _url(world: World, episode_id: int | None = None, suffix: str = "") -> str:
    return f"/api/screening/episode/{episode_id or world.episode.pk}{suffix}"


def test_it_says_planning_waits_for_a_screen(world: World, client_for) -> None:
    body = client_for("practitioner").get(_url(world)).json()
    assert body == {"planning_allowed": False, "why": body["why"], "level": "danger",
                    "needs_referral": False, "current": None}
    assert body["why"].startswith("Screen for red flags first")


def test_it_records_a_screen_and_returns_the_decision(world: World, client_for) -> None:
    response = client_for("practitioner").post(
        _url(world), {"flags": answers(*URGENT)}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["decision"] == "urgent" and body["nonspecific"] is False
    assert body["fired"][0]["flag"] == "history_of_cancer"
    assert body["recorded_by"] == "prac" and body["referrals"] == []


def test_it_answers_422_problem_json_for_an_unanswered_question(world: World, client_for) -> None:
    flags = answers()
    del flags["fever"]
    response = client_for("practitioner").post(_url(world), {"flags": flags},
                                               content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"fever": ["Answer yes or no."]}
    assert not Screening.objects.exists()


def test_it_records_a_referral_outcome_and_unblocks_on_clearance(world: World, client_for) -> None:
    screen(world.practitioner, world.episode, *URGENT)
    client = client_for("practitioner")
    response = client.post(_url(world, suffix="/referral"),
                           {"outcome": "cleared_by_physician", "note": "Dr Osler, MRI normal"},
                           content_type="application/json")
    assert response.status_code == 201
    assert response.json()["outcome"] == "cleared_by_physician"
    status = client.get(_url(world)).json()
    assert status["planning_allowed"] is True
    assert status["current"]["referrals"][0]["note"] == "Dr Osler, MRI normal"


def test_it_answers_422_for_a_referral_before_any_screen(world: World, client_for) -> None:
    response = client_for("practitioner").post(_url(world, suffix="/referral"),
                                               {"outcome": "patient_declined"},
                                               content_type="application/json")
    assert response.status_code == 422
    assert "Record a red-flag screen first" in response.json()["detail"]
    assert not Referral.objects.exists()


def test_it_answers_422_for_an_unknown_outcome(world: World, client_for) -> None:
    screen(world.practitioner, world.episode, *URGENT)
    response = client_for("practitioner").post(_url(world, suffix="/referral"),
                                               {"outcome": "sent_home"},
                                               content_type="application/json")
    assert response.status_code == 422


@pytest.mark.parametrize(("persona", "status"), [("front_desk", 403), ("patient_user", 403),
                                                 ("outsider", 404), ("anonymous", 401)])
def test_it_scopes_reading_a_screen(world: World, client_for, persona: str, status: int) -> None:
    response = client_for(persona).get(_url(world))
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(("persona", "status"), [("front_desk", 403), ("outsider", 404)])
def test_it_scopes_recording_a_screen(world: World, client_for, persona: str, status: int) -> None:
    response = client_for(persona).post(_url(world), {"flags": answers()},
                                        content_type="application/json")
    assert response.status_code == status
    assert not Screening.objects.exists()


def test_it_cannot_reach_another_clinics_episode_by_id(world: World, client_for) -> None:
    response = client_for("practitioner").get(_url(world, world.episode_b.pk))
    assert response.status_code == 404
    assert response.json()["detail"] == "No such record in your clinic."
