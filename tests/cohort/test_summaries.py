"""Per-episode cohort summaries: written by each write path in its own transaction, equal to
what the report's queries give over the raw rows (`check_summaries`), rebuilt set-based by
the bulk path and by `acuback analyze rebuild-summaries`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import fields, replace
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from acuback.assessments.models import TimePoint
from acuback.assessments.services import assessment_record
from acuback.cli import main
from acuback.cohort.filters import CohortFilter
from acuback.cohort.models import DIMENSIONS, EpisodeMeasure, EpisodeSummary
from acuback.cohort.stored import cohort_measures
from acuback.cohort.summaries import (
    check_summaries,
    rebuild_summaries,
    summaries_deferred,
    summary_ids,
)
from acuback.demo import BULK_STEPS
from acuback.demo.bulk import demo_bulk_load
from acuback.episodes.models import Episode, EpisodeStatus
from acuback.episodes.services import EpisodeInput, episode_update
from acuback.patients.services import PatientInput, patient_update
from acuback.visits.adverse import (
    FollowUp,
    adverse_event_follow_up,
    adverse_event_mark_in_error,
    adverse_event_record,
)
from acuback.visits.inputs import PainkillerInput
from acuback.visits.painkillers import painkillers_record_intake
from acuback.visits.signing import visit_amend, visit_sign
from tests.personas import PASSWORD, World, make_episode
from tests.plans.factories import proposal_for
from tests.plans.factories import save as save_plan
from tests.visits.factories import PLAN_CODES, bruise, fill, ready, signed, start

pytestmark = pytest.mark.django_db


def summary(episode: Episode) -> EpisodeSummary:
    return EpisodeSummary.objects.get(episode=episode)


def measures(episode: Episode) -> dict[str, tuple[float, float, bool]]:
    return {m.instrument: (m.baseline, m.latest, m.followed)
            for m in EpisodeMeasure.objects.filter(episode=episode)}


def assert_current(*episodes: Episode) -> None:
    assert check_summaries([e.pk for e in episodes]) == []


def measure_dimensions(episode: Episode) -> set[tuple[object, ...]]:
    """The filter columns of the episode's measure rows (one tuple when they agree)."""
    return set(EpisodeMeasure.objects.filter(episode=episode).values_list(*DIMENSIONS))


def summary_dimensions(episode: Episode) -> tuple[object, ...]:
    return EpisodeSummary.objects.filter(episode=episode).values_list(*DIMENSIONS).get()


def measured(world: World, episode: Episode) -> None:
    """An NRS at baseline: the episode has a measure row to carry its filter columns."""
    assessment_record(actor=world.practitioner, episode=episode, instrument="nrs", answers=[7],
                      time_point=TimePoint.BASELINE,
                      administered_at=timezone.now() - dt.timedelta(days=20))


def test_a_new_episode_has_its_summary(world: World) -> None:
    s = summary(world.episode)
    assert (s.clinic_id, s.patient_id, s.opened_on, s.visits, s.plan_estim) == (
        world.episode.clinic_id, world.episode.patient_id, world.episode.opened_on, 0, None)
    assert s.days_open == (world.episode.opened_on - world.episode.onset_date).days
    assert_current(world.episode, world.other_episode)


def test_recorded_questionnaires_set_baseline_and_latest(world: World) -> None:
    now = timezone.now()
    assessment_record(actor=world.practitioner, episode=world.episode, instrument="nrs",
                      answers=[8], time_point=TimePoint.BASELINE,
                      administered_at=now - dt.timedelta(days=30))
    assert measures(world.episode) == {"nrs": (8.0, 8.0, False)}
    assessment_record(actor=world.practitioner, episode=world.episode, instrument="nrs",
                      answers=[3], time_point=TimePoint.FOLLOW_UP, administered_at=now)
    assert measures(world.episode) == {"nrs": (8.0, 3.0, True)}
    assert_current(world.episode)


