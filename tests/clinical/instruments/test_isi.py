"""ISI: sum 0-28; bands 0-7, 8-14, 15-21, 22-28 (Bastien 2001)."""

from __future__ import annotations

import pytest

from acuback.clinical.instruments import isi
from tests.clinical.instruments.support import fill


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "no clinically significant insomnia"),
        (7, "no clinically significant insomnia"),
        (8, "subthreshold"),
        (14, "subthreshold"),
        (15, "moderate"),
        (21, "moderate"),
        (22, "severe"),
        (28, "severe"),
    ],
)
def test_it_bands_every_boundary(total: int, band: str) -> None:
    result = isi.score(fill(total, [4] * 7))
    assert (result.total, result.band) == (total, band)


def test_it_gives_no_total_when_an_item_is_skipped() -> None:
    assert isi.score([None, 1, 1, 1, 1, 1, 1]).total is None
