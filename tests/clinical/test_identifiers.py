"""NPI check digit (CMS: Luhn over the nine digits prefixed by 80840)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acuback.clinical.identifiers import mbi_is_valid, mbi_normalise, npi_is_valid

CMS_EXAMPLE = "1234567893"  # the worked example in the CMS check-digit paper


def _with_check_digit(nine: str) -> str:
    """Build a valid NPI independently of the code under test: Luhn over '80840' + nine."""
    digits = [int(c) for c in "80840" + nine]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:  # rightmost payload digit is doubled (the check digit is not here yet)
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return nine + str((10 - total % 10) % 10)


def test_it_accepts_the_cms_example() -> None:
    assert npi_is_valid(CMS_EXAMPLE)


def test_it_agrees_with_the_independent_construction_on_the_cms_example() -> None:
    assert _with_check_digit(CMS_EXAMPLE[:9]) == CMS_EXAMPLE


@pytest.mark.parametrize("digit", [d for d in "0123456789" if d != "3"])
def test_it_refuses_the_cms_example_with_any_other_check_digit(digit: str) -> None:
    assert not npi_is_valid(CMS_EXAMPLE[:9] + digit)


@pytest.mark.parametrize(
    "bad", ["", "123456789", "12345678930", "123456789X", "12345 7893", " 1234567893"],
)
def test_it_refuses_anything_but_ten_digits(bad: str) -> None:
    assert not npi_is_valid(bad)


# str.isdigit() is true for fullwidth and superscript digits: the first would pass as a valid
# NPI, the second would crash int().
def test_it_refuses_fullwidth_digits() -> None:
    assert not npi_is_valid("\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff13")


def test_it_refuses_a_superscript_digit_without_crashing() -> None:
    assert not npi_is_valid("123456789\u00b2")


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_it_accepts_every_number_with_a_correct_check_digit(nine: str) -> None:
    assert npi_is_valid(_with_check_digit(nine))


@given(
    st.text(alphabet="0123456789", min_size=9, max_size=9),
    st.integers(min_value=0, max_value=9),
    st.integers(min_value=1, max_value=9),
)
def test_it_refuses_any_single_digit_change(nine: str, position: int, shift: int) -> None:
    valid = _with_check_digit(nine)
    changed = valid[:position] + str((int(valid[position]) + shift) % 10) + valid[position + 1:]
    assert changed != valid
    assert not npi_is_valid(changed)


# --- the Medicare Beneficiary Identifier --------------------------------------------------------


def test_it_accepts_cms_example_mbi_with_or_without_dashes_in_any_case() -> None:
    assert mbi_is_valid("1EG4-TE5-MK73")
    assert mbi_is_valid("1eg4te5mk73")
    assert mbi_normalise(" 1eg4-te5-mk73 ") == "1EG4TE5MK73"


@pytest.mark.parametrize("bad", [
    "0EG4TE5MK73",  # position 1 is 1-9
    "1SG4TE5MK73",  # S is never used
    "1EG4TE5MZ73",  # Z is never used
    "1EGATE5MK73",  # position 4 is a digit
    "1EG4TE5MK7",  # ten characters
    "1EG4TE5MK733",  # twelve
    "1EG4TE5M173",  # position 9 is a letter
    "1EG4TE5MK7\uff13",  # a fullwidth digit
])
def test_it_refuses_an_mbi_that_breaks_the_format(bad: str) -> None:
    assert not mbi_is_valid(bad)
