"""Intervals against hand-computed values and statsmodels/scipy as independent oracles."""

from __future__ import annotations

import math

import pytest
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import proportion_confint

from acuback.clinical.stats import (
    StatsInputError,
    mean_with_ci,
    poisson_interval,
    proportion,
    rate_per_treatments,
    wilson_interval,
)


def test_it_computes_wilson_for_5_of_10_by_hand() -> None:
    # z = 1.95996; centre (0.5 + z^2/20) / (1 + z^2/10) = 0.5;
    # half = z sqrt(0.025 + z^2/400) / (1 + z^2/10) = 0.26341.
    low, high = wilson_interval(5, 10)
    assert (low, high) == pytest.approx((0.23659, 0.76341), abs=1e-5)


def test_it_keeps_wilson_at_zero_and_at_all_inside_0_to_1() -> None:
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.27753), abs=1e-5)
    assert wilson_interval(10, 10) == pytest.approx((0.72247, 1.0), abs=1e-5)
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0


@pytest.mark.parametrize(("x", "n"), [(1, 3), (87, 161), (45, 140), (999, 1000), (3, 230000)])
def test_it_agrees_with_statsmodels_wilson(x: int, n: int) -> None:
    assert wilson_interval(x, n) == pytest.approx(proportion_confint(x, n, method="wilson"))


def test_it_reports_a_rate_with_its_interval() -> None:
    rate = proportion(87, 161)
    assert (rate.rate, rate.method) == (pytest.approx(0.54037, abs=1e-5), "wilson")


@pytest.mark.parametrize(("x", "n"), [(-1, 10), (11, 10), (0, 0), (True, 10), (1.0, 10)])
def test_it_refuses_impossible_counts(x: object, n: int) -> None:
    with pytest.raises(StatsInputError):
        wilson_interval(x, n)  # type: ignore[arg-type]


def test_it_computes_a_t_interval_for_one_to_five_by_hand() -> None:
    # mean 3, SD sqrt(2.5) = 1.58114, SE 0.70711, t(4, 0.975) = 2.77645: 3 +/- 1.96324.
    mean = mean_with_ci([1, 2, 3, 4, 5])
    assert (mean.n, mean.mean, mean.sd) == (5, 3, pytest.approx(1.58114, abs=1e-5))
    assert mean.ci == pytest.approx((1.03676, 4.96324), abs=1e-5)


def test_it_agrees_with_scipy_t_interval() -> None:
    values = [-3.0, -1.5, 0.0, -4.25, -2.0, 1.0, -6.5]
    expected = scipy_stats.t.interval(0.95, len(values) - 1, loc=sum(values) / len(values),
                                      scale=scipy_stats.sem(values))
    assert mean_with_ci(values).ci == pytest.approx(expected)


def test_it_gives_no_interval_for_a_single_value() -> None:
    assert mean_with_ci([4.0]).ci is None


def test_it_refuses_an_empty_or_non_finite_mean() -> None:
    with pytest.raises(StatsInputError):
        mean_with_ci([])
    with pytest.raises(StatsInputError):
        mean_with_ci([1.0, math.nan])


@pytest.mark.parametrize(
    ("events", "expected"),
    # Exact Poisson limits as tabulated (e.g. Ulm 1990): 0 -> (0, 3.689); 1 -> (0.0253,
    # 5.572); 10 -> (4.795, 18.390).
    [(0, (0.0, 3.68888)), (1, (0.02532, 5.57164)), (10, (4.79539, 18.39036))],
)
def test_it_computes_exact_poisson_limits(events: int, expected: tuple[float, float]) -> None:
    assert poisson_interval(events) == pytest.approx(expected, abs=1e-5)


def test_it_scales_adverse_events_to_1000_treatments() -> None:
    rate = rate_per_treatments(10, 2000)  # 5 per 1,000; limits 4.795/2 and 18.390/2
    assert (rate.rate, rate.per) == (5.0, 1000)
    assert rate.ci == pytest.approx((2.39769, 9.19518), abs=1e-5)


def test_it_gives_an_upper_limit_when_no_adverse_event_happened() -> None:
    rate = rate_per_treatments(0, 500)
    assert (rate.rate, rate.ci[0]) == (0.0, 0.0)
    assert rate.ci[1] == pytest.approx(3.68888 * 2, abs=1e-4)


def test_it_refuses_a_rate_without_treatments() -> None:
    with pytest.raises(StatsInputError):
        rate_per_treatments(1, 0)
