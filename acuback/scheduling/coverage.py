"""Medicare coverage at booking: one appointment, a course from the plan, a portal request the
clinic confirms, a move to another day. Every interface books through the services, and the
services ask here, so the page, the API and the portal's requests warn the same way.

The judgement is billing's (`acuback.billing.coverage.planned_visit_warnings`, NCD 30.3.3
through the pure core): the patient's charted visits count, then the appointments already
booked before the day, then the earlier sessions of the same booking, each as if it were held.

What stops a booking until someone confirms it (`CoverageNotConfirmed`, 409): a visit
Medicare is expected to deny with no ABN on file (the clinic would bear the cost, GZ), and a
day the patient declined on an ABN. Everything else that warns (excluded by statute: GY; an
ABN on file: GA; the patient chose to pay) is shown, not stopped. Our choice, so the front desk
is not asked to confirm every visit of a patient whose payer is not Medicare but not recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from acuback.billing.coverage import CoverageWarning, Level, planned_visit_warnings
from acuback.episodes.models import Episode, EpisodeStatus
from acuback.errors import ConflictError

SHOWN = 4  # sessions with a warning listed by name; the rest are counted
CONFIRM_LEVELS = frozenset({Level.ABN_NEEDED, Level.DECLINED})


class CoverageNotConfirmed(ConflictError):
    """A visit Medicare is expected not to pay (or the patient declined on the ABN): 409 with
    `coverage` (each warning, without outcome scores) until the booking says it was seen."""

    def __init__(self, warnings: Sequence[CoverageWarning]) -> None:
        self.warnings = list(warnings)
        first = self.warnings[0]
        super().__init__(
            f"{first.message} Record the patient's ABN first, or confirm the booking anyway "
            "(coverage_confirmed).", code="coverage_not_confirmed",
            coverage=[w.as_dict(evidence=False) for w in self.warnings])


def episode_for_booking(episode: Episode | None, patient_id: int) -> Episode | None:
    """The episode a booking treats: the one named, else the patient's only open one (None
    when there is none or more than one: nothing to judge)."""
    if episode is not None:
        return episode
    active = list(Episode.objects.filter(patient_id=patient_id, status=EpisodeStatus.ACTIVE)[:2])
    return active[0] if len(active) == 1 else None


def booking_warnings(episode: Episode, days: Sequence[dt.date], *,
                     ignore: int | None = None) -> list[CoverageWarning]:
    """Each day's judgement, counting the patient's appointments already booked from today
    until the last day (those not charted yet), leaving out appointment `ignore` (the one
    being moved or confirmed)."""
    from acuback.scheduling.models import HOLDS_TIME, Appointment
    from acuback.scheduling.services import schedule_of

    if not days:
        return []
    tz = schedule_of(episode.clinic_id).tz
    today = timezone.now().astimezone(tz).date()
    rows = (Appointment.objects.filter(patient_id=episode.patient_id, status__in=HOLDS_TIME,
                                       visit__isnull=True, starts_at__date__gte=today)
            .exclude(pk=ignore).values_list("episode_id", "starts_at"))
    last = max(days)
    booked = [(episode_id or episode.pk, local) for episode_id, starts in rows
              if (local := starts.astimezone(tz).date()) < last]
    return planned_visit_warnings(episode, days, booked=booked)


def check_confirmed(warnings: Sequence[CoverageWarning], confirmed: bool) -> None:
    """Refuse a booking with a day that needs confirming, unless it was confirmed."""
    stopping = [w for w in warnings if w.level in CONFIRM_LEVELS]
    if stopping and not confirmed:
        raise CoverageNotConfirmed(stopping)


def booking_notes(warnings: Sequence[CoverageWarning]) -> list[str]:
    """Plain sentences for a course: the visit count before it and each session Medicare would
    not cover, or would cover only with documented improvement (KX)."""
    if not warnings:
        return []
    first = warnings[0]
    if not first.medicare:
        return [first.message]
    if first.level is Level.EXCLUDED:
        return [first.message]
    result = first.judgement.coverage
    if not result.eligible:
        return ["Not covered: " + "; ".join(result.reasons) + "."]
    used = result.visits_in_benefit_year
    prefix = "" if first.payer else "If Medicare covers this patient: "
    notes = [f"{prefix}{used} visit{'s' if used != 1 else ''} this benefit year (from "
             f"{result.benefit_year_start:%d %b %Y}) before this course."]
    flagged = [(n, w) for n, w in enumerate(warnings, start=1)
               if w.level is not Level.COVERED]
    notes += [f"Session {n} ({w.on:%a %d %b}): {_words(w)}" for n, w in flagged[:SHOWN]]
    if len(flagged) > SHOWN:
        notes.append(f"... and {len(flagged) - SHOWN} more sessions like these.")
    return notes


def _words(warning: CoverageWarning) -> str:
    if warning.level is Level.KX:
        return f"{warning.judgement.modifier.why}; the claim line carries KX."
    return warning.message.removeprefix("If Medicare covers this patient: ")
