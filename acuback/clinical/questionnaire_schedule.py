"""Which questionnaires are due for an episode, and when: the follow-up schedule as data and
a pure function.

A schedule is a list of items, each an instrument at a moment of the course:

- ``baseline``: once, before treatment starts;
- ``before_visit`` N: before visit N (N given);
- ``every`` K: before every K-th visit after the first (K + 1, 2K + 1, ...), the re-assessment
  a plan asks for ("re-assess after session K");
- ``on_date`` (a day given): once, from the day a plan says to re-assess on, while the episode
  is open; any answer of that instrument on or after the day means it is not due any more (the
  answer is stored as before the next visit, the re-assessment it is);
- ``discharge``: once the episode is discharged;
- ``after_discharge`` M: M months after discharge (3 and 12 by default: whether the change lasts,
  as the trials measured it, e.g. Cherkin 2009 at 52 weeks, Brinkhaus 2006 at 26 and 52).

Each instrument is asked once per moment: an answer already given for that moment (same time
point and, before a visit, the same visit number) means it is not due again.

Defaults (`default_schedule`): the function measure (ODI where the clinic may show its wording,
else the RMDQ, which is free to reproduce: DOMAIN.md Part 1), pain NRS and PEG at baseline, at
each re-assessment (after every K sessions, and from the plan's re-assessment date if it names
one) and at discharge, with PGIC at discharge and after it; ISI, PSS-10 and PHQ-9
join baseline and discharge when the episode tracks sleep, stress or mood.

A plan may name questionnaires of its own (`plan_items`): they are ADDED to the defaults, never
replace them, so every course keeps the measures its outcome is judged by (the baseline and
discharge pair of DOMAIN.md Part 1) whatever a plan adds; a plan item at a moment the defaults
already ask the same instrument changes nothing (each instrument is due at most once).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

SCHEDULE_VERSION = "questionnaire-schedule/acuback-1"
DEFAULT_EVERY = 5
AFTER_DISCHARGE_MONTHS = (3, 12)


class Moment(StrEnum):
    BASELINE = "baseline"
    BEFORE_VISIT = "before_visit"
    EVERY = "every"
    ON_DATE = "on_date"
    DISCHARGE = "discharge"
    AFTER_DISCHARGE = "after_discharge"


@dataclass(frozen=True, slots=True)
class Item:
    instrument: str
    moment: Moment
    n: int | None = None  # the visit (before_visit), the interval (every), the months (after)
    on: dt.date | None = None  # the day (on_date)

    def __post_init__(self) -> None:
        needs_n = self.moment in (Moment.BEFORE_VISIT, Moment.EVERY, Moment.AFTER_DISCHARGE)
        if needs_n != (self.n is not None) or (self.n is not None and self.n < 1):
            raise ValueError(f"{self.moment} {'needs' if needs_n else 'takes no'} number >= 1")
        if (self.moment is Moment.ON_DATE) != (self.on is not None):
            raise ValueError(f"{self.moment} {'needs' if self.on is None else 'takes no'} day")


@dataclass(frozen=True, slots=True)
class Answered:
    """An answer on record: its instrument, time point (the assessments' vocabulary:
    baseline, before_visit, discharge, follow_up), visit number and day."""

    instrument: str
    time_point: str
    visit_number: int | None
    on: dt.date


@dataclass(frozen=True, slots=True)
class Course:
    """Where the episode is: visits held, discharge day (None while open), and today."""

    visits_held: int
    discharged_on: dt.date | None
    today: dt.date


@dataclass(frozen=True, slots=True)
class Due:
    instrument: str
    time_point: str  # what the answer is stored as
    visit_number: int | None
    label: str  # for the patient and the practitioner: "before visit 6", "3 months on"
    since: dt.date | None = None  # for after-discharge and on-date items: due from this day


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, _calendar.monthrange(year, month + 1)[1]))


def default_schedule(*, function_measure: str = "rmdq", every: int | None = DEFAULT_EVERY,
                     mood: bool = False, sleep: bool = False, stress: bool = False,
                     reassess_on: dt.date | None = None, own: Iterable[Item] = (),
                     ) -> tuple[Item, ...]:
    core = (function_measure, "nrs", "peg")
    extra = tuple(i for i, on in (("isi", sleep), ("pss10", stress), ("phq9", mood)) if on)
    items = [Item(i, Moment.BASELINE) for i in (*core, *extra)]
    if every:
        items += [Item(i, Moment.EVERY, every) for i in core]
    if reassess_on is not None:
        items += [Item(i, Moment.ON_DATE, on=reassess_on) for i in core]
    items += [Item(i, Moment.DISCHARGE) for i in (*core, "pgic", *extra)]
    for months in AFTER_DISCHARGE_MONTHS:
        items += [Item(i, Moment.AFTER_DISCHARGE, months) for i in (function_measure, "nrs",
                                                                       "pgic")]
    return (*items, *own)


# The moments a plan may name its own questionnaires at (its date is its re-assessment date).
PLAN_MOMENTS = (Moment.BASELINE, Moment.BEFORE_VISIT, Moment.EVERY, Moment.DISCHARGE,
                Moment.AFTER_DISCHARGE)
# The largest n a plan may give, by moment: a visit number up to 60 (three years of Medicare's
# 20 covered visits a year, NCD 30.3.3), an interval up to the longest course a plan may set
# (30 sessions), and up to 24 months after discharge (twice the trials' longest follow-up,
# 52 weeks in Cherkin 2009 and Brinkhaus 2006).
PLAN_MOST = {Moment.BEFORE_VISIT: 60, Moment.EVERY: 30, Moment.AFTER_DISCHARGE: 24}


def plan_item(instrument: str, moment: str, n: int | None = None) -> Item:
    """One of a plan's own questionnaires; ValueError when the moment is not one a plan may
    name or its number is missing, not wanted or out of range (`PLAN_MOST`)."""
    if moment not in PLAN_MOMENTS:
        raise ValueError(f"{moment!r} is no moment; use one of {', '.join(PLAN_MOMENTS)}")
    most = PLAN_MOST.get(Moment(moment))
    if most is not None and n is not None and not 1 <= n <= most:
        raise ValueError(f"{moment} takes a number from 1 to {most}")
    return Item(instrument, Moment(moment), n)


def plan_items(stored: Iterable[dict[str, object]]) -> tuple[Item, ...]:
    """A plan's own questionnaires as stored (`Plan.questionnaires`, checked when saved)."""
    return tuple(plan_item(str(d["instrument"]), str(d["moment"]),
                           int(str(d["n"])) if d.get("n") is not None else None)
                 for d in stored)


