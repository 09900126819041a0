"""Objective mobility measured at visits: first against last measurement of each.

No minimal important change is used for these in acuback's sources, so the change is reported
without a verdict (as for PHQ-9): a clinician reads it beside the function questionnaires.
Directions: a shorter finger-to-floor distance is better; a longer modified Schober distance
and a higher straight-leg raise are better.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from acuback.clinical.progress.rows import VisitRow


@dataclass(frozen=True, slots=True)
class MobilityMeasure:
    id: str  # the VisitRow field
    label: str
    unit: str
    higher_is_better: bool


MEASURES = (
    MobilityMeasure("finger_floor_cm", "Finger-to-floor distance", "cm", False),
    MobilityMeasure("schober_cm", "Modified Schober", "cm", True),
    MobilityMeasure("slr_left_deg", "Straight-leg raise, left", "°", True),
    MobilityMeasure("slr_right_deg", "Straight-leg raise, right", "°", True),
)


@dataclass(frozen=True, slots=True)
class MobilityOutcome:
    measure: MobilityMeasure
    points: tuple[tuple[int, dt.date, float], ...]  # (visit number, day, value), oldest first

    @property
    def baseline(self) -> float:
        return self.points[0][2]

    @property
    def latest(self) -> float | None:
        return self.points[-1][2] if len(self.points) > 1 else None

    @property
    def improvement(self) -> float | None:
        """The change in the better direction (positive is better)."""
        if self.latest is None:
            return None
        change = self.latest - self.baseline
        return round(change if self.measure.higher_is_better else -change, 2)

    def as_dict(self) -> dict[str, object]:
        return {"measure": self.measure.id, "label": self.measure.label,
                "unit": self.measure.unit, "baseline": self.baseline, "latest": self.latest,
                "improvement": self.improvement,
                "points": [{"visit": n, "on": d.isoformat(), "value": v}
                           for n, d, v in self.points]}


def mobility_outcomes(visits: tuple[VisitRow, ...]) -> tuple[MobilityOutcome, ...]:
    ordered = sorted(visits, key=lambda v: v.number)
    found = []
    for measure in MEASURES:
        points = tuple((v.number, v.on, float(value)) for v in ordered
                       if (value := getattr(v, measure.id)) is not None)
        if points:
            found.append(MobilityOutcome(measure, points))
    return tuple(found)
