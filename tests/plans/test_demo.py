"""The demo step: every demo episode screened, every state shown, plans where allowed."""

from __future__ import annotations

import pytest

from acuback.clinical.contraindications import DECISIVE
from acuback.demo import demo_load
from acuback.episodes.models import Episode, EpisodeStatus
from acuback.plans.models import Plan
from acuback.screening.models import Decision, Screening
from acuback.screening.selectors import episode_planning_status
from tests.demo_copy import TODAY


@pytest.fixture(scope="module")
def demo(demo_db, django_db_blocker):  # noqa: ANN001, ANN201 - pytest-django fixtures
    """The built demo (a copy of this process's one build: tests/demo_copy.py), run again."""
    with django_db_blocker.unblock():
        counts = (Screening.objects.count(), Plan.objects.count())
        demo_load(TODAY)  # a second run adds nothing
        return counts


@pytest.mark.django_db
def test_it_screens_every_demo_episode_once(demo: tuple[int, int]) -> None:
    assert Screening.objects.count() == Episode.objects.count() == demo[0]


@pytest.mark.django_db
def test_it_adds_nothing_when_run_again(demo: tuple[int, int]) -> None:
    assert (Screening.objects.count(), Plan.objects.count()) == demo


@pytest.mark.django_db
def test_it_shows_every_decision_in_each_clinic(demo: tuple[int, int]) -> None:
    for slug in ("riverside", "hillview"):
        decisions = list(Screening.objects.filter(clinic__slug=slug)
                         .values_list("decision", flat=True))
        assert decisions.count(Decision.ROUTINE) == 2
        assert decisions.count(Decision.URGENT) == 1
        assert decisions.count(Decision.EMERGENCY) == 1
        assert decisions.count(Decision.CLEAR) == len(decisions) - 4


@pytest.mark.django_db
def test_it_clears_the_urgent_screen_and_leaves_the_emergency_blocked(
    demo: tuple[int, int],
) -> None:
    for screening in Screening.objects.filter(decision__in=["urgent", "emergency"]):
        allowed, _ = episode_planning_status(screening.episode)
        assert allowed is (screening.decision == "urgent")
    emergency = Screening.objects.filter(decision="emergency").first()
    assert emergency is not None
    assert emergency.episode.status == EpisodeStatus.REFERRED_OUT


@pytest.mark.django_db
def test_it_plans_every_active_unblocked_episode_that_may_be_needled(
    demo: tuple[int, int],
) -> None:
    for episode in Episode.objects.filter(status=EpisodeStatus.ACTIVE):
        health = episode.patient.health
        needled = not health.bleeding_disorder
        asked = not (set(health.not_asked) & DECIDING)
        if episode_planning_status(episode).allowed and needled and asked:
            assert episode.plans.count() == 1, episode
    assert not Plan.objects.filter(episode__status=EpisodeStatus.REFERRED_OUT).exists()


# The model's names for the questions that decide points or e-stim.
DECIDING = {"immunosuppressed" if q.value == "immunosuppression" else q.value for q in DECISIVE}


def test_it_leaves_the_patient_never_asked_without_a_plan(demo: tuple[int, int]) -> None:
    never = [e for e in Episode.objects.filter(status=EpisodeStatus.ACTIVE)
             if len(e.patient.health.not_asked) == 10]
    assert never and not Plan.objects.filter(episode__in=never).exists()
