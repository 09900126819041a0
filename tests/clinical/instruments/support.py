"""Helpers shared by the instrument tests. Expected values here come from DOMAIN.md, not code."""

from __future__ import annotations

from collections.abc import Sequence

# DOMAIN.md Part 1: (lowest code, highest code) per item, in published order.
ITEM_RANGES: dict[str, list[tuple[int, int]]] = {
    "nrs": [(0, 10)],
    "peg": [(0, 10)] * 3,
    "odi": [(0, 5)] * 10,
    "rmdq": [(0, 1)] * 24,
    "startback": [(0, 1)] * 8 + [(0, 4)],
    "phq9": [(0, 3)] * 9,
    "gad7": [(0, 3)] * 7,
    "phq4": [(0, 3)] * 4,
    "isi": [(0, 4)] * 7,
    "pss10": [(0, 4)] * 10,
    "pgic": [(1, 7)],
    "fatigue4a": [(1, 5)] * 4,
    "stiffness": [(0, 8)],  # codes for none, 15, 30, ... 120 minutes
}

# The extra output keys each instrument reports (the CLI contract).
EXTRA_KEYS: dict[str, set[str]] = {
    "odi": {"answered"},
    "startback": {"psychosocial"},
    "phq4": {"anxiety", "depression"},
    "phq9": {"item9_positive"},
    "fatigue4a": {"raw_score", "standard_error"},
}


def fill(total: int, maxima: Sequence[int]) -> list[int]:
    """Answers (each 0..max) that add up to ``total``, filled from the first item on."""
    answers = []
    left = total
    for high in maxima:
        take = min(high, left)
        answers.append(take)
        left -= take
    assert left == 0, f"{total} is not reachable"
    return answers


def lowest(instrument: str) -> list[int]:
    return [low for low, _ in ITEM_RANGES[instrument]]


def highest(instrument: str) -> list[int]:
    return [high for _, high in ITEM_RANGES[instrument]]


def loinc_check_digit(number: str) -> int:
    """LOINC's mod 10 check digit (as published by Regenstrief), computed independently."""
    digits = [int(d) for d in reversed(number)]
    doubled = "".join(str(d * 2) for d in digits[0::2])
    kept = "".join(str(d) for d in digits[1::2])
    total = sum(int(c) for c in kept + doubled)
    return (10 - total % 10) % 10
