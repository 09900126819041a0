"""A screen or referral outcome recorded in another system (`Recorded`, the FHIR import's
path): who and when kept as the record says, a question not asked kept not asked, and such a
screen never clears planning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from acuback.audit.models import AuditEntry
from acuback.episodes.models import EpisodeStatus
from acuback.errors import InputError
from acuback.screening.models import ReferralOutcome
from acuback.screening.selectors import episode_planning_status, screening_status
from acuback.screening.services import Recorded, referral_record, screening_record
from tests.personas import World
from tests.screening.factories import URGENT, answers, screen

LAST_WEEK = dt.timedelta(days=7)


def test_it_keeps_who_screened_and_when(world: World) -> None:
    at = timezone.now() - LAST_WEEK
    screening = screening_record(actor=world.owner, episode=world.episode, flags=answers(),
                                 recorded=Recorded(by=world.practitioner, at=at))
    screening.refresh_from_db()
    assert (screening.recorded_by, screening.recorded_at) == (world.practitioner, at)
    entry = AuditEntry.objects.filter(object_type="screening").latest("seq")
    assert entry.actor_id == world.owner.pk and entry.detail["imported"] is True


def test_it_keeps_a_question_not_asked_and_blocks_planning_on_it(world: World) -> None:
    flags: dict[str, object] = {**answers(), "fever": None}
    screening = screening_record(actor=world.practitioner, episode=world.episode, flags=flags,
                                 recorded=Recorded(by=world.practitioner,
                                                   at=timezone.now() - LAST_WEEK))
    assert screening.answers["fever"] is None and screening.not_asked == ["fever"]
    assert screening.decision == "clear"  # nothing given fired, yet nothing is cleared:
    planning = episode_planning_status(world.episode)
    assert not planning.allowed and "fever" in planning.why
    assert screening_status(world.episode).level == "danger"  # shown as blocked, not a caution
    screen(world.practitioner, world.episode)  # a full screen here clears it
    assert episode_planning_status(world.episode).allowed


def test_it_shows_a_screen_with_a_question_not_asked_as_blocking(world: World, client_for) -> None:
    screening_record(actor=world.practitioner, episode=world.episode,
                     flags={**answers(), "night_pain": None},
                     recorded=Recorded(by=world.practitioner, at=timezone.now() - LAST_WEEK))
    page = client_for("practitioner").get(reverse("screening_episode", args=[world.episode.pk]))
    html = page.content.decode()
    assert 'class="banner danger screening-status" role="alert"' in html
    assert "night pain" in html and "Treatment plan</a>" not in html


def test_it_still_refuses_a_blank_answer_on_the_page_path(world: World) -> None:
    with pytest.raises(InputError) as refused:
        screening_record(actor=world.practitioner, episode=world.episode,
                         flags={**answers(), "fever": None})
    assert "fever" in refused.value.errors


def test_it_refuses_an_author_outside_the_clinic(world: World) -> None:
    with pytest.raises(InputError) as refused:
        screening_record(actor=world.practitioner, episode=world.episode, flags=answers(),
                         recorded=Recorded(by=world.outsider, at=timezone.now()))
    assert "recorded_by" in refused.value.errors
    with pytest.raises(InputError):
        screening_record(actor=world.practitioner, episode=world.episode, flags=answers(),
                         recorded=Recorded(by=world.front_desk, at=timezone.now()))


def test_it_refuses_answered_no_at_once_for_an_answer_not_no(world: World) -> None:
    with pytest.raises(InputError) as refused:
        screening_record(actor=world.practitioner, episode=world.episode,
                         flags=answers("fever"),
                         recorded=Recorded(by=world.practitioner, at=timezone.now(),
                                           marked_no=["fever", "night_pain"]))
    assert "fever" in refused.value.errors["rest_marked_no"][0]


def test_it_leaves_the_episode_status_to_its_own_record(world: World) -> None:
    urgent = screen(world.practitioner, world.episode, *URGENT)
    referral = referral_record(actor=world.practitioner, screening=urgent,
                               outcome=ReferralOutcome.REFERRED_GP_URGENT,
                               recorded=Recorded(by=world.owner,
                                                 at=timezone.now() - LAST_WEEK))
    world.episode.refresh_from_db()
    assert world.episode.status == EpisodeStatus.ACTIVE  # not referred out by the import
    referral.refresh_from_db()
    assert referral.recorded_by == world.owner
    # The page's path still marks it referred out.
    referral_record(actor=world.practitioner, screening=urgent,
                    outcome=ReferralOutcome.REFERRED_GP_URGENT)
    world.episode.refresh_from_db()
    assert world.episode.status == EpisodeStatus.REFERRED_OUT
