"""A clinic's worth of cohort data, built once per test module: a few hundred bulk patients
(as `acuback demo --patients N` makes them), hand-made edge cases, visits and adverse events,
plus what each episode's own outcome says (the oracle the cohort figures must agree with)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from acuback.accounts.models import Role, User
from acuback.accounts.services import member_create
from acuback.assessments.models import Assessment, EnteredBy, TimePoint
from acuback.clinical import instruments
from acuback.clinical.outcomes import InstrumentOutcome, Measurement, episode_outcome
from acuback.cohort.summaries import refresh_episode_summaries, refresh_episode_summary
from acuback.demo import BULK_STEPS
from acuback.demo.bulk import demo_bulk_load
from acuback.episodes.models import Episode
from acuback.visits.models import AdverseEvent, Amendment, AmendmentKind, Visit
from tests.personas import PASSWORD, World, build_world, make_episode, make_patient

TODAY = dt.date(2026, 11, 21)
BULK_PATIENTS = 240
EDGE_YEAR = 2001  # the hand-made episodes open in this year, so a date filter isolates them


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def record(world: World, episode: Episode, instrument: str, answers: list[int | None],
           when: dt.datetime, time_point: str = TimePoint.FOLLOW_UP) -> Assessment:
    """Stored as the service stores it (scored by the core), with the time we choose."""
    result = instruments.score(instrument, answers)
    definition = instruments.get(instrument)
    assessment = Assessment.objects.create(
        clinic=episode.clinic, episode=episode, instrument=instrument,
        definition_version=definition.version, answers=answers, results=result.as_dict(),
        total=result.total, band=result.band or "", time_point=time_point,
        administered_at=when, entered_by=EnteredBy.CLINICIAN,
        entered_by_user=world.practitioner)
    refresh_episode_summary(episode.pk)  # written around the service, refreshed as it does
    return assessment


@dataclass
class Edge:
    baseline_only: Episode
    follow_up_only: Episode  # no baseline time point: its one measurement is its baseline
    pgic_only: Episode
    tie: Episode  # two measurements at the same moment: entry order decides
    treated: Episode  # visits, one entered in error, adverse events


def _edge_episode(world: World, given: str) -> Episode:
    patient = make_patient(world.practitioner, given, "Edge", dt.date(1950, 3, 1))
    episode = make_episode(world.practitioner, patient, onset_date=dt.date(EDGE_YEAR, 1, 2))
    Episode.objects.filter(pk=episode.pk).update(opened_on=dt.date(EDGE_YEAR, 2, 1))
    episode.refresh_from_db()
    return episode


def build_edges(world: World) -> Edge:
    day = dt.date(EDGE_YEAR, 2, 1)
    edge = Edge(*(_edge_episode(world, g) for g in ("Bo", "Fu", "Pg", "Ti", "Tr")))
    record(world, edge.baseline_only, "nrs", [7], at(day), TimePoint.BASELINE)
    record(world, edge.follow_up_only, "nrs", [3], at(day), TimePoint.FOLLOW_UP)
    record(world, edge.pgic_only, "pgic", [2], at(day))
    record(world, edge.pgic_only, "pgic", [6], at(day + dt.timedelta(days=30)))
    # Same moment: the first entered is the baseline (8), the last the latest (4).
    record(world, edge.tie, "nrs", [8], at(day), TimePoint.BASELINE)
    record(world, edge.tie, "nrs", [4], at(day))
    # An unscorable ODI (too few sections) has no total: it is no measurement.
    record(world, edge.tie, "odi", [None] * 10, at(day))
    visits = [Visit.objects.create(
        clinic=world.clinic_a, episode=edge.treated, practitioner=world.practitioner,
        number=n, started_at=at(day + dt.timedelta(days=7 * n)), started_from="blank")
        for n in range(1, 5)]
    Amendment.objects.create(visit=visits[3], kind=AmendmentKind.ENTERED_IN_ERROR,
                             reason="wrong patient", author=world.practitioner,
                             at=at(day + dt.timedelta(days=40)), content_hash="0" * 64)
    for visit, serious in ((visits[0], False), (visits[1], True), (visits[3], False)):
        AdverseEvent.objects.create(
            clinic=world.clinic_a, episode=edge.treated, visit=visit, kind="bleeding",
            severity="mild", serious=serious, causality="possible", onset_at=visit.started_at,
            reporter="practitioner", recorded_by=world.practitioner,
            recorded_at=visit.started_at)
    # Written around the services (back-dated opening days, raw visits and events): their
    # summaries refreshed as the services would.
    refresh_episode_summaries(e.pk for e in (edge.baseline_only, edge.follow_up_only,
                                             edge.pgic_only, edge.tie, edge.treated))
    return edge


@dataclass
class CohortData:
    world: World
    edge: Edge
    second_practitioner: User


def build(world_builder=build_world) -> CohortData:  # noqa: ANN001
    world = world_builder()
    second = member_create(clinic=world.clinic_a, username="prac2", password=PASSWORD,
                           role=Role.PRACTITIONER, first_name="Sam", last_name="Second")
    demo_bulk_load(clinics=[world.clinic_a, world.clinic_b], patients=BULK_PATIENTS,
                   today=TODAY, steps=BULK_STEPS)
    return CohortData(world, build_edges(world), second)


def own_outcomes(episode_ids: list[int]) -> dict[int, tuple[InstrumentOutcome, ...]]:
    """Each episode's outcome by the per-episode pure function, from its stored measurements
    (the rows the episode's page reads: scored ones, in the order they were given)."""
    measured: dict[int, list[Measurement]] = defaultdict(list)
    for episode_id, instrument, when, total in (
            Assessment.objects.filter(episode_id__in=episode_ids, total__isnull=False)
            .order_by("administered_at", "id")
            .values_list("episode_id", "instrument", "administered_at", "total")):
        measured[episode_id].append(Measurement(instrument, timezone.localtime(when).date(),
                                                total))
    return {pk: episode_outcome(measured[pk]) for pk in episode_ids}
