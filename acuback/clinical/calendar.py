"""Calendar rules: wall-clock times in a clinic's time zone, overlaps, working hours, courses.

Pure: no Django, no database. Appointments are stored as absolute instants (UTC); people book
and read them as wall-clock times in the clinic's zone. The two meet here, so that every rule
about daylight-saving changes lives in one place:

- A wall-clock time that does not exist (clocks jump from 02:00 to 03:00) is refused, never
  moved silently: "02:30 on 8 March" is not a time anyone can turn up at.
- A wall-clock time that happens twice (clocks fall back from 02:00 to 01:00) means the first
  one (PEP 495 fold=0), unless the caller gives an explicit UTC offset.
- A duration is real elapsed time: a 60-minute treatment that starts at 01:30 on the night
  clocks fall back ends 60 minutes later, whatever the wall clock says.
- A course repeats at the same wall-clock time (9:00 every Tuesday stays 9:00 after the clocks
  change), so its occurrences are not a fixed number of hours apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

UTC = dt.UTC
# A course never books beyond this many weeks: a typo in "sessions" must not fill a year.
MAX_COURSE_WEEKS = 26
MAX_COURSE_SESSIONS = 60


class LocalTimeError(ValueError):
    """A wall-clock time that does not exist in the zone on that day."""


def zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`; ValueError for a name the system does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def zone_names() -> list[str]:
    return sorted(available_timezones())


def exists(day: dt.date, at: dt.time, tz: ZoneInfo) -> bool:
    """False for a wall-clock time skipped by a daylight-saving change."""
    naive = dt.datetime.combine(day, at)
    there_and_back = naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)
    return there_and_back.replace(tzinfo=None) == naive


def to_instant(day: dt.date, at: dt.time, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant of a wall-clock time: refused when skipped, the first when repeated."""
    if not exists(day, at, tz):
        raise LocalTimeError(
            f"{at:%H:%M} does not exist on {day:%d %B %Y} in {tz.key}: the clocks change then"
        )
    return dt.datetime.combine(day, at.replace(fold=0), tzinfo=tz).astimezone(UTC)


def aware_instant(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A datetime from outside: with an offset it is taken as given, without one it is a
    wall-clock time in the clinic's zone (and follows `to_instant`)."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value.astimezone(UTC)
    return to_instant(value.date(), value.time(), tz)


def local(instant: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return instant.astimezone(tz)


def day_bounds(day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants of local midnight to the next local midnight (23 or 25 hours long on
    the days the clocks change)."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week holding `day` (ISO 8601 weeks)."""
    return day - dt.timedelta(days=day.weekday())


def overlaps(a_start: dt.datetime, a_end: dt.datetime,
             b_start: dt.datetime, b_end: dt.datetime) -> bool:
    """Half-open intervals: one appointment may start the minute another ends."""
    return a_start < b_end and b_start < a_end


@dataclass(frozen=True)
class Shift:
    """Working hours on one weekday (0 = Monday), as wall-clock times; end after start."""

    weekday: int
    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
        if self.end <= self.start:
            raise ValueError("a shift must end after it starts")


def within_hours(start: dt.datetime, end: dt.datetime, shifts: Iterable[Shift],
                 tz: ZoneInfo) -> bool:
    """True when the whole of [start, end) falls inside one shift on its local day."""
    first, last = local(start, tz), local(end, tz)
    if last.date() != first.date() and last.time() != dt.time(0):
        return False
    end_time = dt.time.max if last.date() != first.date() else last.time()
    return any(
        s.weekday == first.weekday() and s.start <= first.time() and end_time <= s.end
        for s in shifts
    )


def default_weekdays(first: dt.date, per_week: int) -> list[int]:
    """Treatment days spread over the working week from the first day: twice a week from a
    Monday is Monday and Thursday, three times Monday, Wednesday, Friday."""
    if not 1 <= per_week <= 7:
        raise ValueError("sessions a week must be 1 to 7")
    spacing = {1: 7, 2: 3, 3: 2}.get(per_week, 1)
    return sorted({(first.weekday() + i * spacing) % 7 for i in range(per_week)})


def course_dates(first: dt.date, weekdays: Sequence[int], sessions: int) -> list[dt.date]:
    """`sessions` dates from `first` on, on the chosen weekdays, in order."""
    days = set(weekdays)
    if not days or not days <= set(range(7)):
        raise ValueError("choose at least one weekday, 0 (Monday) to 6 (Sunday)")
    if not 1 <= sessions <= MAX_COURSE_SESSIONS:
        raise ValueError(f"a course has 1 to {MAX_COURSE_SESSIONS} sessions")
    found: list[dt.date] = []
    day = first
    limit = first + dt.timedelta(weeks=MAX_COURSE_WEEKS)
    while len(found) < sessions:
        if day > limit:
            raise ValueError(f"the course would run past {MAX_COURSE_WEEKS} weeks")
        if day.weekday() in days:
            found.append(day)
        day += dt.timedelta(days=1)
    return found


@dataclass(frozen=True)
class Occurrence:
    """One planned session of a course: its local day, and its instants (None when the
    wall-clock time does not exist that day)."""

    day: dt.date
    start: dt.datetime | None
    end: dt.datetime | None
    problem: str = ""


def course_occurrences(dates: Iterable[dt.date], at: dt.time, minutes: int,
                       tz: ZoneInfo) -> list[Occurrence]:
    found = []
    for day in dates:
        try:
            start = to_instant(day, at, tz)
        except LocalTimeError as exc:
            found.append(Occurrence(day, None, None, str(exc)))
            continue
        found.append(Occurrence(day, start, start + dt.timedelta(minutes=minutes)))
    return found


Busy = tuple[dt.datetime, dt.datetime]


def free_slots(day: dt.date, shifts: Iterable[Shift], busy: Iterable[Busy], minutes: int,
               step_minutes: int, tz: ZoneInfo) -> list[dt.datetime]:
    """Start instants on `day` where an appointment of `minutes` fits inside a shift and
    overlaps nothing busy, on a grid of `step_minutes` from each shift's start."""
    taken = sorted(busy)
    found = []
    for shift in sorted((s for s in shifts if s.weekday == day.weekday()), key=lambda s: s.start):
        for start in _grid(day, shift, minutes, step_minutes, tz):
            end = start + dt.timedelta(minutes=minutes)
            if not any(overlaps(start, end, b, e) for b, e in taken):
                found.append(start)
    return found


def _grid(day: dt.date, shift: Shift, minutes: int, step: int,
          tz: ZoneInfo) -> Iterable[dt.datetime]:
    at = dt.datetime.combine(day, shift.start)
    last = dt.datetime.combine(day, shift.end) - dt.timedelta(minutes=minutes)
    while at <= last:
        if exists(day, at.time(), tz):
            start = to_instant(day, at.time(), tz)
            if within_hours(start, start + dt.timedelta(minutes=minutes), [shift], tz):
                yield start
        at += dt.timedelta(minutes=step)
