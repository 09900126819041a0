"""Medicare coverage of acupuncture for chronic low back pain (NCD 30.3.3), as a pure function.

`evaluate(parse_coverage_input(data))` says whether an episode is eligible, which benefit year a
visit on ``as_of`` falls in, how many covered visits that year already holds, and whether that
next visit is covered and needs the KX modifier. The rules, as DOMAIN.md Part 1 pins them:

- NCD 30.3.3 (CMS, Publication 100-3, effective 21 January 2020): chronic low back pain lasts
  12 weeks or longer; is nonspecific (no identifiable systemic cause: not metastatic,
  inflammatory, infectious...); is not associated with surgery; is not associated with
  pregnancy. Up to 12 visits in 90 days; 8 more for patients demonstrating improvement; no more
  than 20 treatments a year; treatment stops when the patient is not improving or regressing.
- Priority Health's Medicare Advantage notice of 29 June 2020: visits 13 to 20 carry the KX
  modifier (documented improvement), and a new benefit year may start once 11 full months have
  passed since the month of the first visit (first visit 21 March 2020: the next year's first
  visit may be on 1 March 2021).

Choices of ours where the sources leave one (UNCONFIRMED with CMS; README.md in this folder):

- The 90 days run from the first visit of the benefit year and include that day, so the last
  day of the window is day 89 after it.
- A visit numbered 12 or less that falls after those 90 days is treated like visits 13 to 20:
  covered only with documented improvement, billed with KX, and still counted toward 20.
- "Not improving" or "regressing" ends coverage for every visit, whatever its number.
- "12 weeks" is counted from onset to the first covered visit (the first of ``visits``, or the
  visit on ``as_of`` when there is none): at least 84 days.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

RULES_VERSION = "ncd-30.3.3/acuback-1"

# NCD 30.3.3: pain "lasting 12 weeks or longer".
MIN_PAIN_DAYS = 12 * 7
# NCD 30.3.3: "up to 12 visits in 90 days".
INITIAL_VISITS = 12
INITIAL_WINDOW_DAYS = 90
# NCD 30.3.3: "no more than 20 acupuncture treatments may be administered annually".
ANNUAL_CAP = 20
# Priority Health 2020: a new benefit year after 11 full months from the first visit's month,
# i.e. on the first day of the 12th month after it.
BENEFIT_YEAR_MONTHS = 12


class CoverageInputError(ValueError):
    """The coverage input is not what `parse_coverage_input` accepts."""


class Improvement(StrEnum):
    """Documented progress, derived from the episode's outcome measures."""

    IMPROVING = "improving"
    NOT_IMPROVING = "not_improving"
    REGRESSING = "regressing"


@dataclass(frozen=True, slots=True)
class Episode:
    onset: dt.date
    systemic_cause: bool
    surgery_associated: bool
    pregnancy_associated: bool


@dataclass(frozen=True, slots=True)
class CoverageInput:
    as_of: dt.date
    episode: Episode
    visits: tuple[dt.date, ...]  # earlier covered visits, sorted
    improvement: Improvement | None  # None: not documented (unknown is not "no")
    # When `visits` holds the beneficiary's covered visits of every episode (Medicare counts
    # treatments per person), the first covered visit of *this* episode, from which its 12
    # weeks are measured; None: the first of `visits` (or `as_of`), as the CLI reads it.
    episode_first_visit: dt.date | None = None


@dataclass(frozen=True, slots=True)
class NextVisit:
    covered: bool
    kx_modifier: bool
    why: str


@dataclass(frozen=True, slots=True)
class Coverage:
    eligible: bool
    reasons: tuple[str, ...]  # why the episode is not eligible; empty when it is
    benefit_year_start: dt.date
    visits_in_benefit_year: int
    next_visit: NextVisit
    remaining_in_benefit_year: int
    next_benefit_year_start: dt.date

    def to_dict(self) -> dict[str, object]:
        return {
            "eligible": self.eligible,
            "reasons": list(self.reasons),
            "benefit_year_start": self.benefit_year_start.isoformat(),
            "visits_in_benefit_year": self.visits_in_benefit_year,
            "next_visit": {
                "covered": self.next_visit.covered,
                "kx_modifier": self.next_visit.kx_modifier,
                "why": self.next_visit.why,
            },
            "remaining_in_benefit_year": self.remaining_in_benefit_year,
            "next_benefit_year_start": self.next_benefit_year_start.isoformat(),
        }


