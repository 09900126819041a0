"""Change from baseline to follow-up, judged against the instrument's minimal important change.

Pure. Direction-aware: improvement is the change in the better direction (baseline - follow-up
where a lower total is better, as for pain and disability; follow-up - baseline where
``higher_is_better``). The thresholds are data on each definition (DOMAIN.md, "Minimal
important change"). IMMPACT (Dworkin et al., J Pain 2008;9:105-121) asks for responders by two
methods, points and percent of baseline, so each is reported on its own as well as either.

Verdicts (`Verdict`), our rules where the sources give none for getting worse:

- improved: the improvement meets the points or the percent threshold (Ostelo 2008, IMMPACT).
- worse: the deterioration reaches the points threshold (the percent one only where an
  instrument has no points threshold). Percentages of a small baseline are unstable (2 -> 3 is
  50 % worse), and no source defines a deterioration threshold in low back pain, so a worse
  verdict asks for the absolute change: UNCONFIRMED, acuback's choice.
- no_change: neither.
- None: the instrument has no threshold (PHQ-9, GAD-7, PSS-10...): the change is reported only.

The PGIC rates change itself: 1-2 (much or very much improved) is improved (IMMPACT), 6-7 (much
or very much worse) is worse (the mirror of IMMPACT's rule, our choice), anything else no_change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from acuback.clinical.instruments.definition import AnswerError, Definition
from acuback.clinical.instruments.registry import get

# Bump when the verdict rules above change; stored beside each result with the instrument's
# own version.
CHANGE_RULES_VERSION = "change/acuback-2"

# ODI totals are unrounded fractions (16/45 x 100): compare with a hair of tolerance so that a
# change of exactly 10 points is not lost to binary rounding.
_TOLERANCE = 1e-9


class Verdict(StrEnum):
    IMPROVED = "improved"
    NO_CHANGE = "no_change"
    WORSE = "worse"


@dataclass(frozen=True, slots=True)
class Change:
    instrument: str
    baseline: float | None
    follow_up: float
    improvement: float | None  # in the better direction; positive is better; None for a PGIC
    percent: float | None  # improvement as a percentage of baseline; None when baseline is 0
    meets_mic: bool | None  # either method; None: no threshold, report the change only
    substantial: bool | None  # only where a "substantial" level is defined (pain NRS >= 50 %)
    meets_points: bool | None = None  # None: no points threshold for this instrument
    meets_percent: bool | None = None  # None: no percent threshold, or a baseline of 0
    verdict: Verdict | None = None
    instrument_version: str = ""
    rules_version: str = CHANGE_RULES_VERSION

    @property
    def worse_than_baseline(self) -> bool:
        return self.verdict is Verdict.WORSE

    def as_dict(self) -> dict[str, object]:
        return {
            "instrument": self.instrument,
            "baseline": self.baseline,
            "follow_up": self.follow_up,
            "improvement": self.improvement,
            "percent": self.percent,
            "meets_points": self.meets_points,
            "meets_percent": self.meets_percent,
            "meets_mic": self.meets_mic,
            "substantial": self.substantial,
            "verdict": None if self.verdict is None else self.verdict.value,
            "instrument_version": self.instrument_version,
            "rules_version": self.rules_version,
        }


def assess_change(instrument_id: str, baseline: float | None, follow_up: float) -> Change:
    """Judge the change from ``baseline`` to ``follow_up`` against the instrument's MIC.

    For the PGIC, which is itself a rating of change, pass ``baseline=None`` and the rating
    (1-7) as ``follow_up``.
    """
    definition = get(instrument_id)
    if definition.mic.improved_codes:
        return _rating(definition, baseline, follow_up)
    baseline = _check_total(definition, "baseline", baseline)
    follow_up = _check_total(definition, "follow-up", follow_up)
    improvement = follow_up - baseline if definition.higher_is_better else baseline - follow_up
    percent = None if baseline == 0 else improvement * 100 / baseline
    mic = definition.mic
    points_ok = _reaches(improvement, mic.points)
    percent_ok = None if mic.percent is None or percent is None else _reaches(percent, mic.percent)
    meets = None
    if mic.has_threshold:
        meets = bool(points_ok) or bool(percent_ok)
    substantial = None
    if mic.substantial_percent is not None:
        substantial = bool(_reaches(percent, mic.substantial_percent))
    return Change(
        definition.id, baseline, follow_up, improvement, percent, meets, substantial,
        meets_points=points_ok, meets_percent=percent_ok,
        verdict=_verdict(definition, meets, improvement, percent),
        instrument_version=definition.version,
    )


def _reaches(value: float | None, threshold: float | None) -> bool | None:
    if threshold is None:
        return None
    return value is not None and value >= threshold - _TOLERANCE


def _verdict(
    definition: Definition, meets: bool | None, improvement: float, percent: float | None
) -> Verdict | None:
    if meets is None:
        return None
    if meets:
        return Verdict.IMPROVED
    mic = definition.mic
    if mic.points is not None:
        worse = _reaches(-improvement, mic.points)
    else:
        worse = _reaches(None if percent is None else -percent, mic.percent)
    return Verdict.WORSE if worse else Verdict.NO_CHANGE


def _rating(definition: Definition, baseline: float | None, follow_up: float) -> Change:
    if baseline is not None:
        raise AnswerError(f"{definition.id} rates change itself: pass no baseline")
    item = definition.items[0]
    if type(follow_up) is not int or follow_up not in item.codes:
        raise AnswerError(
            f"{definition.id}: {follow_up!r} is not an allowed rating ({item.allowed})"
        )
    mic = definition.mic
    meets = follow_up in mic.improved_codes
    verdict = (Verdict.IMPROVED if meets else
               Verdict.WORSE if follow_up in mic.worse_codes else Verdict.NO_CHANGE)
    return Change(definition.id, None, follow_up, None, None, meets, None, verdict=verdict,
                  instrument_version=definition.version)


def _check_total(definition: Definition, what: str, value: float | None) -> float:
    low, high = definition.total_range
    # `type(...) in` rejects bool, which is an int to isinstance.
    if type(value) in (int, float) and low <= value <= high:  # type: ignore[operator]
        return value  # type: ignore[return-value]
    raise AnswerError(
        f"{definition.id} {what} total must be a number from {low} to {high}, got {value!r}"
    )
