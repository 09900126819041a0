"""Medicare coverage shown while a course is booked (NCD 30.3.3, judged by the pure core in
`acuback.clinical.coverage`).

Which visits count: Medicare counts treatments of the beneficiary in a benefit year: the
patient's visits charted in the visits app (entered-in-error ones left out), each planned
session judged as if the ones before it were held. The patient's payer is not
recorded, so every sentence says "if Medicare covers this patient".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from acuback.clinical import coverage
from acuback.clinical.claim_lines import is_clbp_diagnosis
from acuback.clinical.outcomes import Measurement, coverage_improvement, episode_outcome
from acuback.episodes.models import Episode

SHOWN = 4  # sessions with a warning listed by name; the rest are counted


def booking_notes(episode: Episode, days: Sequence[dt.date]) -> list[str]:
    """Plain sentences for the booking page: the visit count so far and each planned session
    that Medicare would not cover, or would cover only with documented improvement (KX)."""
    if not days:
        return []
    if not is_clbp_diagnosis(episode.icd10_code):
        return [f"Medicare covers acupuncture for chronic low back pain only (NCD 30.3.3); "
                f"{episode.icd10_code} is not one of those diagnoses."]
    held = _held_visits(episode, days[0])
    improvement = _improvement(episode)
    notes = [f"If Medicare covers this patient: {_count(held, days[0])} before this course."]
    warnings = []
    planned: list[dt.date] = []
    for number, day in enumerate(days, start=1):
        result = coverage.evaluate(coverage.CoverageInput(
            day, _core_episode(episode), tuple(sorted(held + planned)), improvement))
        planned.append(day)
        if not result.eligible:
            return [*notes, "Not covered: " + "; ".join(result.reasons) + "."]
        if result.next_visit.kx_modifier or not result.next_visit.covered:
            warnings.append(f"Session {number} ({day:%a %d %b}): {result.next_visit.why}.")
    notes += warnings[:SHOWN]
    if len(warnings) > SHOWN:
        notes.append(f"... and {len(warnings) - SHOWN} more sessions like these.")
    return notes


def _count(held: list[dt.date], first: dt.date) -> str:
    start, used = coverage.benefit_year(sorted(held), first)
    return f"{used} visit{'s' if used != 1 else ''} this benefit year (from {start:%d %b %Y})"


def _held_visits(episode: Episode, before: dt.date) -> list[dt.date]:
    from acuback.visits.access import live_visits
    from acuback.visits.models import Visit

    rows = live_visits(Visit.objects.filter(episode__patient_id=episode.patient_id,
                                            started_at__date__lt=before))
    return [r.date() for r in rows.values_list("started_at", flat=True)]


def _improvement(episode: Episode) -> coverage.Improvement | None:
    measurements = [Measurement(a.instrument, a.administered_at.date(), a.total)
                    for a in episode.assessments.filter(total__isnull=False).order_by(
                        "administered_at")]
    return coverage_improvement(episode_outcome(measurements)).status


def _core_episode(episode: Episode) -> coverage.Episode:
    from acuback.screening.selectors import episode_nonspecific

    return coverage.Episode(
        onset=episode.onset_date, systemic_cause=episode_nonspecific(episode) is False,
        surgery_associated=episode.surgery_associated,
        pregnancy_associated=episode.pregnancy_associated)
