"""Whether relief lasts: the follow-ups 3 and 12 months after discharge, and recurrence.

- A follow-up is done when a pain or function measure was taken on or after its day (the
  portal's schedule asks from that day: `questionnaire_schedule`, after_discharge); due from
  that day until then; upcoming before it.
- A done follow-up is judged against the episode's baseline as coverage improvement is:
  any pain or function measure worse by the minimal important change -> worse, else any
  improved -> improved, else no change (`outcomes.coverage_improvement`).
- Recurrence: a new episode of the same patient opened within 12 months of discharge (the
  seeds' "pain never comes back"); unknown until 12 months have passed without one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from acuback.clinical.coverage import Improvement
from acuback.clinical.instruments import Verdict
from acuback.clinical.outcomes import (
    COVERAGE_MEASURES,
    LASTING_FOLLOW_UP_MONTHS,
    Measurement,
    add_months,
    coverage_improvement,
    episode_outcome,
)

RECURRENCE_MONTHS = 12
_VERDICT = {Improvement.IMPROVING: Verdict.IMPROVED, Improvement.NOT_IMPROVING: Verdict.NO_CHANGE,
            Improvement.REGRESSING: Verdict.WORSE}


class FollowUpStatus(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class LastingFollowUp:
    months: int
    due_on: dt.date
    status: FollowUpStatus
    measured_on: dt.date | None = None
    verdict: Verdict | None = None  # None: not done, or nothing comparable with a baseline
    why: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"months": self.months, "due_on": self.due_on.isoformat(),
                "status": self.status.value,
                "measured_on": None if self.measured_on is None else self.measured_on.isoformat(),
                "verdict": None if self.verdict is None else self.verdict.value, "why": self.why}


def lasting_follow_ups(discharged_on: dt.date | None, measurements: tuple[Measurement, ...],
                       today: dt.date) -> tuple[LastingFollowUp, ...]:
    if discharged_on is None:
        return ()
    days = [add_months(discharged_on, months) for months in LASTING_FOLLOW_UP_MONTHS]
    found = []
    for index, (months, due_on) in enumerate(zip(LASTING_FOLLOW_UP_MONTHS, days, strict=True)):
        until = days[index + 1] if index + 1 < len(days) else None
        found.append(_follow_up(months, due_on, until, measurements, today))
    return tuple(found)


def _follow_up(months: int, due_on: dt.date, until: dt.date | None,
               measurements: tuple[Measurement, ...], today: dt.date) -> LastingFollowUp:
    core = [m for m in measurements if m.instrument in COVERAGE_MEASURES]
    taken = [m for m in core if m.taken_on >= due_on and (until is None or m.taken_on < until)]
    if not taken:
        status = FollowUpStatus.DUE if today >= due_on else FollowUpStatus.UPCOMING
        return LastingFollowUp(months, due_on, status)
    # Judge what was measured then against the baseline: the earlier measurements plus these.
    measured_on = max(m.taken_on for m in taken)
    before = [m for m in core if m.taken_on < due_on]
    judged = coverage_improvement(episode_outcome([*before, *taken]))
    verdict = None if judged.status is None else _VERDICT[judged.status]
    return LastingFollowUp(months, due_on, FollowUpStatus.DONE, measured_on, verdict, judged.why)


def recurred(discharged_on: dt.date | None, next_episode_opened_on: dt.date | None,
             today: dt.date) -> bool | None:
    """True: a new episode within 12 months of discharge; False: 12 months passed without;
    None: not discharged, or not known yet."""
    if discharged_on is None:
        return None
    limit = add_months(discharged_on, RECURRENCE_MONTHS)
    if next_episode_opened_on is not None and next_episode_opened_on <= limit:
        return True
    return False if today > limit else None