def test_visits_plans_and_adverse_events_keep_the_counts(world: World) -> None:
    episode = ready(world)  # screened and planned: the plan's e-stim is on the summary
    assert summary(episode).plan_estim is not None
    visit = signed(world)
    assert summary(episode).visits == 1
    event = adverse_event_record(actor=world.practitioner, visit=visit, data=bruise())
    assert (summary(episode).adverse_events, summary(episode).serious_adverse_events) == (1, 0)
    assert_current(episode)
    adverse_event_mark_in_error(actor=world.practitioner, event=event, reason="wrong patient")
    assert summary(episode).adverse_events == 0
    adverse_event_record(actor=world.practitioner, visit=visit, data=bruise())
    assert summary(episode).adverse_events == 1
    visit_amend(actor=world.practitioner, visit=visit, kind="entered_in_error",
                reason="charted on the wrong patient")
    # A visit entered in error leaves the counts with its events.
    assert (summary(episode).visits, summary(episode).adverse_events) == (0, 0)
    assert_current(episode)


def test_an_episode_edit_moves_its_chronicity(world: World) -> None:
    episode = world.episode
    measured(world, episode)
    data = EpisodeInput(onset_date=episode.opened_on - dt.timedelta(days=200), region="lumbar",
                        side="left", icd10_code="M54.50")
    episode_update(actor=world.practitioner, episode=episode, data=data,
                   version=episode.version)
    assert summary(episode).days_open == 200
    assert {d[DIMENSIONS.index("days_open")] for d in measure_dimensions(episode)} == {200}
    assert cohort_measures(episode.clinic_id, CohortFilter(chronicity="chronic")).filter(
        episode=episode).exists()
    assert_current(episode)


def test_a_write_around_the_services_is_found_by_the_check(world: World, capsys) -> None:  # noqa: ANN001
    Episode.objects.filter(pk=world.episode.pk).update(
        onset_date=world.episode.opened_on - dt.timedelta(days=90))
    found = check_summaries([world.episode.pk, world.other_episode.pk])
    assert [m.episode_id for m in found] == [world.episode.pk]
    assert main(["analyze", "rebuild-summaries", "--check", "0"]) == 1
    assert json.loads(capsys.readouterr().out)["mismatches"][0]["episode"] == world.episode.pk
    assert main(["analyze", "rebuild-summaries"]) == 0
    assert json.loads(capsys.readouterr().out)["rebuilt"] == Episode.objects.count()
    assert summary(world.episode).days_open == 90
    assert main(["analyze", "rebuild-summaries", "--check", "1"]) == 0


def test_the_bulk_path_writes_summaries_equal_to_the_raw_rows(world: World) -> None:
    before = set(summary_ids())
    demo_bulk_load(clinics=[world.clinic_a], patients=40, today=dt.date(2026, 11, 21),
                   steps=BULK_STEPS)
    ids = summary_ids()
    assert len(ids) > len(before) and summary_ids(missing_only=True) == []
    assert check_summaries(ids) == []
    assert EpisodeMeasure.objects.filter(episode_id__in=set(ids) - before).exists()
    def stored() -> list[tuple[object, ...]]:
        return sorted(EpisodeSummary.objects.values_list(
            "episode_id", "visits", "adverse_events", "days_open", "startback_band",
            "plan_estim"))

    before_rebuild = stored()
    rebuild_summaries(ids)  # a rebuild finds nothing to change
    assert stored() == before_rebuild


def test_deferred_refreshes_run_once_at_the_end_and_equal_the_raw_rows(world: World) -> None:
    """The demo's way (acuback.demo.demo_load): the services' refreshes gathered in one
    transaction and run at its end. Inside, the summary is not yet written; after, it is what
    the raw rows give, as if each write had refreshed it."""
    episode = ready(world)
    with transaction.atomic(), summaries_deferred():
        with summaries_deferred():  # a nested block joins the outer one
            visit = signed(world)
        adverse_event_record(actor=world.practitioner, visit=visit, data=bruise())
        assert (summary(episode).visits, summary(episode).adverse_events) == (0, 0)
    assert (summary(episode).visits, summary(episode).adverse_events) == (1, 1)
    assert_current(episode, world.other_episode)


