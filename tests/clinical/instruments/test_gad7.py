"""GAD-7: sum 0-21; 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe."""

from __future__ import annotations

import pytest

from acuback.clinical.instruments import gad7
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
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_it_bands_every_boundary(total: int, band: str) -> None:
    result = gad7.score(fill(total, [3] * 7))
    assert (result.total, result.band) == (total, band)


def test_it_gives_no_total_when_an_item_is_skipped() -> None:
    assert gad7.score([3, 3, 3, None, 3, 3, 3]).total is None