# --- the rules --------------------------------------------------------------------------------


def next_benefit_year_start(first_visit: dt.date) -> dt.date:
    """The first day a new benefit year may start, given the first visit of the current one.

    Priority Health 2020: 21 March 2020 -> 1 March 2021 (11 full months, April to February).
    """
    months = first_visit.year * 12 + first_visit.month - 1 + BENEFIT_YEAR_MONTHS
    return dt.date(months // 12, months % 12 + 1, 1)


def benefit_year(visits: Sequence[dt.date], as_of: dt.date) -> tuple[dt.date, int]:
    """(first visit of the benefit year a visit on ``as_of`` falls in, covered visits before it).

    Walks the sorted earlier visits: a visit on or after the current year's end opens a new
    year. When ``as_of`` itself is past the end, the visit on ``as_of`` opens a new year.
    """
    start: dt.date | None = None
    count = 0
    for visit in visits:
        if start is None or visit >= next_benefit_year_start(start):
            start, count = visit, 0
        count += 1
    if start is None or as_of >= next_benefit_year_start(start):
        return as_of, 0
    return start, count


def eligibility(episode: Episode, first_covered_visit: dt.date) -> tuple[str, ...]:
    """Why the episode is not chronic low back pain in the NCD's sense (empty when it is)."""
    reasons = []
    days = (first_covered_visit - episode.onset).days
    if days < MIN_PAIN_DAYS:
        reasons.append(
            f"pain had lasted {days} days at the first covered visit "
            f"({first_covered_visit.isoformat()}); NCD 30.3.3 needs at least 12 weeks "
            f"({MIN_PAIN_DAYS} days)"
        )
    if episode.systemic_cause:
        reasons.append(
            "the pain has an identifiable systemic cause (metastatic, inflammatory, infectious "
            "or other): NCD 30.3.3 covers nonspecific low back pain only"
        )
    if episode.surgery_associated:
        reasons.append("the pain is associated with surgery, which NCD 30.3.3 excludes")
    if episode.pregnancy_associated:
        reasons.append("the pain is associated with pregnancy, which NCD 30.3.3 excludes")
    return tuple(reasons)


def judge_next_visit(
    number: int, day: int, improvement: Improvement | None, next_year: dt.date
) -> NextVisit:
    """Coverage of visit ``number`` of an eligible episode's benefit year, held ``day`` days
    after the year's first visit (day 0 is the first visit itself)."""
    if improvement is Improvement.NOT_IMPROVING:
        return NextVisit(False, False, "not covered: the patient is not improving, and NCD "
                         "30.3.3 requires treatment to stop")
    if improvement is Improvement.REGRESSING:
        return NextVisit(False, False, "not covered: the patient is regressing, and NCD "
                         "30.3.3 requires treatment to stop")
    if number > ANNUAL_CAP:
        return NextVisit(False, False, f"not covered: visit {number} is over the limit of "
                         f"{ANNUAL_CAP} a benefit year; a new one may start on "
                         f"{next_year.isoformat()}")
    if number <= INITIAL_VISITS and day < INITIAL_WINDOW_DAYS:
        return NextVisit(True, False, f"covered: visit {number} of the first {INITIAL_VISITS}"
                         f", day {day + 1} of {INITIAL_WINDOW_DAYS}")
    beyond = (f"visit {number} is past the first {INITIAL_VISITS}" if number > INITIAL_VISITS
              else f"visit {number} is past the first {INITIAL_WINDOW_DAYS} days")
    if improvement is Improvement.IMPROVING:
        return NextVisit(True, True, f"covered with the KX modifier: {beyond}, and improvement "
                         "is documented")
    return NextVisit(False, False, f"not covered: {beyond}, and it needs documented improvement"
                     " (re-assess the outcome measures first)")


def evaluate(data: CoverageInput) -> Coverage:
    first_covered = data.episode_first_visit or (data.visits[0] if data.visits else data.as_of)
    reasons = eligibility(data.episode, first_covered)
    start, used = benefit_year(data.visits, data.as_of)
    next_year = next_benefit_year_start(start)
    if reasons:
        why = "not covered: the episode is not eligible (" + "; ".join(reasons) + ")"
        return Coverage(False, reasons, start, used, NextVisit(False, False, why), 0, next_year)
    visit = judge_next_visit(used + 1, (data.as_of - start).days, data.improvement, next_year)
    stopped = data.improvement in (Improvement.NOT_IMPROVING, Improvement.REGRESSING)
    remaining = 0 if stopped else max(0, ANNUAL_CAP - used)
    return Coverage(True, (), start, used, visit, remaining, next_year)


# --- reading the JSON input -------------------------------------------------------------------

_TOP_KEYS = frozenset({"as_of", "episode", "visits", "improvement"})
_EPISODE_FLAGS = ("systemic_cause", "surgery_associated", "pregnancy_associated")
_EPISODE_KEYS = frozenset({"onset", *_EPISODE_FLAGS})


# Exactly YYYY-MM-DD in ASCII digits: date.fromisoformat alone also reads ISO week dates
# ("2020-W10-1", "2020W101") and other forms the contract does not allow.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: object, where: str) -> dt.date:
    """A strict YYYY-MM-DD date; anything else raises CoverageInputError naming ``where``."""
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise CoverageInputError(f"{where} must be a date written YYYY-MM-DD, got {value!r}")


def _check_keys(data: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    missing = sorted(allowed - data.keys())
    if missing:
        raise CoverageInputError(f"{where} is missing {', '.join(missing)}")
    unknown = sorted(str(k) for k in data.keys() - allowed)
    if unknown:
        raise CoverageInputError(
            f"{where} has unknown keys {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})"
        )


def _parse_episode(data: object) -> Episode:
    if not isinstance(data, dict):
        raise CoverageInputError("episode must be an object")
    _check_keys(data, _EPISODE_KEYS, "episode")
    for flag in _EPISODE_FLAGS:
        if not isinstance(data[flag], bool):
            raise CoverageInputError(f"episode.{flag} must be true or false, got {data[flag]!r}")
    return Episode(parse_date(data["onset"], "episode.onset"),
                   *(bool(data[flag]) for flag in _EPISODE_FLAGS))


def _parse_visits(data: object, as_of: dt.date) -> tuple[dt.date, ...]:
    if not isinstance(data, list):
        raise CoverageInputError("visits must be a list of dates")
    visits = sorted(parse_date(v, f"visits[{n}]") for n, v in enumerate(data))
    if visits and visits[-1] > as_of:
        raise CoverageInputError(
            f"visit on {visits[-1].isoformat()} is after as_of ({as_of.isoformat()}): "
            "list only earlier visits"
        )
    return tuple(visits)


def _parse_improvement(value: object) -> Improvement | None:
    if value is None:
        return None
    for improvement in Improvement:
        if value == improvement.value:
            return improvement
    allowed = ", ".join(i.value for i in Improvement)
    raise CoverageInputError(f"improvement must be one of {allowed} or null, got {value!r}")


def parse_coverage_input(data: object) -> CoverageInput:
    """Validate the JSON object of `acuback coverage`; raise CoverageInputError if wrong."""
    if not isinstance(data, dict):
        raise CoverageInputError("input must be a JSON object")
    _check_keys(data, _TOP_KEYS, "input")
    as_of = parse_date(data["as_of"], "as_of")
    episode = _parse_episode(data["episode"])
    visits = _parse_visits(data["visits"], as_of)
    first = visits[0] if visits else as_of
    if episode.onset > first:
        raise CoverageInputError(
            f"episode.onset ({episode.onset.isoformat()}) is after the first visit "
            f"({first.isoformat()})"
        )
    return CoverageInput(as_of, episode, visits, _parse_improvement(data["improvement"]))


def coverage_data(data: object) -> dict[str, object]:
    """JSON in, JSON out: what `acuback coverage` prints."""
    return evaluate(parse_coverage_input(data)).to_dict()
