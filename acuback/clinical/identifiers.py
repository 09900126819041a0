"""Identifier checks: the National Provider Identifier (NPI)."""

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
