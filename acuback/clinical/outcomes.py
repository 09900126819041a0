"""Episode outcomes: each measure's baseline against its latest and every follow-up, the
improvement Medicare coverage asks for, and when to re-assess.

Pure. Input is plain `Measurement`s (instrument id, date, total) however the app stores them;
every judgement comes from `instruments.assess_change`, so a verdict means the same thing on the
episode page, in a report, in coverage and in the cohort figures.

- The baseline is an instrument's earliest measurement (the first given, on a tie); the latest
  is its last. The PGIC rates change itself: it has no baseline, and each rating is judged alone.
- `coverage_improvement` derives NCD 30.3.3's "improving / not improving / regressing" from the
  pain and function measures (DOMAIN.md 3: "capture objective outcome measures (NRS/PEG/ODI/
  RMDQ/PROMIS) at baseline, ~visit 12 and before any extension"). Our rule (UNCONFIRMED: the
  NCD defines no number): any of them worse than baseline -> regressing; else any improved ->
  improving; else not improving; no follow-up on any of them -> null (unknown, not "no").
- `reassessment_visit`: visit 12 and every 10 visits after it, the Medicare therapy
  progress-report model (Benefit Policy Manual ch. 15, 220.3: a progress report at least once
  every 10 treatment days), which also puts one before visit 13, the first that needs documented
  improvement.
- `lasting_follow_ups`: 3 and 12 months after discharge, for "lasting" (issue 11).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from acuback.clinical.coverage import Improvement
from acuback.clinical.instruments import INSTRUMENTS, Change, Verdict, assess_change, get

OUTCOME_RULES_VERSION = "outcomes/acuback-1"

# The measures whose change stands for "improvement" in Medicare's sense: pain and function,
# plus the patient's global impression (IMMPACT core domains, Turk 2003; DOMAIN.md 3).
COVERAGE_MEASURES = ("nrs", "peg", "odi", "rmdq", "pgic")

FIRST_REASSESSMENT_VISIT = 12
REASSESSMENT_EVERY = 10
LASTING_FOLLOW_UP_MONTHS = (3, 12)


@dataclass(frozen=True, slots=True)
class Measurement:
    instrument: str
    taken_on: dt.date
    total: float


@dataclass(frozen=True, slots=True)
class FollowUp:
    measurement: Measurement
    change: Change  # against the baseline (for the PGIC, the rating on its own)


@dataclass(frozen=True, slots=True)
class InstrumentOutcome:
    instrument: str
    baseline: Measurement | None  # None for the PGIC, which rates change itself
    latest: Measurement
    follow_ups: tuple[FollowUp, ...]  # in date order; empty when there is only a baseline
    rules_version: str = OUTCOME_RULES_VERSION

    @property
    def latest_change(self) -> Change | None:
        return self.follow_ups[-1].change if self.follow_ups else None

    @property
    def verdict(self) -> Verdict | None:
        change = self.latest_change
        return None if change is None else change.verdict

    @property
    def worse_than_baseline(self) -> bool:
        return self.verdict is Verdict.WORSE

    def as_dict(self) -> dict[str, object]:
        return {
            "instrument": self.instrument,
            "baseline": _measurement_dict(self.baseline),
            "latest": _measurement_dict(self.latest),
            "follow_ups": [
                {**_measurement_dict(f.measurement), "change": f.change.as_dict()}  # type: ignore[dict-item]
                for f in self.follow_ups
            ],
            "verdict": None if self.verdict is None else self.verdict.value,
            "worse_than_baseline": self.worse_than_baseline,
            "rules_version": self.rules_version,
        }


@dataclass(frozen=True, slots=True)
class ImprovementEvidence:
    status: Improvement | None  # None: no follow-up on a pain or function measure yet
    why: str
    evidence: tuple[InstrumentOutcome, ...]  # the measures the status rests on
    rules_version: str = OUTCOME_RULES_VERSION

    def as_dict(self) -> dict[str, object]:
        return {
            "status": None if self.status is None else self.status.value,
            "why": self.why,
            "evidence": [outcome.as_dict() for outcome in self.evidence],
            "rules_version": self.rules_version,
        }


def _measurement_dict(measurement: Measurement | None) -> dict[str, object] | None:
    if measurement is None:
        return None
    return {"taken_on": measurement.taken_on.isoformat(), "total": measurement.total}


def _rating_total(total: float) -> float:
    # A rating stored as 2.0 is the rating 2: assess_change wants the integer code.
    return int(total) if isinstance(total, float) and total.is_integer() else total


def instrument_outcome(measurements: Sequence[Measurement]) -> InstrumentOutcome:
    """Baseline, latest and every follow-up of one instrument's measurements (any order)."""
    if not measurements:
        raise ValueError("an outcome needs at least one measurement")
    instrument = measurements[0].instrument
    if any(m.instrument != instrument for m in measurements):
        raise ValueError("measurements of more than one instrument")
    ordered = sorted(measurements, key=lambda m: m.taken_on)  # stable: ties keep input order
    if get(instrument).mic.improved_codes:  # a rating of change (PGIC)
        follow_ups = tuple(
            FollowUp(m, assess_change(instrument, None, _rating_total(m.total))) for m in ordered
        )
        return InstrumentOutcome(instrument, None, ordered[-1], follow_ups)
    baseline = ordered[0]
    follow_ups = tuple(
        FollowUp(m, assess_change(instrument, baseline.total, m.total)) for m in ordered[1:]
    )
    return InstrumentOutcome(instrument, baseline, ordered[-1], follow_ups)


