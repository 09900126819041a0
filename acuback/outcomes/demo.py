"""Demo step: some demo patients were treated here before, so that "does the relief last?"
has something to show. Every sixth demo patient of each clinic gets an earlier episode of
care, discharged, with its baseline, discharge and 3-month follow-up questionnaires (and the
12-month one when it has come round): for some the relief held, for others it faded; for half
the back pain came back within 12 months of discharge (their current episode), for the others
later.

Recorded through the episode and assessment services, dated in the past as an import would be.
Deterministic (each patient's draws come from a generator seeded by clinic and place, not from
the demo's, so the later steps draw as before) and idempotent (a patient with a discharged
episode is left alone). Runs before the questionnaire step, which then leaves these episodes
alone, and before the screening step, which screens them like every other.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.utils import timezone

from acuback.assessments.demo import record_at_level
from acuback.assessments.models import TimePoint
from acuback.assessments.services import assessment_record
from acuback.episodes.models import Episode, EpisodeStatus
from acuback.episodes.services import EpisodeInput, episode_create
from acuback.patients.models import Patient

if TYPE_CHECKING:
    from acuback.demo import DemoContext

EVERY = 6  # every sixth patient of a clinic, from the third
COURSE_DAYS = 84  # twelve weeks from opening to discharge
# How long before the current episode opened the earlier one was discharged: within 12 months
# (the pain came back) or later.
GAP_DAYS = {True: 200, False: 420}


def demo_history(ctx: DemoContext) -> None:
    for slug, clinic in ctx.clinics.items():
        patients = (Patient.objects.filter(episodes__in=ctx.episodes(), clinic=clinic)
                    .distinct().order_by("pk"))
        for place, patient in enumerate(patients):
            if place % EVERY != 2 or patient.episodes.filter(
                    status=EpisodeStatus.DISCHARGED).exists():
                continue
            current = patient.episodes.order_by("opened_on", "pk").first()
            if current is not None:
                rng = random.Random(f"history-{slug}-{place}")  # noqa: S311 - synthetic data
                _earlier_episode(rng, ctx.today, current, came_back=place % (2 * EVERY) == 2,
                                 lasted=place % (3 * EVERY) != 8)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(11, 0)))


def _earlier_episode(rng: random.Random, today: dt.date, current: Episode, *, came_back: bool,
                     lasted: bool) -> None:
    closed = current.opened_on - dt.timedelta(days=GAP_DAYS[came_back])
    opened = closed - dt.timedelta(days=COURSE_DAYS)
    clinician = current.created_by
    episode = episode_create(actor=clinician, patient=current.patient, data=EpisodeInput(
        onset_date=opened - dt.timedelta(days=rng.randint(100, 300)), region=current.region,
        side=current.side, icd10_code=current.icd10_code, suspected_cause="no clear cause",
        status=EpisodeStatus.DISCHARGED), opened_on=opened, closed_on=closed)
    severity = rng.uniform(0.45, 0.7)
    moments = [(TimePoint.BASELINE, opened + dt.timedelta(days=1), 1.0),
               (TimePoint.DISCHARGE, closed, rng.uniform(0.3, 0.5))]
    # Lasting relief stays near its discharge level; faded relief drifts back to baseline.
    later = rng.uniform(0.35, 0.55) if lasted else rng.uniform(0.85, 1.0)
    for days in (95, 372):  # just after the 3- and 12-month follow-ups fall due
        day = closed + dt.timedelta(days=days + rng.randint(0, 10))
        if day < today:
            moments.append((TimePoint.FOLLOW_UP, day, later))
    for time_point, day, factor in moments:
        for instrument in ("odi", "nrs"):
            record_at_level(rng, episode, clinician, instrument, severity * factor, 0.2,
                            time_point, _at(day))
        if time_point != TimePoint.BASELINE:
            pgic = [1, 2] if factor < 0.6 else [4, 5]
            assessment_record(actor=clinician, episode=episode, instrument="pgic",
                              answers=[rng.choice(pgic)], time_point=time_point,
                              administered_at=_at(day))
