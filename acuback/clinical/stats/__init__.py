"""Cohort statistics: intervals, group comparison (ANCOVA) and external trial benchmarks.

    >>> from acuback.clinical.stats import proportion
    >>> proportion(5, 10).ci
    (0.23659309051256405, 0.763406909487436)
"""

from __future__ import annotations

from acuback.clinical.stats.benchmarks import Benchmark, Benchmarks, benchmarks
from acuback.clinical.stats.compare import (
    DEFAULT_RESPONDER_DROP,
    AdjustedDifference,
    CompareError,
    Comparison,
    GroupSummary,
    Record,
    compare_groups,
    is_responder,
)
from acuback.clinical.stats.intervals import (
    Mean,
    Proportion,
    Rate,
    StatsInputError,
    mean_of_counts,
    mean_with_ci,
    poisson_interval,
    proportion,
    rate_per_treatments,
    wilson_interval,
)

__all__ = [
    "DEFAULT_RESPONDER_DROP",
    "AdjustedDifference",
    "Benchmark",
    "Benchmarks",
    "CompareError",
    "Comparison",
    "GroupSummary",
    "Mean",
    "Proportion",
    "Rate",
    "Record",
    "StatsInputError",
    "benchmarks",
    "compare_groups",
    "is_responder",
    "mean_of_counts",
    "mean_with_ci",
    "poisson_interval",
    "proportion",
    "rate_per_treatments",
    "wilson_interval",
]
