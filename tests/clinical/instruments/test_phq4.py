"""PHQ-4: sum 0-12 with anxiety (items 1-2) and depression (items 3-4) subscales."""

from __future__ import annotations

import pytest

from acuback.clinical.instruments import phq4
from tests.clinical.instruments.support import fill


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none"),
        (2, "none"),
        (3, "mild"),
        (5, "mild"),
        (6, "moderate"),
        (8, "moderate"),
        (9, "severe"),
        (12, "severe"),
    ],
)
def test_it_bands_every_boundary(total: int, band: str) -> None:
    result = phq4.score(fill(total, [3] * 4))
    assert (result.total, result.band) == (total, band)


def test_it_splits_anxiety_and_depression() -> None:
    result = phq4.score([3, 2, 1, 0])
    assert (result.anxiety, result.depression) == (5, 1)


def test_it_reports_the_anxiety_subscale_when_only_depression_items_are_skipped() -> None:
    result = phq4.score([2, 1, None, 0])
    assert (result.total, result.anxiety, result.depression) == (None, 3, None)


def test_it_reports_the_depression_subscale_when_only_anxiety_items_are_skipped() -> None:
    result = phq4.score([None, 1, 3, 3])
    assert (result.total, result.anxiety, result.depression) == (None, None, 6)
