"""The plan's goals against the measures: met, not yet, worse, not measured, or in words.

A goal on an instrument ("ODI < 20") is met when the latest measurement satisfies it. It is
worse when the instrument's latest change is worse than baseline by the minimal important
change (`assess_change`), or, for an instrument without one, when the latest measurement is
further from the target than the baseline was. Otherwise it is not met yet. A goal in words
("back to daily walks") is shown for the clinician to judge: acuback measures no words.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from acuback.clinical.instruments import Verdict, get
from acuback.clinical.outcomes import InstrumentOutcome
from acuback.clinical.progress.rows import Goal

COMPARATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


class GoalStatus(StrEnum):
    MET = "met"
    NOT_YET = "not_yet"
    WORSE = "worse"
    NOT_MEASURED = "not_measured"
    IN_WORDS = "in_words"


@dataclass(frozen=True, slots=True)
class GoalProgress:
    goal: Goal
    status: GoalStatus
    baseline: float | None = None
    latest: float | None = None
    # How far from baseline to target the latest measurement has come (100 = reached); None
    # without a follow-up, or when the baseline already met the target.
    progress_percent: float | None = None

    @property
    def words(self) -> str:
        goal = self.goal
        if not goal.instrument:
            return goal.text
        return f"{get(goal.instrument).short_name} {goal.comparator} {goal.target:g}"

    def as_dict(self) -> dict[str, object]:
        return {"goal": self.words, "instrument": self.goal.instrument or None,
                "comparator": self.goal.comparator or None, "target": self.goal.target,
                "text": self.goal.text or None, "status": self.status.value,
                "baseline": self.baseline, "latest": self.latest,
                "progress_percent": self.progress_percent}


def goal_progress(goal: Goal, outcomes: tuple[InstrumentOutcome, ...]) -> GoalProgress:
    if not goal.instrument:
        return GoalProgress(goal, GoalStatus.IN_WORDS)
    compare = COMPARATORS.get(goal.comparator)
    outcome = next((o for o in outcomes if o.instrument == goal.instrument), None)
    if outcome is None or compare is None or goal.target is None:
        return GoalProgress(goal, GoalStatus.NOT_MEASURED)
    target = goal.target
    first = outcome.baseline.total if outcome.baseline else None
    latest = outcome.latest.total if outcome.follow_ups else None
    now = latest if latest is not None else first
    assert now is not None  # noqa: S101 - an outcome has at least one measurement
    progress = None if first is None or compare(first, target) else _progress(
        first, latest, target)
    if compare(now, target):
        return GoalProgress(goal, GoalStatus.MET, first, latest, progress)
    if latest is not None and first is not None and (
            outcome.verdict is Verdict.WORSE
            or (outcome.verdict is None and abs(latest - target) > abs(first - target))):
        return GoalProgress(goal, GoalStatus.WORSE, first, latest, progress)
    return GoalProgress(goal, GoalStatus.NOT_YET, first, latest, progress)


def _progress(first: float, latest: float | None, target: float) -> float | None:
    if latest is None or first == target:
        return None
    return round((first - latest) * 100 / (first - target), 1)


def goals_progress(goals: tuple[Goal, ...], outcomes: tuple[InstrumentOutcome, ...]
                   ) -> tuple[GoalProgress, ...]:
    return tuple(goal_progress(g, outcomes) for g in goals)
