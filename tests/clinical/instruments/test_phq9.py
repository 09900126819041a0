"""PHQ-9: sum 0-27, Kroenke bands, and the item 9 safety flag."""

from __future__ import annotations

import pytest

from acuback.clinical.instruments import phq9
from tests.clinical.instruments.support import fill


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_it_bands_every_boundary(total: int, band: str) -> None:
    result = phq9.score(fill(total, [3] * 9))
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(("item9", "flag"), [(0, False), (1, True), (2, True), (3, True)])
def test_it_flags_any_answer_above_zero_to_item9(item9: int, flag: bool) -> None:
    assert phq9.score([0] * 8 + [item9]).item9_positive is flag


def test_it_flags_item9_even_with_a_minimal_total() -> None:
    result = phq9.score([0] * 8 + [1])
    assert (result.band, result.item9_positive) == ("minimal", True)


def test_it_still_flags_item9_when_another_item_is_skipped() -> None:
    result = phq9.score([None, 0, 0, 0, 0, 0, 0, 0, 2])
    assert (result.total, result.item9_positive) == (None, True)


def test_it_leaves_the_flag_unknown_when_item9_is_skipped() -> None:
    result = phq9.score([0] * 8 + [None])
    assert (result.total, result.item9_positive) == (None, None)
    assert "item 9 (self_harm)" in (result.reason or "")
