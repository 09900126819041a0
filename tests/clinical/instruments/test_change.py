"""Minimal important change, baseline to follow-up (DOMAIN.md)."""

from __future__ import annotations

import pytest

from acuback.clinical.instruments import CHANGE_RULES_VERSION, AnswerError, assess_change, peg


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


# --- both methods, verdicts and direction (IMMPACT; acuback's worse rule) --------------------

def test_it_reports_each_method_on_its_own() -> None:
    change = assess_change("nrs", 3, 2)  # 1 point (< 2), 33 % (>= 30)
    assert (change.meets_points, change.meets_percent, change.meets_mic) == (False, True, True)


def test_it_reports_points_met_and_percent_missed() -> None:
    change = assess_change("odi", 80, 70)  # 10 points, 12.5 %
    assert (change.meets_points, change.meets_percent) == (True, False)


def test_it_has_no_percent_method_for_a_zero_baseline() -> None:
    change = assess_change("nrs", 0, 0)
    assert (change.percent, change.meets_percent, change.verdict) == (None, None, "no_change")


def test_it_has_no_percent_method_where_the_instrument_defines_none() -> None:
    change = assess_change("isi", 20, 14)
    assert (change.meets_points, change.meets_percent) == (True, None)


def test_it_calls_pain_from_5_to_8_worse_than_baseline() -> None:
    change = assess_change("nrs", 5, 8)
    assert (change.improvement, change.verdict, change.worse_than_baseline) == (-3, "worse", True)


def test_it_calls_two_points_more_pain_worse() -> None:
    assert assess_change("nrs", 4, 6).verdict == "worse"


def test_it_does_not_call_one_point_more_pain_worse_even_at_50_percent() -> None:
    # 2 -> 3 is 50 % worse but 1 point: a worse verdict needs the points threshold.
    assert assess_change("nrs", 2, 3).verdict == "no_change"


def test_it_calls_ten_odi_points_more_worse() -> None:
    assert assess_change("odi", 30, 40).verdict == "worse"


def test_it_calls_a_small_odi_change_no_change() -> None:
    assert assess_change("odi", 40, 36).verdict == "no_change"


def test_it_gives_no_verdict_without_a_threshold() -> None:
    change = assess_change("phq9", 10, 18)
    assert (change.improvement, change.verdict, change.worse_than_baseline) == (-8, None, False)


@pytest.mark.parametrize(
    ("rating", "verdict"),
    [(1, "improved"), (2, "improved"), (3, "no_change"), (4, "no_change"), (5, "no_change"),
     (6, "worse"), (7, "worse")],
)
def test_it_judges_each_pgic_rating(rating: int, verdict: str) -> None:
    assert assess_change("pgic", None, rating).verdict == verdict


def test_it_carries_the_instrument_and_rule_versions() -> None:
    change = assess_change("odi", 46, 36)
    assert (change.instrument_version, change.rules_version) == (
        "odi-2.1a/acuback-1", CHANGE_RULES_VERSION)
    assert change.as_dict()["verdict"] == "improved"


def test_it_reads_improvement_upwards_where_higher_is_better(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No shipped instrument scores "higher is better" yet; a function scale would, so check
    # the direction on a copy of the NRS turned round.
    from dataclasses import replace

    from acuback.clinical.instruments import INSTRUMENTS, nrs

    upward = replace(nrs.DEFINITION, id="upward", higher_is_better=True)
    monkeypatch.setitem(INSTRUMENTS, "upward", upward)
    better, worse = assess_change("upward", 4, 7), assess_change("upward", 7, 4)
    assert (better.improvement, better.verdict) == (3, "improved")
    assert (worse.improvement, worse.verdict) == (-3, "worse")
