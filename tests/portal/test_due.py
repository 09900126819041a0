"""The follow-up schedule as the portal and the chart apply it: ISI, PSS-10 and PHQ-9 join the
core set where the episode tracks sleep, stress or mood (the measure on record for it, or a
goal of its current plan), and only then."""

from __future__ import annotations

import pytest
from django.urls import reverse

from acuback.assessments.services import assessment_record
from acuback.episodes.models import Episode, EpisodeStatus
from acuback.plans.services import Goal
from tests.personas import World
from tests.plans.factories import save
from tests.screening.factories import screen

pytestmark = pytest.mark.django_db

MOOD_MILD = [1, 1, 1, 1, 1, 1, 0, 0, 0]  # PHQ-9: 6 (mild), item 9 "not at all"
PHQ9 = "Patient Health Questionnaire (PHQ-9)"


def _due(client, world: World) -> str:  # noqa: ANN001
    page = client.get(reverse("portal_home")).content.decode()
    return page.split('data-testid="portal-due"')[1].split("</section>")[0]


def _discharge(episode: Episode) -> None:
    Episode.objects.filter(pk=episode.pk).update(status=EpisodeStatus.DISCHARGED,
                                                 closed_on=episode.opened_on)


def test_it_asks_phq9_again_at_discharge_when_mood_was_measured(world: World,
                                                               client_for) -> None:
    assessment_record(actor=world.practitioner, episode=world.episode, instrument="phq9",
                      answers=MOOD_MILD, time_point="baseline")
    _discharge(world.episode)
    due = _due(client_for("patient_user"), world)
    assert "at the end of your course" in due
    assert PHQ9 in due, due


def test_it_never_asks_phq9_of_an_episode_that_does_not_track_mood(world: World,
                                                                 client_for) -> None:
    _discharge(world.episode)
    due = _due(client_for("patient_user"), world)
    assert "at the end of your course" in due  # the core set is due
    assert PHQ9 not in due, due


def test_it_asks_phq9_at_baseline_when_the_plan_sets_a_mood_goal(world: World,
                                                                client_for) -> None:
    screen(world.practitioner, world.episode)
    before = _due(client_for("patient_user"), world)
    assert PHQ9 not in before
    save(world.practitioner, world.episode,
         goals=[Goal(instrument="phq9", comparator="<", target=5)])
    due = _due(client_for("patient_user"), world)
    assert PHQ9 in due, due
    outstanding = client_for("practitioner").get(
        reverse("patient_detail", args=[world.patient.pk])).content.decode()
    block = outstanding.split('data-testid="outstanding-questionnaires"')[1].split("</div>")[0]
    assert "PHQ-9 (before your first treatment)" in block, block


def test_it_asks_phq9_once_per_moment(world: World, client_for) -> None:
    assessment_record(actor=world.practitioner, episode=world.episode, instrument="phq9",
                      answers=MOOD_MILD, time_point="baseline")
    _discharge(world.episode)
    client = client_for("patient_user")
    url = reverse("portal_questionnaire", args=[world.episode.pk, "phq9"])
    assert client.get(url).status_code == 200
    answers = {f"item_{n}": "0" for n in range(1, 10)}
    done = client.post(url, answers)
    assert done.status_code == 302, done.content[:2000]
    due = _due(client, world)
    assert PHQ9 not in due
    assert client.get(url).status_code == 302  # not waiting any more