def episode_outcome(measurements: Iterable[Measurement]) -> tuple[InstrumentOutcome, ...]:
    """One outcome per instrument measured, in the registry's order."""
    by_instrument: dict[str, list[Measurement]] = {}
    for measurement in measurements:
        get(measurement.instrument)  # an unknown id raises UnknownInstrumentError here
        by_instrument.setdefault(measurement.instrument, []).append(measurement)
    order = list(INSTRUMENTS)
    return tuple(
        instrument_outcome(by_instrument[i]) for i in sorted(by_instrument, key=order.index)
    )


def coverage_improvement(outcomes: Iterable[InstrumentOutcome]) -> ImprovementEvidence:
    """Medicare's "improving / not improving / regressing" from pain and function measures."""
    judged = tuple(
        o for o in outcomes if o.instrument in COVERAGE_MEASURES and o.verdict is not None
    )
    if not judged:
        return ImprovementEvidence(
            None, "no follow-up of a pain or function measure yet: improvement is not "
            "documented", ())
    worse = [o.instrument for o in judged if o.verdict is Verdict.WORSE]
    if worse:
        return ImprovementEvidence(
            Improvement.REGRESSING, f"worse than baseline on {', '.join(worse)}", judged)
    better = [o.instrument for o in judged if o.verdict is Verdict.IMPROVED]
    if better:
        return ImprovementEvidence(
            Improvement.IMPROVING, f"improved by the minimal important change on "
            f"{', '.join(better)}", judged)
    names = ", ".join(o.instrument for o in judged)
    return ImprovementEvidence(
        Improvement.NOT_IMPROVING, f"no minimal important change on {names}", judged)


def reassessment_due(visit_number: int) -> bool:
    """True on visit 12, 22, 32, ... (the progress-report model above)."""
    _check_visit(visit_number)
    return (visit_number >= FIRST_REASSESSMENT_VISIT
            and (visit_number - FIRST_REASSESSMENT_VISIT) % REASSESSMENT_EVERY == 0)


def reassessment_visit(visit_number: int) -> int:
    """The first re-assessment visit at or after ``visit_number`` (1 -> 12, 12 -> 12, 13 -> 22)."""
    _check_visit(visit_number)
    if visit_number <= FIRST_REASSESSMENT_VISIT:
        return FIRST_REASSESSMENT_VISIT
    past = visit_number - FIRST_REASSESSMENT_VISIT
    return FIRST_REASSESSMENT_VISIT + -(-past // REASSESSMENT_EVERY) * REASSESSMENT_EVERY


def _check_visit(visit_number: int) -> None:
    if type(visit_number) is not int or visit_number < 1:
        raise ValueError(f"a visit number is a whole number from 1, got {visit_number!r}")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1
    month = 28 or 29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def lasting_follow_ups(discharged_on: dt.date) -> tuple[dt.date, ...]:
    """When to ask again after discharge: 3 and 12 months later."""
    return tuple(add_months(discharged_on, n) for n in LASTING_FOLLOW_UP_MONTHS)
