"""Cohort figures with their 95 % intervals: responder rates, mean change, adverse-event rates.

Pure. Each interval names its method, and the tests check each against hand-computed values and
an independent library:

- Proportions: Wilson's score interval (Wilson EB, J Am Stat Assoc 1927;22:209-212), which stays
  inside 0-1 and behaves at 0 % and 100 %, unlike the normal approximation (Brown, Cai &
  DasGupta, Stat Sci 2001;16:101-133).
- Means: Student's t interval, mean +/- t(n-1) x SD / sqrt(n).
- Event rates: the exact Poisson interval from the chi-square distribution (Garwood F,
  Biometrika 1936;28:437-442), scaled to events per 1,000 treatments.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from statistics import NormalDist, fmean, stdev
from typing import Any

CONFIDENCE = 0.95
PER_TREATMENTS = 1000


class StatsInputError(ValueError):
    """Counts or values a figure cannot be computed from."""


@dataclass(frozen=True, slots=True)
class Proportion:
    successes: int
    n: int
    rate: float
    ci: tuple[float, float]
    method: str = "wilson"


@dataclass(frozen=True, slots=True)
class Mean:
    n: int
    mean: float
    sd: float | None  # None for a single value
    ci: tuple[float, float] | None  # None for a single value: no spread to estimate
    method: str = "student-t"


@dataclass(frozen=True, slots=True)
class Rate:
    events: int
    treatments: int
    per: int  # events per this many treatments
    rate: float
    ci: tuple[float, float]
    method: str = "exact-poisson"


@cache
def _special() -> Any:
    """scipy.special (the t and chi-square quantiles without scipy.stats' import cost), imported
    when first needed: with numpy it takes half a second, which every `acuback` command and
    server start paid, since this module comes in with the cohort engine. Loaded without
    garbage collections meanwhile (a third of its load time, acuback.loading)."""
    from acuback.loading import loading

    with loading():
        from scipy import special

    return special


def _check_count(value: int, what: str) -> None:
    if type(value) is not int or value < 0:
        raise StatsInputError(f"{what} must be a whole number of 0 or more, got {value!r}")


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise StatsInputError(f"confidence must be between 0 and 1, got {confidence!r}")


def wilson_interval(
    successes: int, n: int, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Wilson's score interval for ``successes`` out of ``n``."""
    _check_count(successes, "successes")
    _check_count(n, "n")
    _check_confidence(confidence)
    if n == 0 or successes > n:
        raise StatsInputError(f"need 0 <= successes <= n and n > 0, got {successes} of {n}")
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # At 0 and n the bound is exactly 0 or 1; rounding must not push it past.
    return (0.0 if successes == 0 else centre - half, 1.0 if successes == n else centre + half)


def proportion(successes: int, n: int, confidence: float = CONFIDENCE) -> Proportion:
    """A responder rate with its Wilson interval."""
    ci = wilson_interval(successes, n, confidence)
    return Proportion(successes, n, successes / n, ci)


def mean_with_ci(values: Sequence[float], confidence: float = CONFIDENCE) -> Mean:
    """The mean of ``values`` with Student's t interval (none for a single value)."""
    _check_confidence(confidence)
    if not values:
        raise StatsInputError("a mean needs at least one value")
    if any(not math.isfinite(v) for v in values):
        raise StatsInputError("values must be finite numbers")
    mean = fmean(values)
    if len(values) == 1:
        return Mean(1, mean, None, None)
    return _t_mean(len(values), mean, stdev(values), confidence)


def mean_of_counts(counts: Mapping[float, int], confidence: float = CONFIDENCE) -> Mean:
    """`mean_with_ci` of a sample given as {value: how many times it occurs}: the same figures
    for a cohort of 100,000 without a list of 100,000 values."""
    _check_confidence(confidence)
    if any(not math.isfinite(v) for v in counts):
        raise StatsInputError("values must be finite numbers")
    for count in counts.values():
        _check_count(count, "a count")
    n = sum(counts.values())
    if n == 0:
        raise StatsInputError("a mean needs at least one value")
    mean = math.fsum(v * c for v, c in counts.items()) / n
    if n == 1:
        return Mean(1, mean, None, None)
    # Two passes (deviations from the mean), as statistics.stdev, not sum-of-squares algebra.
    variance = math.fsum(c * (v - mean) ** 2 for v, c in counts.items()) / (n - 1)
    return _t_mean(n, mean, math.sqrt(variance), confidence)


def _t_mean(n: int, mean: float, sd: float, confidence: float) -> Mean:
    t = float(_special().stdtrit(n - 1, 1 - (1 - confidence) / 2))
    half = t * sd / math.sqrt(n)
    return Mean(n, mean, sd, (mean - half, mean + half))


def poisson_interval(events: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson count of ``events``."""
    _check_count(events, "events")
    _check_confidence(confidence)
    alpha = 1 - confidence
    # chdtri(df, q) is the chi-square quantile with upper-tail probability q.
    lower = 0.0 if events == 0 else float(_special().chdtri(2 * events, 1 - alpha / 2)) / 2
    upper = float(_special().chdtri(2 * events + 2, alpha / 2)) / 2
    return lower, upper


def rate_per_treatments(
    events: int, treatments: int, per: int = PER_TREATMENTS, confidence: float = CONFIDENCE
) -> Rate:
    """Adverse events per ``per`` (1,000) treatments, with the exact Poisson interval."""
    _check_count(treatments, "treatments")
    if treatments == 0:
        raise StatsInputError("a rate needs at least one treatment")
    lower, upper = poisson_interval(events, confidence)
    scale = per / treatments
    return Rate(events, treatments, per, events * scale, (lower * scale, upper * scale))
