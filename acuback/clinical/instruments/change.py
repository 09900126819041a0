"""Change from baseline to follow-up, judged against the instrument's minimal important change.

Pure. Every total scored here is "lower is better", so improvement = baseline - follow-up.
The thresholds are data on each definition (DOMAIN.md, "Minimal important change").
"""

from __future__ import annotations

from dataclasses import dataclass

from acuback.clinical.instruments.definition import AnswerError, Definition
from acuback.clinical.instruments.registry import get

# ODI totals are unrounded fractions (16/45 x 100): compare with a hair of tolerance so that a
# change of exactly 10 points is not lost to binary rounding.
_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class Change:
    instrument: str
    baseline: float | None
    follow_up: float
    improvement: float | None  # baseline - follow-up; positive is better; None for a PGIC rating
    percent: float | None  # improvement as a percentage of baseline; None when baseline is 0
    meets_mic: bool | None  # None: no threshold for this instrument, report the change only
    substantial: bool | None  # only where a "substantial" level is defined (pain NRS >= 50 %)


def assess_change(instrument_id: str, baseline: float | None, follow_up: float) -> Change:
    """Say whether the change from ``baseline`` to ``follow_up`` meets the instrument's MIC.

    For the PGIC, which is itself a rating of change, pass ``baseline=None`` and the rating
    (1-7) as ``follow_up``: "very much" or "much improved" counts as improved (IMMPACT).
    """
    definition = get(instrument_id)
    if definition.mic.improved_codes:
        return _rating(definition, baseline, follow_up)
    baseline = _check_total(definition, "baseline", baseline)
    follow_up = _check_total(definition, "follow-up", follow_up)
    improvement = baseline - follow_up
    percent = None if baseline == 0 else improvement * 100 / baseline
    mic = definition.mic
    if not mic.has_threshold:
        return Change(definition.id, baseline, follow_up, improvement, percent, None, None)
    meets = (mic.points is not None and improvement >= mic.points - _TOLERANCE) or (
        mic.percent is not None and percent is not None and percent >= mic.percent - _TOLERANCE
    )
    substantial = None
    if mic.substantial_percent is not None:
        substantial = percent is not None and percent >= mic.substantial_percent - _TOLERANCE
    return Change(definition.id, baseline, follow_up, improvement, percent, meets, substantial)


def _rating(definition: Definition, baseline: float | None, follow_up: float) -> Change:
    if baseline is not None:
        raise AnswerError(f"{definition.id} rates change itself: pass no baseline")
    item = definition.items[0]
    if type(follow_up) is not int or follow_up not in item.codes:
        raise AnswerError(
            f"{definition.id}: {follow_up!r} is not an allowed rating ({item.allowed})"
        )
    meets = follow_up in definition.mic.improved_codes
    return Change(definition.id, None, follow_up, None, None, meets, None)


def _check_total(definition: Definition, what: str, value: float | None) -> float:
    low, high = definition.total_range
    # `type(...) in` rejects bool, which is an int to isinstance.
    if type(value) in (int, float) and low <= value <= high:  # type: ignore[operator]
        return value  # type: ignore[return-value]
    raise AnswerError(
        f"{definition.id} {what} total must be a number from {low} to {high}, got {value!r}"
    )
