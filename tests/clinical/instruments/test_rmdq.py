"""RMDQ-24: count of statements that apply; no bands; none may be skipped."""

from __future__ import annotations

from acuback.clinical.instruments import rmdq


def test_it_scores_the_best_response_zero() -> None:
    assert rmdq.score([0] * 24).total == 0


def test_it_scores_the_worst_response_twenty_four() -> None:
    assert rmdq.score([1] * 24).total == 24


def test_it_counts_the_statements_that_apply() -> None:
    assert rmdq.score([1, 0] * 12).total == 12


def test_it_has_no_bands() -> None:
    assert rmdq.score([1] * 24).band is None


def test_it_gives_no_total_when_a_statement_is_skipped() -> None:
    result = rmdq.score([1] * 23 + [None])
    assert result.total is None
    assert "item 24 (stay_in_bed)" in (result.reason or "")
