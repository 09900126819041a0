"""Cohort figures from grouped outcome pairs, against numbers worked out by hand."""

from __future__ import annotations

import pytest

from acuback.clinical.cohort import (
    OutcomePair,
    SafetyCounts,
    cohort_outcomes,
    instrument_figures,
    judge_pair,
    safety_figures,
)
from acuback.clinical.stats import mean_of_counts, mean_with_ci

pytestmark = pytest.mark.pure

NRS = [
    OutcomePair("nrs", 8, 4, True, 3),  # 4 points, 50 %: improved, substantial
    OutcomePair("nrs", 5, 4, True, 2),  # 1 point, 20 %: no change
    OutcomePair("nrs", 4, 7, True, 1),  # 3 points worse
    OutcomePair("nrs", 6, 6, False, 4),  # a baseline alone: measured, not followed
]


def test_it_counts_responders_by_hand() -> None:
    f = instrument_figures("nrs", NRS)
    assert (f.measured, f.followed, f.no_follow_up) == (10, 6, 4)
    assert f.improved is not None and (f.improved.successes, f.improved.n) == (3, 6)
    # Wilson 95 % for 3 of 6: centre 0.5, half-width 1.96 x 0.26143 / 1.64025 = 0.31238.
    assert f.improved.ci == pytest.approx((0.18762, 0.81238), abs=1e-5)
    assert f.worse is not None and f.worse.successes == 1
    assert f.substantial is not None and f.substantial.successes == 3
    assert f.improved_by_points is not None and f.improved_by_points.successes == 3
    assert f.improved_by_percent is not None and f.improved_by_percent.successes == 3


def test_it_gives_the_mean_improvement_with_its_t_interval_by_hand() -> None:
    f = instrument_figures("nrs", NRS)
    assert f.improvement is not None
    # Improvements 4, 4, 4, 1, 1, -3: mean 11/6, SD 2.78687, t(5) 2.57058.
    assert f.improvement.mean == pytest.approx(11 / 6)
    assert f.improvement.sd == pytest.approx(2.78687, abs=1e-5)
    assert f.improvement.ci == pytest.approx((-1.09137, 4.75804), abs=1e-4)
    # Baselines 8, 8, 8, 5, 5, 4 and latest 4, 4, 4, 4, 4, 7 of the six followed up.
    assert (f.baseline_mean, f.latest_mean) == pytest.approx((38 / 6, 27 / 6))


def test_it_judges_the_pgic_by_its_latest_rating_alone() -> None:
    f = instrument_figures("pgic", [OutcomePair("pgic", 1, 1, False, 2),
                                    OutcomePair("pgic", 4, 3, True, 1),
                                    OutcomePair("pgic", 2, 7, True, 1)])
    assert (f.measured, f.followed) == (4, 4)
    assert f.improved is not None and f.improved.successes == 2
    assert f.worse is not None and f.worse.successes == 1
    assert (f.improvement, f.baseline_mean, f.improved_by_points) == (None, None, None)


def test_it_reports_change_only_where_an_instrument_has_no_threshold() -> None:
    f = instrument_figures("phq9", [OutcomePair("phq9", 12, 6, True, 2)])
    assert (f.improved, f.worse) == (None, None)
    assert f.improvement is not None and f.improvement.mean == 6


def test_it_has_no_rates_when_nothing_was_followed_up() -> None:
    f = instrument_figures("odi", [OutcomePair("odi", 40, 40, False, 5)])
    assert (f.measured, f.followed, f.improved, f.improvement) == (5, 0, None, None)
    assert judge_pair(OutcomePair("odi", 40, 40, False, 5)) is None


def test_it_orders_instruments_as_the_registry_does() -> None:
    pairs = [OutcomePair("pgic", 1, 1, True, 1), *NRS, OutcomePair("odi", 40, 20, True, 1)]
    assert [f.instrument for f in cohort_outcomes(pairs)] == ["nrs", "odi", "pgic"]


def test_it_refuses_a_pair_of_another_instrument() -> None:
    with pytest.raises(ValueError, match="odi pair"):
        instrument_figures("nrs", [OutcomePair("odi", 40, 20, True, 1)])


def test_it_gives_the_same_mean_from_counts_as_from_values() -> None:
    values = [4.0] * 3 + [1.0] * 2 + [-3.0] + [13.333333333333334] * 7
    by_counts = mean_of_counts({4.0: 3, 1.0: 2, -3.0: 1, 13.333333333333334: 7})
    listed = mean_with_ci(values)
    assert by_counts.n == listed.n
    assert by_counts.mean == pytest.approx(listed.mean, rel=1e-15)
    assert by_counts.ci == pytest.approx(listed.ci, rel=1e-12)
    assert mean_of_counts({5.0: 1}).ci is None


def test_it_rates_adverse_events_per_1000_treatments() -> None:
    s = safety_figures(SafetyCounts(treatments=2000, events=150, serious=1,
                                    treated_patients=200, patients_with_event=18))
    assert s.per_1000_treatments is not None and s.per_1000_treatments.rate == 75
    # Exact Poisson 95 % for 150 events: chi2(300, 0.025) / 2 = 126.956 to
    # chi2(302, 0.975) / 2 = 176.017 events, per 2,000 treatments.
    assert s.per_1000_treatments.ci == pytest.approx((63.478, 88.009), abs=0.001)
    assert s.serious_per_million is not None and s.serious_per_million.rate == 500
    assert s.patients_with_event is not None and s.patients_with_event.rate == 0.09


def test_it_has_no_safety_rates_before_any_treatment() -> None:
    s = safety_figures(SafetyCounts(0, 0, 0, 0, 0))
    assert (s.per_1000_treatments, s.serious_per_million, s.patients_with_event) == (
        None, None, None)