@pytest.mark.django_db(transaction=True)  # outside any transaction, as a caller may be
def test_deferred_refreshes_need_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="needs a transaction"), summaries_deferred():
        pass


def test_a_new_practitioner_of_record_moves_the_patients_episodes(world: World) -> None:
    patient = world.episode.patient
    data = PatientInput(**{f.name: getattr(patient, f.name) for f in fields(PatientInput)})
    target = None if patient.practitioner_id == world.practitioner.pk else world.practitioner.pk
    measured(world, world.episode)
    assert summary(world.episode).practitioner_id == patient.practitioner_id
    patient_update(actor=world.owner, patient=patient,
                   data=replace(data, practitioner_id=target), version=patient.version)
    assert summary(world.episode).practitioner_id == target
    # the measure rows move with it: the practitioner filter reads them alone
    assert measure_dimensions(world.episode) == {summary_dimensions(world.episode)}
    assert [m.practitioner_id for m in EpisodeMeasure.objects.filter(episode=world.episode)] == [
        target]
    assert_current(world.episode)


def test_a_later_plan_moves_the_protocol(world: World) -> None:
    # Grace's lumbar episode (e-stim is never planned over the thoracic spine): manual first.
    episode = ready(world, make_episode(world.practitioner, world.other_patient))
    measured(world, episode)
    assert summary(episode).plan_estim is False
    electro = CohortFilter(protocol="electro")
    assert not cohort_measures(episode.clinic_id, electro).filter(episode=episode).exists()
    save_plan(world.practitioner, episode, PLAN_CODES, based_on=1, estim=True,
              proposal=proposal_for(episode, estim_requested=True))
    assert summary(episode).plan_estim is True
    assert measure_dimensions(episode) == {summary_dimensions(episode)}
    assert cohort_measures(episode.clinic_id, electro).filter(episode=episode).exists()
    assert_current(episode)


def test_a_first_start_back_screen_moves_the_measures_band(world: World) -> None:
    episode = world.episode
    measured(world, episode)
    assert measure_dimensions(episode) == {summary_dimensions(episode)}
    assert summary(episode).startback_band == ""
    assessment_record(actor=world.practitioner, episode=episode, instrument="startback",
                      answers=[1] * 9, time_point=TimePoint.BASELINE,
                      administered_at=timezone.now() - dt.timedelta(days=19))
    assert summary(episode).startback_band == "high"
    # every measure of the episode, the STarT Back's own included, now carries its band
    assert {m.instrument: m.startback_band for m in EpisodeMeasure.objects.filter(
        episode=episode)} == {"nrs": "high", "startback": "high"}
    high = cohort_measures(episode.clinic_id, CohortFilter(startback="high"))
    assert set(high.filter(episode=episode).values_list("instrument", flat=True)) == {
        "nrs", "startback"}
    assert_current(episode)


@pytest.mark.parametrize(("column", "stale"), [
    ("practitioner_id", -1), ("opened_on", dt.date(2001, 1, 1)), ("days_open", 9999),
    ("startback_band", "medium"), ("plan_estim", True)])
def test_a_measure_row_with_a_stale_filter_column_is_found_by_the_check(
        world: World, column: str, stale: object, capsys) -> None:  # noqa: ANN001
    measured(world, world.episode)
    assert_current(world.episode)
    EpisodeMeasure.objects.filter(episode=world.episode).update(**{column: stale})
    assert [m.episode_id for m in check_summaries([world.episode.pk])] == [world.episode.pk]
    assert main(["analyze", "rebuild-summaries", "--check", "0"]) == 1
    capsys.readouterr()
    assert main(["analyze", "rebuild-summaries"]) == 0
    assert measure_dimensions(world.episode) == {summary_dimensions(world.episode)}
    assert_current(world.episode)


