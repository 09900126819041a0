"""Whether treatment may be planned, at each decision and after each referral outcome; and who
may reach an episode's screening."""

from __future__ import annotations

import pytest

from acuback.accounts.access import Forbidden, NotFound
from acuback.audit.models import AuditEntry
from acuback.episodes.models import EpisodeStatus
from acuback.errors import InputError
from acuback.screening.selectors import (
    Level,
    clinical_episode_get,
    episode_nonspecific,
    episode_planning_status,
    screening_history,
    screening_require,
    screening_status,
)
from acuback.screening.services import referral_record
from tests.personas import World
from tests.screening.factories import CLEAR, EMERGENCY, ROUTINE, URGENT, screen


def test_it_blocks_planning_before_any_screen(world: World) -> None:
    allowed, why = episode_planning_status(world.episode)
    assert not allowed
    assert why.startswith("Screen for red flags first")


def test_it_allows_planning_after_a_clear_screen(world: World) -> None:
    screen(world.practitioner, world.episode, *CLEAR)
    allowed, why = episode_planning_status(world.episode)
    assert allowed
    assert why.startswith("No red flags")


def test_it_allows_planning_after_a_routine_screen_with_a_warning(world: World) -> None:
    screen(world.practitioner, world.episode, *ROUTINE)
    status = screening_status(world.episode)
    assert status.planning.allowed
    assert "Routine red flags" in status.planning.why
    assert "Refer the patient to their doctor for a routine assessment" in status.planning.why
    assert status.level == Level.WARN


@pytest.mark.parametrize("yes", [URGENT, EMERGENCY])
def test_it_blocks_planning_after_a_serious_screen(world: World, yes: tuple[str, ...]) -> None:
    screen(world.practitioner, world.episode, *yes)
    status = screening_status(world.episode)
    assert not status.planning.allowed
    assert status.planning.why.startswith("Planning is blocked")
    assert "No referral outcome is recorded yet" in status.planning.why
    assert status.needs_referral
    assert status.level == Level.DANGER


@pytest.mark.parametrize("outcome", ["referred_emergency", "referred_gp_urgent",
                                     "patient_declined"])
def test_it_keeps_planning_blocked_after_any_outcome_but_clearance(
    world: World, outcome: str
) -> None:
    s = screen(world.practitioner, world.episode, *EMERGENCY)
    referral_record(actor=world.practitioner, screening=s, outcome=outcome)
    world.episode.refresh_from_db()
    status = screening_status(world.episode)
    assert not status.planning.allowed
    assert "Outcome so far" in status.planning.why
    assert status.needs_referral


def test_it_unblocks_planning_once_a_physician_clears_the_patient(world: World) -> None:
    s = screen(world.practitioner, world.episode, *URGENT)
    referral_record(actor=world.practitioner, screening=s, outcome="referred_gp_urgent")
    referral_record(actor=world.practitioner, screening=s, outcome="cleared_by_physician",
                    note="GP letter: bloods and X-ray normal")
    world.episode.refresh_from_db()
    status = screening_status(world.episode)
    assert status.planning.allowed
    assert "cleared the patient" in status.planning.why
    assert not status.needs_referral
    assert status.level == Level.WARN


def test_it_uses_the_latest_screen(world: World) -> None:
    screen(world.practitioner, world.episode, *EMERGENCY)
    screen(world.practitioner, world.episode, *CLEAR)
    assert episode_planning_status(world.episode).allowed


def test_it_blocks_planning_for_a_discharged_episode(world: World) -> None:
    screen(world.practitioner, world.episode, *CLEAR)
    world.episode.status = EpisodeStatus.DISCHARGED
    allowed, why = episode_planning_status(world.episode)
    assert not allowed
    assert "discharged" in why


def test_it_reports_nonspecific_from_the_latest_screen(world: World) -> None:
    assert episode_nonspecific(world.episode) is None
    screen(world.practitioner, world.episode, *URGENT)
    assert episode_nonspecific(world.episode) is False
    screen(world.practitioner, world.episode, *CLEAR)
    assert episode_nonspecific(world.episode) is True


def test_it_lists_and_audits_the_screens_of_an_episode(world: World) -> None:
    first = screen(world.practitioner, world.episode, *URGENT)
    second = screen(world.practitioner, world.episode)
    assert screening_history(actor=world.practitioner, episode=world.episode) == [second, first]
    entry = AuditEntry.objects.get(object_type="screening", action="list")
    assert entry.detail == {"episode": world.episode.pk, "ids": [second.pk, first.pk]}


def test_it_asks_for_a_screen_before_a_referral(world: World) -> None:
    with pytest.raises(InputError):
        screening_require(world.episode)


def test_it_gives_a_clinician_the_episode(world: World) -> None:
    episode = clinical_episode_get(actor=world.practitioner, episode_id=world.episode.pk,
                                   what="screening")
    assert episode == world.episode


def test_it_hides_another_clinics_episode(world: World) -> None:
    with pytest.raises(NotFound):
        clinical_episode_get(actor=world.outsider, episode_id=world.episode.pk,
                             what="screening")


@pytest.mark.parametrize("persona", ["front_desk", "patient_user"])
def test_it_refuses_non_clinicians_and_audits_it(world: World, persona: str) -> None:
    with pytest.raises(Forbidden):
        clinical_episode_get(actor=getattr(world, persona), episode_id=world.episode.pk,
                             what="screening")
    assert AuditEntry.objects.filter(outcome="denied").exists()
