"""An episode with a course of care for outcome tests: questionnaires on given days, signed
visits with pain ratings and painkillers, an adverse event, a plan with goals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from acuback.assessments.models import Assessment
from acuback.assessments.services import assessment_record
from acuback.episodes.models import Episode
from acuback.visits.adverse import AdverseEventInput, adverse_event_record
from acuback.visits.inputs import PainkillerInput
from acuback.visits.models import Visit
from acuback.visits.painkillers import painkillers_record_intake
from acuback.visits.signing import visit_sign
from tests.personas import PASSWORD, World
from tests.visits.factories import fill, ready, start

# ODI section answers and their totals: 23 / 50 = 46 %, 15 / 50 = 30 %, 29 / 50 = 58 %.
ODI = {46: [3, 2, 3, 2, 2, 3, 2, 2, 2, 2], 30: [2, 1, 2, 1, 2, 2, 1, 2, 1, 1],
       58: [3, 3, 3, 3, 3, 3, 3, 3, 3, 2], 18: [1, 1, 1, 1, 1, 1, 1, 1, 1, 0]}


def at(days_ago: int) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def measure(world: World, episode: Episode, instrument: str, total: int, days_ago: int,
            time_point: str = "follow_up") -> Assessment:
    answers = ODI[total] if instrument == "odi" else [total]
    return assessment_record(actor=world.practitioner, episode=episode, instrument=instrument,
                             answers=answers, time_point=time_point,
                             administered_at=at(days_ago))


def ibuprofen(days: int) -> PainkillerInput:
    return PainkillerInput(drug="ibuprofen", dose=Decimal("400"), times_a_day=2,
                           days_last_week=days)


def oxycodone(days: int, dose: int = 10) -> PainkillerInput:
    return PainkillerInput(drug="oxycodone", dose=Decimal(dose), times_a_day=2,
                           days_last_week=days)


def visit_on(world: World, episode: Episode, days_ago: int, **changes: object) -> Visit:
    visit = start(world, episode, started_at=at(days_ago))
    visit = fill(world, visit, **changes)
    return visit_sign(actor=world.practitioner, visit=visit, password=PASSWORD,
                      version=visit.version)


def adverse(world: World, visit: Visit, kind: str = "bleeding", severity: str = "mild",
            serious: bool = False) -> None:
    adverse_event_record(actor=world.practitioner, visit=visit, data=AdverseEventInput(
        kind=kind, severity=severity, serious=serious, causality="probable",
        onset_at=visit.started_at))


def responder(world: World, episode: Episode | None = None) -> Episode:
    """Grace Hopper's episode: ODI 46 -> 30, NRS 7 -> 3, pain at visits 7, 6, 4, ibuprofen on
    6 days a week at intake and 2 at the last visit, one mild bruise. Plan goal: ODI < 20."""
    episode = ready(world, episode)
    measure(world, episode, "odi", 46, 40, "baseline")
    measure(world, episode, "nrs", 7, 40, "baseline")
    painkillers_record_intake(actor=world.practitioner, episode=episode, uses=[ibuprofen(6)])
    first = visit_on(world, episode, 35, pain_before=7, pain_after=5)
    adverse(world, first)
    visit_on(world, episode, 28, pain_before=6, pain_after=4)
    visit_on(world, episode, 21, pain_before=4, pain_after=3, painkillers_taken=True,
             painkillers=[ibuprofen(2)])
    measure(world, episode, "odi", 30, 20)
    measure(world, episode, "nrs", 3, 20)
    return episode
