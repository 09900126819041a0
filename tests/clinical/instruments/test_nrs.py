"""Pain NRS: the answer is the total; bands 0 none, 1-3 mild, 4-6 moderate, 7-10 severe."""

from __future__ import annotations

import pytest

from acuback.clinical.instruments import nrs


@pytest.mark.parametrize(
    ("answer", "band"),
    [
        (0, "none"),
        (1, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (6, "moderate"),
        (7, "severe"),
        (10, "severe"),
    ],
)
def test_it_bands_every_boundary(answer: int, band: str) -> None:
    result = nrs.score([answer])
    assert (result.total, result.band) == (answer, band)


def test_it_gives_no_total_when_the_item_is_skipped() -> None:
    result = nrs.score([None])
    assert (result.total, result.band) == (None, None)
    assert "item 1 (pain)" in (result.reason or "")