def test_the_migration_fills_the_measures_filter_columns_from_the_summaries(
        world: World) -> None:
    import importlib

    from django.db import connection

    migration = importlib.import_module("acuback.cohort.migrations.0003_measure_dimensions")
    measured(world, world.episode)
    measured(world, world.other_episode)
    expected = {e.pk: summary_dimensions(e) for e in (world.episode, world.other_episode)}
    EpisodeMeasure.objects.update(practitioner_id=None, opened_on=dt.date(1970, 1, 1),
                                  days_open=0, startback_band="", plan_estim=None)
    assert check_summaries(expected) != []
    with connection.cursor() as cursor:  # the statement the migration runs
        cursor.execute(migration.fill_statement(connection.ops.quote_name,
                                                EpisodeMeasure._meta.db_table,
                                                EpisodeSummary._meta.db_table))
    assert {m.episode_id: tuple(getattr(m, d) for d in DIMENSIONS)
            for m in EpisodeMeasure.objects.filter(episode_id__in=expected)} == expected
    assert_current(world.episode, world.other_episode)


def test_a_started_visit_counts_and_a_draft_entered_in_error_leaves(world: World) -> None:
    episode = ready(world)
    draft = start(world)
    assert summary(episode).visits == 1
    visit_amend(actor=world.practitioner, visit=draft, kind="entered_in_error",
                reason="started on the wrong patient")
    assert summary(episode).visits == 0
    assert_current(episode)


def test_signing_with_a_needle_unaccounted_for_files_the_event_on_the_summary(
        world: World) -> None:
    episode = ready(world)
    visit = fill(world, start(world), needles_out=6, needle_mismatch_reason="not_found")
    assert summary(episode).adverse_events == 0
    visit_sign(actor=world.practitioner, visit=visit, password=PASSWORD, version=visit.version)
    assert (summary(episode).visits, summary(episode).adverse_events) == (1, 1)
    assert_current(episode)


def test_a_follow_up_that_makes_an_event_serious_counts_it(world: World) -> None:
    episode = ready(world)
    event = adverse_event_record(actor=world.practitioner, visit=signed(world), data=bruise())
    assert summary(episode).serious_adverse_events == 0
    adverse_event_follow_up(actor=world.practitioner, event=event, version=event.version,
                            data=FollowUp(action="Sent to A&E", outcome="resolved",
                                          severity="severe", serious=True))
    assert summary(episode).serious_adverse_events == 1
    assert_current(episode)


def test_discharge_and_reopening_keep_the_summary_current(world: World) -> None:
    # The summary holds nothing a discharge changes (the report does not filter by status);
    # the edit still refreshes it, with the onset changed in the same edit.
    episode = world.episode
    data = EpisodeInput(onset_date=episode.opened_on - dt.timedelta(days=30), region="lumbar",
                        side="left", icd10_code="M54.50", status=EpisodeStatus.DISCHARGED)
    episode = episode_update(actor=world.practitioner, episode=episode, data=data,
                             version=episode.version)
    assert summary(episode).days_open == 30
    episode = episode_update(actor=world.practitioner, episode=episode,
                             data=replace(data, status=EpisodeStatus.ACTIVE,
                                          onset_date=episode.opened_on - dt.timedelta(days=10)),
                             version=episode.version)
    assert summary(episode).days_open == 10
    assert_current(episode)


def test_painkillers_are_not_what_the_summary_holds(world: World) -> None:
    # The cohort report counts no painkillers (their use is each episode's own outcome): a
    # painkiller written leaves the summary as it was, and current.
    before = (summary(world.episode).visits, measures(world.episode))
    painkillers_record_intake(actor=world.practitioner, episode=world.episode, uses=[
        PainkillerInput(drug="ibuprofen", dose=Decimal("400"), times_a_day=2, days_last_week=5)])
    assert (summary(world.episode).visits, measures(world.episode)) == before
    assert_current(world.episode)



def test_migrate_gives_episodes_made_before_the_summaries_their_summary(world: World) -> None:
    from django.core.management import call_command

    EpisodeSummary.objects.filter(episode__in=[world.episode, world.other_episode]).delete()
    assert summary_ids(missing_only=True) == sorted([world.episode.pk, world.other_episode.pk])
    call_command("migrate", interactive=False, verbosity=0)  # an upgrade: nothing to apply
    assert summary_ids(missing_only=True) == []
    assert_current(world.episode, world.other_episode)
