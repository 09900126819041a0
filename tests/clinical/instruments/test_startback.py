"""STarT Back: total = items 1-8 + (item 9 >= 3); psychosocial = items 5-8 + the same."""

from __future__ import annotations

import pytest

from acuback.clinical.instruments import startback


def test_it_scores_the_best_response_zero_and_low_risk() -> None:
    result = startback.score([0] * 9)
    assert (result.total, result.psychosocial, result.band) == (0, 0, "low")


def test_it_scores_the_worst_response_nine_and_high_risk() -> None:
    result = startback.score([1] * 8 + [4])
    assert (result.total, result.psychosocial, result.band) == (9, 5, "high")


@pytest.mark.parametrize(("item9", "counted"), [(0, 0), (1, 0), (2, 0), (3, 1), (4, 1)])
def test_it_counts_item9_only_for_very_much_or_extremely(item9: int, counted: int) -> None:
    result = startback.score([0] * 8 + [item9])
    assert (result.total, result.psychosocial) == (counted, counted)


def test_it_keeps_items_1_to_4_out_of_the_psychosocial_subscale() -> None:
    result = startback.score([1, 1, 1, 1, 0, 0, 0, 0, 0])
    assert (result.total, result.psychosocial) == (4, 0)


def test_it_calls_total_three_low_even_with_subscale_three() -> None:
    result = startback.score([0, 0, 0, 0, 1, 1, 1, 0, 0])
    assert (result.total, result.psychosocial, result.band) == (3, 3, "low")


def test_it_calls_total_four_with_subscale_three_medium() -> None:
    result = startback.score([1, 0, 0, 0, 1, 1, 1, 0, 0])
    assert (result.total, result.psychosocial, result.band) == (4, 3, "medium")


def test_it_calls_subscale_four_high() -> None:
    result = startback.score([0, 0, 0, 0, 1, 1, 1, 1, 0])
    assert (result.total, result.psychosocial, result.band) == (4, 4, "high")


def test_it_calls_subscale_four_from_item9_high() -> None:
    result = startback.score([0, 0, 0, 0, 1, 1, 1, 0, 3])
    assert (result.total, result.psychosocial, result.band) == (4, 4, "high")


def test_it_gives_no_total_when_an_item_is_skipped() -> None:
    result = startback.score([None, 0, 0, 0, 1, 1, 1, 1, 4])
    assert (result.total, result.band) == (None, None)


def test_it_still_reports_the_subscale_when_only_items_1_to_4_are_skipped() -> None:
    result = startback.score([None, None, 0, 0, 1, 1, 1, 1, 4])
    assert result.psychosocial == 5


def test_it_reports_no_subscale_when_a_subscale_item_is_skipped() -> None:
    assert startback.score([1, 1, 1, 1, 1, 1, 1, 1, None]).psychosocial is None
