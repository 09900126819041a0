"""PEG: unrounded mean of three 0-10 items, no bands (Krebs 2009)."""

from __future__ import annotations

import pytest

from acuback.clinical.instruments import peg


def test_it_scores_the_best_response_zero() -> None:
    assert peg.score([0, 0, 0]).total == 0


def test_it_scores_the_worst_response_ten() -> None:
    assert peg.score([10, 10, 10]).total == 10


def test_it_keeps_the_mean_unrounded() -> None:
    assert peg.score([5, 4, 4]).total == pytest.approx(13 / 3, abs=1e-12)


def test_it_has_no_bands() -> None:
    assert peg.score([10, 10, 10]).band is None


def test_it_gives_no_total_when_an_item_is_skipped() -> None:
    result = peg.score([5, None, 4])
    assert result.total is None
    assert "item 2 (enjoyment)" in (result.reason or "")
