"""Identifier checks: the National Provider Identifier (NPI) and the Medicare Beneficiary
Identifier (MBI)."""

from __future__ import annotations

import re

_NPI = re.compile(r"[0-9]{10}")  # ASCII digits only: str.isdigit() accepts "²" and fullwidth


def npi_is_valid(npi: str) -> bool:
    """True for a 10-digit NPI whose last digit is its Luhn check digit.

    CMS, "Requirements for the NPI check digit": the Luhn formula is applied to the nine
    digits prefixed with the card issuer code 80840, which adds a constant 24 to the sum.
    """
    if not _NPI.fullmatch(npi):
        return False
    total = 24
    for index, char in enumerate(reversed(npi[:9])):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10 == int(npi[9])


# CMS, "Understanding the Medicare Beneficiary Identifier (MBI) format": 11 characters; position
# 1 a digit 1-9; 2, 5, 8 and 9 letters; 4, 7, 10 and 11 digits 0-9; 3 and 6 a letter or digit.
# Letters are A-Z without S, L, O, I, B and Z. Dashes are printed on the card, never stored.
_LETTER = "[AC-HJKMNP-RT-Y]"
_MBI = re.compile(f"[1-9]{_LETTER}[0-9AC-HJKMNP-RT-Y][0-9]{_LETTER}[0-9AC-HJKMNP-RT-Y][0-9]"
                  f"{_LETTER}{_LETTER}[0-9][0-9]")


def mbi_normalise(mbi: str) -> str:
    """'1eg4-te5-mk73' -> '1EG4TE5MK73' (dashes and spaces dropped, upper case)."""
    return re.sub(r"[\s-]", "", mbi).upper()


def mbi_is_valid(mbi: str) -> bool:
    """True for an MBI in CMS's format (after `mbi_normalise`); ASCII only."""
    return mbi.isascii() and _MBI.fullmatch(mbi_normalise(mbi)) is not None
