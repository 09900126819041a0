"""Two groups compared on a score where lower is better: per-group summaries, responder rates
with Wilson intervals, and the baseline-adjusted difference by ANCOVA.

Pure (records in, numbers out); the CSV reading lives in the CLI. ANCOVA is an ordinary least
squares fit of follow-up ~ intercept + in-treatment-group + baseline (statsmodels OLS), the
analysis Vickers et al. used for their acupuncture headache trial (BMJ 2004;328:744) and the one
recommended for randomised trials with a baseline (Vickers & Altman, BMJ 2001;323:1123). The
adjusted difference is the coefficient of being in the treatment group: negative means the
treatment group ended lower, i.e. better. A responder's follow-up is at most (1 - drop) times
their baseline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from acuback.clinical.stats.intervals import CONFIDENCE, proportion

DEFAULT_RESPONDER_DROP = 0.30
# Responder comparison with a hair of tolerance: 0.65 x 20 is 13.000000000000002 in binary.
_TOLERANCE = 1e-9
# OLS with three coefficients needs more rows than that to estimate an error.
_MIN_ROWS = 4


class CompareError(ValueError):
    """The data cannot be compared as asked."""


@dataclass(frozen=True, slots=True)
class Record:
    group: str
    baseline: float | None
    follow_up: float | None


@dataclass(frozen=True, slots=True)
class GroupSummary:
    n: int
    baseline_mean: float
    followup_mean: float
    mean_change: float  # follow-up minus baseline: negative is improvement
    responder_rate: float
    responder_ci: tuple[float, float]


@dataclass(frozen=True, slots=True)
class AdjustedDifference:
    estimate: float
    ci: tuple[float, float]
    p: float


@dataclass(frozen=True, slots=True)
class Comparison:
    groups: dict[str, GroupSummary]
    adjusted_difference: AdjustedDifference
    excluded: int

    def to_dict(self) -> dict[str, object]:
        return {
            "groups": {
                name: {
                    "n": g.n,
                    "baseline_mean": g.baseline_mean,
                    "followup_mean": g.followup_mean,
                    "mean_change": g.mean_change,
                    "responder_rate": g.responder_rate,
                    "responder_ci": list(g.responder_ci),
                }
                for name, g in self.groups.items()
            },
            "adjusted_difference": {
                "estimate": self.adjusted_difference.estimate,
                "ci": list(self.adjusted_difference.ci),
                "p": self.adjusted_difference.p,
            },
            "excluded": self.excluded,
        }


def is_responder(baseline: float, follow_up: float, drop: float) -> bool:
    """True when the follow-up is at most (1 - drop) x baseline (lower scores are better)."""
    return follow_up <= (1 - drop) * baseline + _TOLERANCE * max(1.0, abs(baseline))


def _summary(rows: Sequence[tuple[float, float]], drop: float) -> GroupSummary:
    import numpy as np  # imported when used (see intervals._special)

    baselines = [b for b, _ in rows]
    follow_ups = [f for _, f in rows]
    responders = sum(is_responder(b, f, drop) for b, f in rows)
    rate = proportion(responders, len(rows))
    return GroupSummary(
        n=len(rows),
        baseline_mean=float(np.mean(baselines)),
        followup_mean=float(np.mean(follow_ups)),
        mean_change=float(np.mean(np.subtract(follow_ups, baselines))),
        responder_rate=rate.rate,
        responder_ci=rate.ci,
    )


def _ancova(rows: Sequence[tuple[str, float, float]], treatment: str) -> AdjustedDifference:
    import numpy as np  # imported when used (see intervals._special)

    follow_up = np.array([f for _, _, f in rows], dtype=float)
    design = np.column_stack([
        np.ones(len(rows)),
        np.array([1.0 if g == treatment else 0.0 for g, _, _ in rows]),
        np.array([b for _, b, _ in rows], dtype=float),
    ])
    # Imported here: statsmodels takes seconds to import, and most callers only want rates.
    from statsmodels.regression.linear_model import OLS

    fit = OLS(follow_up, design).fit()
    if fit.df_resid < 1 or not np.isfinite(fit.bse[1]):
        raise CompareError("the rows do not allow the group effect to be estimated")
    low, high = fit.conf_int(alpha=1 - CONFIDENCE)[1]
    return AdjustedDifference(float(fit.params[1]), (float(low), float(high)),
                              float(fit.pvalues[1]))


def _check_drop(drop: float) -> None:
    if not 0 < drop < 1:
        raise CompareError(f"the responder drop must be between 0 and 1, got {drop!r}")


def compare_groups(
    records: Iterable[Record], treatment: str, responder_drop: float = DEFAULT_RESPONDER_DROP
) -> Comparison:
    """Compare the two groups of ``records``; ``treatment`` names the group whose effect the
    adjusted difference estimates. Rows lacking a baseline or follow-up are excluded."""
    _check_drop(responder_drop)
    records = list(records)
    names = sorted({r.group for r in records})
    if len(names) != 2:
        shown = ", ".join(repr(n) for n in names) or "none"
        raise CompareError(f"the group column must hold exactly two values, found {shown}")
    if treatment not in names:
        raise CompareError(f"treatment {treatment!r} is not a group (groups: {names[0]!r}, "
                           f"{names[1]!r})")
    complete = _complete_rows(records)
    by_group = {n: [(b, f) for g, b, f in complete if g == n] for n in names}
    empty = [n for n in names if not by_group[n]]
    if empty:
        raise CompareError(f"group {empty[0]!r} has no row with both a baseline and a follow-up")
    if len(complete) < _MIN_ROWS:
        raise CompareError(f"need at least {_MIN_ROWS} complete rows, got {len(complete)}")
    groups = {n: _summary(by_group[n], responder_drop) for n in names}
    comparison = Comparison(groups, _ancova(complete, treatment), len(records) - len(complete))
    _check_finite(comparison)
    return comparison


def _check_finite(comparison: Comparison) -> None:
    """Scores near the largest float (1e308) overflow a mean or the fit's variance into
    infinity or NaN: that is no answer, and no JSON either."""
    import numpy as np  # imported when used (see intervals._special)

    for name, g in comparison.groups.items():
        for what, value in (("baseline_mean", g.baseline_mean),
                            ("followup_mean", g.followup_mean), ("mean_change", g.mean_change)):
            if not np.isfinite(value):
                raise CompareError(f"the scores are too large to compare: group {name!r}'s "
                                   f"{what} overflows")
    effect = comparison.adjusted_difference
    if not np.all(np.isfinite([effect.estimate, *effect.ci, effect.p])):
        raise CompareError("the scores are too large to compare: the adjusted difference "
                           "overflows")


def _complete_rows(records: Iterable[Record]) -> list[tuple[str, float, float]]:
    rows = []
    for r in records:
        if r.baseline is not None and r.follow_up is not None:
            rows.append((r.group, r.baseline, r.follow_up))
    return rows
