"""PSS-10: items 4, 5, 7 and 8 reversed (4 - x), then summed; no bands."""

from __future__ import annotations

import pytest

from acuback.clinical.instruments import pss10

REVERSED = (4, 5, 7, 8)


def _answers(forward: int, backward: int) -> list[int]:
    return [backward if n in REVERSED else forward for n in range(1, 11)]


def test_it_scores_the_least_stressed_response_zero() -> None:
    assert pss10.score(_answers(forward=0, backward=4)).total == 0


def test_it_scores_the_most_stressed_response_forty() -> None:
    assert pss10.score(_answers(forward=4, backward=0)).total == 40


def test_it_scores_all_middle_answers_twenty() -> None:
    assert pss10.score([2] * 10).total == 20


@pytest.mark.parametrize("item", REVERSED)
def test_it_reverses_each_positively_worded_item(item: int) -> None:
    answers = _answers(forward=0, backward=4)
    answers[item - 1] = 0  # "never" on a positive item is the most stressed answer
    assert pss10.score(answers).total == 4


@pytest.mark.parametrize("item", [1, 2, 3, 6, 9, 10])
def test_it_does_not_reverse_the_negatively_worded_items(item: int) -> None:
    answers = _answers(forward=0, backward=4)
    answers[item - 1] = 4
    assert pss10.score(answers).total == 4


def test_it_has_no_bands() -> None:
    assert pss10.score(_answers(forward=4, backward=0)).band is None


def test_it_gives_no_total_when_an_item_is_skipped() -> None:
    assert pss10.score([2] * 9 + [None]).total is None
