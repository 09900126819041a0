"""PROMIS Fatigue 4a: raw score 4-20 to the published T-score table; structure only shipped."""

from __future__ import annotations

import pytest

from acuback.clinical.instruments import assess_change, fatigue4a


@pytest.mark.parametrize(
    ("answers", "raw", "t_score", "error"),
    # Published table (PROMIS Fatigue scoring manual, Short Form 4a): 4 -> 33.7 (SE 4.9),
    # 10 -> 53.1 (2.4), 12 -> 57.0 (2.3), 19 -> 71.6 (2.7), 20 -> 75.8 (3.9).
    [([1, 1, 1, 1], 4, 33.7, 4.9), ([2, 3, 3, 2], 10, 53.1, 2.4), ([3, 3, 3, 3], 12, 57.0, 2.3),
     ([5, 5, 5, 4], 19, 71.6, 2.7), ([5, 5, 5, 5], 20, 75.8, 3.9)],
)
def test_it_converts_the_raw_score_with_the_published_table(
    answers: list[int], raw: int, t_score: float, error: float
) -> None:
    result = fatigue4a.score(answers)
    assert (result.raw_score, result.total, result.standard_error) == (raw, t_score, error)


def test_it_has_one_t_score_per_raw_score_rising_with_fatigue() -> None:
    table = fatigue4a.T_SCORES
    assert sorted(table) == list(range(4, 21))
    scores = [table[raw][0] for raw in range(4, 21)]
    assert scores == sorted(scores) and len(set(scores)) == 17


def test_it_centres_the_table_on_the_us_population_mean() -> None:
    # T = 50 is the reference population's mean: it falls between raw 8 (48.6) and 9 (51.0).
    assert fatigue4a.T_SCORES[8][0] < 50 < fatigue4a.T_SCORES[9][0]


def test_it_gives_no_t_score_when_an_item_is_skipped() -> None:
    result = fatigue4a.score([2, None, 3, 2])
    assert (result.total, result.raw_score) == (None, None)
    assert "item 2 (an3)" in (result.reason or "")


def test_it_reports_its_extra_keys() -> None:
    assert set(fatigue4a.score([1, 2, 3, 4]).as_dict()) == {
        "instrument", "total", "band", "raw_score", "standard_error"}


def test_it_ships_no_promis_wording() -> None:
    definition = fatigue4a.DEFINITION
    assert not definition.copyright.wording_free
    assert all(item.text is None for item in definition.items)
    assert "HealthMeasures" in definition.copyright.holder


def test_it_counts_less_fatigue_as_improvement_at_the_clbp_mid() -> None:
    # Raw 14 -> 10 is 60.7 -> 53.1: 7.6 T points, under the 7.75 MID; 14 -> 9 is 9.7 points.
    assert assess_change("fatigue4a", 60.7, 53.1).verdict == "no_change"
    assert assess_change("fatigue4a", 60.7, 51.0).verdict == "improved"
    assert assess_change("fatigue4a", 51.0, 60.7).verdict == "worse"
