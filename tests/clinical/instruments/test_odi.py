"""ODI v2.1a: sum / (5 x answered) x 100, unrounded; scored with at least 8 sections."""

from __future__ import annotations

from fractions import Fraction

import pytest

from acuback.clinical.instruments import odi


def test_it_scores_the_best_response_zero() -> None:
    assert odi.score([0] * 10).total == 0


def test_it_scores_the_worst_response_one_hundred() -> None:
    assert odi.score([5] * 10).total == 100


def test_it_reproduces_fairbanks_worked_example_with_all_sections() -> None:
    # The ODI form's footnote: 16 points over 10 sections is 16/50 = 32 %.
    assert odi.score([5, 5, 3, 3, 0, 0, 0, 0, 0, 0]).total == 32


def test_it_keeps_the_percentage_unrounded_with_a_section_missing() -> None:
    # The footnote's second example: 16 points over 9 sections is 16/45 = 35.55... %.
    result = odi.score([5, 5, 3, 3, 0, 0, 0, 0, 0, None])
    assert result.total == pytest.approx(float(Fraction(1600, 45)), abs=1e-12)
    assert result.answered == 9


def test_it_scores_with_two_sections_missing() -> None:
    result = odi.score([4, 4, 4, 4, 4, 4, 4, 4, None, None])
    assert (result.total, result.answered) == (80, 8)


def test_it_gives_no_total_with_three_sections_missing() -> None:
    result = odi.score([4, 4, 4, 4, 4, 4, 4, None, None, None])
    assert result.total is None
    assert result.band is None
    assert result.answered == 7
    assert "at least 8" in (result.reason or "")


def test_it_gives_no_total_when_every_section_is_skipped() -> None:
    result = odi.score([None] * 10)
    assert (result.total, result.answered) == (None, 0)


@pytest.mark.parametrize(
    ("answers", "band"),
    [
        ([0] * 10, "minimal"),
        ([1] * 10, "minimal"),  # exactly 20 %: 10/50 must not drift to 20.000000000000004
        ([1] * 9 + [None], "minimal"),  # 9/45, exactly 20 % again
        ([2] + [1] * 9, "moderate"),  # 22 %
        ([2] * 10, "moderate"),  # 40 %
        ([3] + [2] * 9, "severe"),  # 42 %
        ([3] * 10, "severe"),  # 60 %
        ([4] + [3] * 9, "crippled"),  # 62 %
        ([4] * 10, "crippled"),  # 80 %
        ([5] + [4] * 9, "bed-bound"),  # 82 %
        ([5] * 10, "bed-bound"),
    ],
)
def test_it_bands_every_boundary_on_the_unrounded_score(answers: list[int], band: str) -> None:
    assert odi.score(answers).band == band


def test_it_bands_just_above_twenty_percent_as_moderate_even_when_it_would_round_down() -> None:
    # 9/40 = 22.5 %, 10/45 = 22.2 %: above 20 unrounded, so moderate.
    assert odi.score([2, 1, 1, 1, 1, 1, 1, 1, None, None]).band == "moderate"
    assert odi.score([2, 1, 1, 1, 1, 1, 1, 1, 1, None]).band == "moderate"
