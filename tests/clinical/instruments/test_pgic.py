"""PGIC: one 1-7 rating, its label is the band."""

from __future__ import annotations

import pytest

from acuback.clinical.instruments import pgic

LABELS = [
    "very much improved",
    "much improved",
    "minimally improved",
    "no change",
    "minimally worse",
    "much worse",
    "very much worse",
]


@pytest.mark.parametrize(("rating", "label"), list(enumerate(LABELS, start=1)))
def test_it_labels_every_rating(rating: int, label: str) -> None:
    result = pgic.score([rating])
    assert (result.total, result.band) == (rating, label)


def test_it_gives_no_total_when_the_rating_is_skipped() -> None:
    assert pgic.score([None]).total is None
