"""Needle accounting: a mismatch blocks signing until a reason is given; some reasons mean a
needle may still be in the patient."""

from __future__ import annotations

import pytest

from acuback.clinical.needles import REASONS, MismatchReason, needle_check


def test_it_lets_a_balanced_count_be_signed() -> None:
    check = needle_check(8, 8)
    assert check.balanced and check.problem is None and not check.may_be_retained


def test_it_refuses_a_mismatch_without_a_reason() -> None:
    check = needle_check(8, 7)
    assert check.problem is not None and "8 needles went in and 7 came out" in check.problem


def test_it_refuses_an_unknown_reason_as_no_reason() -> None:
    assert needle_check(8, 7, "lost-in-space").problem is not None


@pytest.mark.parametrize("reason", ["needle_shock", "broken", "not_found"])
def test_it_flags_a_possibly_retained_needle(reason: str) -> None:
    check = needle_check(8, 7, reason)
    assert check.problem is None and check.may_be_retained


def test_it_accepts_a_needle_found_outside_as_not_retained() -> None:
    check = needle_check(8, 7, "found_outside")
    assert check.problem is None and not check.may_be_retained


def test_it_needs_a_note_for_another_reason_and_counts_it_as_possibly_retained() -> None:
    assert needle_check(8, 7, "other").problem is not None
    check = needle_check(8, 7, "other", "patient pulled a needle out and left")
    assert check.problem is None and check.may_be_retained


def test_it_explains_more_out_than_in_only_by_a_miscounted_insertion() -> None:
    assert needle_check(6, 7, "found_outside").problem is not None
    assert needle_check(6, 7, "insertion_miscounted", "counted one pair once").problem is None
    assert needle_check(7, 6, "insertion_miscounted", "x").problem is not None


def test_it_never_reports_negative_needles_still_in() -> None:
    assert needle_check(3, 5).still_in == 0 and needle_check(5, 3).still_in == 2


def test_it_refuses_negative_counts() -> None:
    assert needle_check(-1, 0).problem is not None


def test_it_has_a_rule_for_every_reason() -> None:
    assert set(REASONS) == set(MismatchReason)
