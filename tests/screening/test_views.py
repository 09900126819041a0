"""The red-flag screening pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from acuback.clinical.screening import FLAG_QUESTIONS
from acuback.screening.models import Referral, Screening
from tests.personas import World
from tests.screening.factories import URGENT, answers, screen


def _form(*yes: str) -> dict[str, str]:
    return {flag: "yes" if value else "no" for flag, value in answers(*yes).items()}


def test_it_asks_every_question_in_plain_words(world: World, client_for) -> None:
    page = client_for("practitioner").get(reverse("screening_new", args=[world.episode.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for question in FLAG_QUESTIONS.values():
        assert question.replace("'", "&#x27;") in html


def test_it_shows_the_age_derived_from_the_date_of_birth(world: World, client_for) -> None:
    page = client_for("practitioner").get(reverse("screening_new", args=[world.episode.pk]))
    assert page.context["age"] >= 56  # born 17 May 1970
    assert f"{page.context['age']} years old today" in page.content.decode()


def test_it_records_the_screen_and_shows_the_decision(world: World, client_for) -> None:
    client = client_for("practitioner")
    response = client.post(reverse("screening_new", args=[world.episode.pk]), _form(*URGENT),
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("screening_episode",
                                                     args=[world.episode.pk])
    assert Screening.objects.get().decision == "urgent"
    html = response.content.decode()
    assert "Planning is blocked" in html
    assert 'data-testid="referral-form"' in html


def test_it_keeps_the_answers_and_marks_the_unanswered_question(
    world: World, client_for
) -> None:
    data = _form(*URGENT)
    del data["fever"]
    page = client_for("practitioner").post(reverse("screening_new", args=[world.episode.pk]),
                                           data)
    assert page.status_code == 200
    assert not Screening.objects.exists()
    assert page.context["form"].errors == {"fever": ["Answer yes or no."]}
    assert page.context["form"]["history_of_cancer"].value() == "yes"


def test_it_records_a_clearance_and_unblocks_planning(world: World, client_for) -> None:
    screen(world.practitioner, world.episode, *URGENT)
    response = client_for("practitioner").post(
        reverse("screening_referral", args=[world.episode.pk]),
        {"outcome": "cleared_by_physician", "note": "Dr Osler: MRI normal"}, follow=True,
    )
    assert Referral.objects.get().outcome == "cleared_by_physician"
    assert response.context["status"].planning.allowed
    assert 'data-testid="referral-form"' not in response.content.decode()


def test_it_shows_why_a_clearance_without_a_note_is_refused(world: World, client_for) -> None:
    screen(world.practitioner, world.episode, *URGENT)
    page = client_for("practitioner").post(
        reverse("screening_referral", args=[world.episode.pk]),
        {"outcome": "cleared_by_physician", "note": ""},
    )
    assert not Referral.objects.exists()
    assert "Say who cleared the patient" in page.content.decode()


def test_it_refuses_a_referral_before_any_screen(world: World, client_for) -> None:
    page = client_for("practitioner").post(
        reverse("screening_referral", args=[world.episode.pk]),
        {"outcome": "patient_declined"},
    )
    assert "Record a red-flag screen first" in page.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.parametrize("name", ["screening_new", "screening_episode"])
def test_it_refuses_front_desk(world: World, client_for, name: str) -> None:
    page = client_for("front_desk").get(reverse(name, args=[world.episode.pk]))
    assert page.status_code == 403


@pytest.mark.parametrize("name", ["screening_new", "screening_episode"])
def test_it_hides_another_clinics_episode(world: World, client_for, name: str) -> None:
    page = client_for("outsider").get(reverse(name, args=[world.episode.pk]))
    assert page.status_code == 404


def test_it_refuses_a_screen_posted_by_front_desk(world: World, client_for) -> None:
    page = client_for("front_desk").post(reverse("screening_new", args=[world.episode.pk]),
                                         _form())
    assert page.status_code == 403
    assert not Screening.objects.exists()


def test_it_sends_anonymous_users_to_log_in(world: World, client_for) -> None:
    page = client_for("anonymous").get(reverse("screening_new", args=[world.episode.pk]))
    assert page.status_code == 302
    assert "/login" in page["Location"]