def due(schedule: Iterable[Item], course: Course, answered: Sequence[Answered]) -> list[Due]:
    """What is due now, in schedule order, each instrument at most once."""
    found: list[Due] = []
    seen: set[str] = set()
    for item in schedule:
        now = _due_now(item, course, answered)
        if now is not None and item.instrument not in seen:
            seen.add(item.instrument)
            found.append(now)
    return found


def _due_now(item: Item, course: Course, answered: Sequence[Answered]) -> Due | None:
    upcoming = course.visits_held + 1
    mine = [a for a in answered if a.instrument == item.instrument]
    if item.moment is Moment.BASELINE:
        if course.visits_held == 0 and course.discharged_on is None and not any(
                a.time_point == "baseline" for a in mine):
            return Due(item.instrument, "baseline", None, "before your first treatment")
        return None
    if item.moment in (Moment.BEFORE_VISIT, Moment.EVERY):
        if course.discharged_on is not None or not _before(item, upcoming):
            return None
        if any(a.time_point == "before_visit" and a.visit_number == upcoming for a in mine):
            return None
        return Due(item.instrument, "before_visit", upcoming, f"before visit {upcoming}")
    if item.moment is Moment.ON_DATE:
        day = item.on or course.today
        if (course.discharged_on is not None or course.today < day
                or any(a.on >= day for a in mine)):
            return None
        return Due(item.instrument, "before_visit", upcoming,
                   f"re-assessment from {day.day} {day:%B %Y}", day)
    if course.discharged_on is None:
        return None
    if item.moment is Moment.DISCHARGE:
        if any(a.time_point == "discharge" for a in mine):
            return None
        return Due(item.instrument, "discharge", None, "at the end of your course")
    since = add_months(course.discharged_on, item.n or 0)
    if course.today < since or any(a.time_point == "follow_up" and a.on >= since for a in mine):
        return None
    return Due(item.instrument, "follow_up", None, f"{item.n} months after your course", since)


def _before(item: Item, visit: int) -> bool:
    if item.moment is Moment.BEFORE_VISIT:
        return visit == item.n
    k = item.n or 1
    return visit > 1 and (visit - 1) % k == 0
