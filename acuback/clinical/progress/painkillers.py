"""Painkiller use over an episode: days a week with any painkiller and opioid MME per day, at
intake and at every visit that asked, and whether use fell.

Our rules (UNCONFIRMED: no source defines an important change in analgesic use in back pain):

- Days a week with a painkiller at a time point = the most days any one painkiller was taken
  that week. Two drugs on 3 days each may share the days or not; the record cannot tell, so
  acuback reports the figure it knows to be true: at least that many days.
- Opioid MME per day = the sum over the opioids of that week (CDC 2022 factors, computed and
  versioned when each row was recorded).
- Fewer painkillers (improved): at least 2 fewer days a week, or opioid MME/day down by at
  least 30 % of a baseline above zero (the percent mirrors IMMPACT's moderate threshold for
  pain, Dworkin 2008). More (worse): at least 2 more days, opioid MME/day up by 30 % or more,
  or opioids started. Worse wins over improved: rising opioid exposure is the safety concern.
- Baseline is the first time point that asked (intake, or the first visit that recorded
  painkillers), latest the last; intake is counted only when painkillers were recorded there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from acuback.clinical.instruments import Verdict
from acuback.clinical.progress.rows import PainkillerRow, VisitRow

DAYS_THRESHOLD = 2
MME_PERCENT_THRESHOLD = 30.0
_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class PainkillerPoint:
    label: str  # "Intake", "Visit 3"
    visit_number: int | None
    on: dt.date | None  # None for intake when no date is known
    days_per_week: int
    opioid_mme_per_day: float
    drugs: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"label": self.label, "visit_number": self.visit_number,
                "on": None if self.on is None else self.on.isoformat(),
                "days_per_week": self.days_per_week,
                "opioid_mme_per_day": self.opioid_mme_per_day, "drugs": list(self.drugs)}


@dataclass(frozen=True, slots=True)
class PainkillerOutcome:
    points: tuple[PainkillerPoint, ...]  # oldest first; only time points that asked
    verdict: Verdict | None  # None: fewer than two time points
    why: str

    @property
    def baseline(self) -> PainkillerPoint | None:
        return self.points[0] if self.points else None

    @property
    def latest(self) -> PainkillerPoint | None:
        return self.points[-1] if len(self.points) > 1 else None

    def as_dict(self) -> dict[str, object]:
        return {"points": [p.as_dict() for p in self.points],
                "verdict": None if self.verdict is None else self.verdict.value,
                "why": self.why}


def _point(label: str, number: int | None, on: dt.date | None,
           rows: list[PainkillerRow]) -> PainkillerPoint:
    mme = sum(r.mme_per_day or 0.0 for r in rows if r.drug_class == "opioid")
    return PainkillerPoint(label, number, on, max((r.days_last_week for r in rows), default=0),
                           round(mme, 2), tuple(r.name for r in rows))


def painkiller_points(painkillers: tuple[PainkillerRow, ...], visits: tuple[VisitRow, ...],
                      opened_on: dt.date | None = None) -> tuple[PainkillerPoint, ...]:
    intake = [r for r in painkillers if r.visit_number is None]
    points = [_point("Intake", None, opened_on, intake)] if intake else []
    for visit in sorted(visits, key=lambda v: v.number):
        if visit.painkillers_asked:
            rows = [r for r in painkillers if r.visit_number == visit.number]
            points.append(_point(f"Visit {visit.number}", visit.number, visit.on, rows))
    return tuple(points)


def painkiller_outcome(painkillers: tuple[PainkillerRow, ...], visits: tuple[VisitRow, ...],
                       opened_on: dt.date | None = None) -> PainkillerOutcome:
    points = painkiller_points(painkillers, visits, opened_on)
    if len(points) < 2:
        return PainkillerOutcome(points, None, "painkillers recorded at fewer than two times")
    first, last = points[0], points[-1]
    verdict, why = judge(first, last)
    return PainkillerOutcome(points, verdict, why)


def judge(first: PainkillerPoint, last: PainkillerPoint) -> tuple[Verdict, str]:
    days = last.days_per_week - first.days_per_week
    before, after = first.opioid_mme_per_day, last.opioid_mme_per_day
    percent = None if before == 0 else (after - before) * 100 / before
    worse = []
    if days >= DAYS_THRESHOLD:
        worse.append(f"{days} more days a week")
    if before == 0 and after > 0:
        worse.append(f"opioids started ({after:g} MME/day)")
    elif percent is not None and percent >= MME_PERCENT_THRESHOLD - _TOLERANCE:
        worse.append(f"opioid MME/day up {before:g} -> {after:g}")
    if worse:
        return Verdict.WORSE, "; ".join(worse)
    better = []
    if -days >= DAYS_THRESHOLD:
        better.append(f"{-days} fewer days a week")
    if percent is not None and -percent >= MME_PERCENT_THRESHOLD - _TOLERANCE:
        better.append(f"opioid MME/day down {before:g} -> {after:g}")
    if better:
        return Verdict.IMPROVED, "; ".join(better)
    return Verdict.NO_CHANGE, (f"{first.days_per_week} -> {last.days_per_week} days a week, "
                               f"opioid MME/day {before:g} -> {after:g}")
