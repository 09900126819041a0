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


def test_it_loads_each_episodes_screens_and_referrals_newest_first_as_the_orm_does(
        world: World) -> None:
    # prefetch_screenings reads them in two hand-written statements; Screening's and Referral's
    # order (recorded_at, id, newest first) is written out in them: here the ids run against it.
    import datetime as dt

    from django.db.models import prefetch_related_objects

    from acuback.episodes.models import Episode
    from acuback.screening.models import Referral, Screening
    from acuback.screening.selectors import prefetch_screenings, screenings_prefetch

    # Three of each, their times set so that the order is neither the ids' nor its reverse.
    hour = dt.timedelta(hours=1)
    screens = [screen(world.practitioner, world.episode, *URGENT) for _ in range(3)]
    other = screen(world.practitioner, world.other_episode)
    for outcome in ("referred_gp_urgent", "patient_declined", "referred_gp_urgent"):
        referral_record(actor=world.practitioner, screening=screens[0], outcome=outcome)
    referrals = list(Referral.objects.filter(screening=screens[0]).order_by("id"))
    for model, rows in ((Screening, screens), (Referral, referrals)):
        base = rows[0].recorded_at
        for row, shift in zip(rows, (0, 1, -1), strict=True):
            model.objects.filter(pk=row.pk).update(recorded_at=base + shift * hour)
    episodes = list(Episode.objects.filter(pk__in=[world.episode.pk, world.other_episode.pk,
                                                   world.episode_b.pk]).order_by("id"))
    prefetch_screenings(episodes)
    orm = list(Episode.objects.filter(pk__in=[e.pk for e in episodes]).order_by("id"))
    prefetch_related_objects(orm, screenings_prefetch())
    loaded = {e.pk: list(e.screenings.all()) for e in episodes}
    assert [s.pk for s in loaded[world.episode.pk]] == [screens[i].pk for i in (1, 0, 2)]
    assert [s.pk for s in loaded[world.other_episode.pk]] == [other.pk]
    assert loaded[world.episode_b.pk] == []
    assert [r.pk for r in loaded[world.episode.pk][1].referrals.all()] == [
        referrals[i].pk for i in (1, 0, 2)]
    for episode, expected in zip(episodes, orm, strict=True):
        for mine, theirs in zip(episode.screenings.all(), expected.screenings.all(), strict=True):
            assert (mine.episode, mine.recorded_by.get_full_name()) == (
                episode, world.practitioner.get_full_name())
            assert _fields(mine) == _fields(theirs)
            assert [_fields(r) for r in mine.referrals.all()] == [
                _fields(r) for r in theirs.referrals.all()]
            assert all(r.screening is mine for r in mine.referrals.all())


def _fields(instance: object) -> dict[str, object]:
    return {f.attname: getattr(instance, f.attname)
            for f in type(instance)._meta.concrete_fields}  # type: ignore[attr-defined]
