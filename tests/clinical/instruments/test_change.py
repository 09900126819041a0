"""Minimal important change, baseline to follow-up (DOMAIN.md)."""

from __future__ import annotations

import pytest

from acuback.clinical.instruments import AnswerError, assess_change, peg


def test_it_meets_the_odi_threshold_at_exactly_ten_points() -> None:
    change = assess_change("odi", 46, 36)
    assert (change.improvement, change.meets_mic) == (10, True)


def test_it_misses_the_odi_threshold_below_ten_points_and_thirty_percent() -> None:
    assert assess_change("odi", 50, 41).meets_mic is False


def test_it_meets_the_odi_threshold_at_exactly_thirty_percent() -> None:
    change = assess_change("odi", 20, 14)  # 6 points, 30 %
    assert change.percent == pytest.approx(30)
    assert change.meets_mic is True


def test_it_meets_the_rmdq_threshold_at_five_points() -> None:
    assert assess_change("rmdq", 20, 15).meets_mic is True


def test_it_misses_the_rmdq_threshold_at_four_points() -> None:
    assert assess_change("rmdq", 20, 16).meets_mic is False


def test_it_meets_the_nrs_threshold_at_two_points() -> None:
    assert assess_change("nrs", 8, 6).meets_mic is True


def test_it_meets_the_nrs_threshold_at_thirty_percent_of_a_low_baseline() -> None:
    assert assess_change("nrs", 3, 2).meets_mic is True  # 1 point, 33 %


def test_it_calls_half_the_pain_gone_substantial() -> None:
    assert assess_change("nrs", 8, 4).substantial is True


def test_it_does_not_call_forty_percent_less_pain_substantial() -> None:
    assert assess_change("nrs", 10, 6).substantial is False


def test_it_meets_the_peg_threshold_at_one_point_despite_float_thirds() -> None:
    baseline = peg.score([5, 4, 4]).total  # 13/3
    follow_up = peg.score([4, 3, 3]).total  # 10/3; the float difference is 0.999...96
    assert assess_change("peg", baseline, follow_up).meets_mic is True  # type: ignore[arg-type]


def test_it_meets_the_isi_threshold_at_six_points() -> None:
    assert assess_change("isi", 20, 14).meets_mic is True


def test_it_misses_the_isi_threshold_at_five_points() -> None:
    assert assess_change("isi", 20, 15).meets_mic is False


@pytest.mark.parametrize("instrument", ["phq9", "gad7"])
def test_it_reports_depression_and_anxiety_change_without_a_verdict(instrument: str) -> None:
    change = assess_change(instrument, 15, 5)
    assert (change.improvement, change.meets_mic) == (10, None)


def test_it_never_calls_a_worsening_a_response() -> None:
    change = assess_change("odi", 30, 50)
    assert (change.improvement, change.meets_mic) == (-20, False)


def test_it_gives_no_percentage_from_a_zero_baseline() -> None:
    assert assess_change("nrs", 0, 0).percent is None


@pytest.mark.parametrize(
    ("rating", "improved"), [(1, True), (2, True), (3, False), (4, False), (7, False)]
)
def test_it_counts_much_or_very_much_improved_on_the_pgic(rating: int, improved: bool) -> None:
    assert assess_change("pgic", None, rating).meets_mic is improved


def test_it_refuses_a_baseline_for_the_pgic() -> None:
    with pytest.raises(AnswerError, match="no baseline"):
        assess_change("pgic", 4, 2)


@pytest.mark.parametrize(("baseline", "follow_up"), [(101, 50), (50, -1), (True, 0), ("5", 1)])
def test_it_rejects_totals_outside_the_instrument_range(
    baseline: object, follow_up: object
) -> None:
    with pytest.raises(AnswerError, match="total must be a number from 0 to 100"):
        assess_change("odi", baseline, follow_up)  # type: ignore[arg-type]
