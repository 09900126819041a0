""""No to every question still blank" (issue 7): one deliberate act answers the remaining red-flag
questions no, and the screen records which answers came from it; the decision rules are those
of a screen ticked one by one. Through the service, the API and the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from acuback.audit.models import AuditEntry
from acuback.clinical.screening import FLAG_QUESTIONS
from acuback.errors import InputError
from acuback.screening.models import Decision, Screening
from acuback.screening.services import screening_record
from tests.personas import World
from tests.screening.factories import EMERGENCY, URGENT, answers

ALL = [str(flag) for flag in FLAG_QUESTIONS]


def _record(world: World, flags: dict[str, object], rest_no: bool = True) -> Screening:
    return screening_record(actor=world.practitioner, episode=world.episode, flags=flags,
                            rest_no=rest_no)


def test_it_answers_no_to_what_was_left_blank_and_records_which(world: World) -> None:
    s = _record(world, {"history_of_cancer": True, "fever": False, "night_pain": None})
    s.refresh_from_db()
    assert s.answers == answers(*URGENT)
    assert s.rest_marked_no == [f for f in ALL if f not in ("history_of_cancer", "fever")]
    entry = AuditEntry.objects.get(object_type="screening", object_id=str(s.pk))
    assert entry.detail["rest_marked_no"] == s.rest_marked_no


def test_it_decides_as_a_screen_ticked_one_by_one(world: World) -> None:
    by_hand = _record(world, answers(*EMERGENCY), rest_no=False)
    at_once = _record(world, {flag: True for flag in EMERGENCY})
    assert (at_once.decision, at_once.fired) == (by_hand.decision, by_hand.fired)
    assert (by_hand.rest_marked_no, at_once.decision) == ([], Decision.EMERGENCY)


def test_it_marks_nothing_when_every_question_was_answered(world: World) -> None:
    assert _record(world, answers()).rest_marked_no == []


def test_it_never_marks_a_yes_no(world: World) -> None:
    s = _record(world, {"saddle_anaesthesia": True})
    assert s.answers["saddle_anaesthesia"] is True
    assert "saddle_anaesthesia" not in s.rest_marked_no


def test_it_still_refuses_an_answer_that_is_neither_yes_nor_no(world: World) -> None:
    with pytest.raises(InputError) as caught:
        _record(world, {"fever": "maybe"})
    assert caught.value.errors == {"fever": ["Answer yes or no."]}
    assert not Screening.objects.exists()


def test_it_still_refuses_blanks_without_the_act(world: World) -> None:
    with pytest.raises(InputError) as caught:
        _record(world, {"fever": False}, rest_no=False)
    assert set(caught.value.errors) == set(ALL) - {"fever"}


def _api(world: World) -> str:
    return f"/api/screening/episode/{world.episode.pk}"


def test_it_takes_rest_no_over_the_api(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("practitioner").post(
        _api(world), {"flags": {"history_of_cancer": True, "fever": None}, "rest_no": True},
        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["decision"] == "urgent"
    assert body["rest_marked_no"] == [f for f in ALL if f != "history_of_cancer"]


def test_it_answers_422_to_a_null_over_the_api_without_rest_no(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("practitioner").post(
        _api(world), {"flags": {**answers(), "fever": None}}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == {"fever": ["Answer yes or no."]}


def test_it_offers_the_act_on_the_page_and_records_it(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    url = reverse("screening_new", args=[world.episode.pk])
    assert 'data-testid="rest-no"' in client.get(url).content.decode()
    response = client.post(url, {"history_of_cancer": "yes", "fever": "no", "rest_no": "yes"},
                           follow=True)
    s = Screening.objects.get()
    assert (s.decision, len(s.rest_marked_no)) == (Decision.URGENT, len(ALL) - 2)
    assert f"{len(ALL) - 2} answered no together" in response.content.decode()
