"""Chronicity boundaries: acute under 28 days, subacute 28 to 83, chronic from 84 (12 weeks)."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.clinical.chronicity import Chronicity, chronicity

ONSET = dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, Chronicity.ACUTE),
        (27, Chronicity.ACUTE),
        (28, Chronicity.SUBACUTE),
        (83, Chronicity.SUBACUTE),
        (84, Chronicity.CHRONIC),
        (3650, Chronicity.CHRONIC),
    ],
)
def test_it_classifies_by_days_since_onset(days: int, expected: Chronicity) -> None:
    assert chronicity(ONSET, ONSET + dt.timedelta(days=days)) == expected


def test_it_counts_calendar_days_across_a_leap_day() -> None:
    # 2028-02-01 + 28 days is 2028-02-29: the 28th day, so subacute, not still acute.
    assert chronicity(dt.date(2028, 2, 1), dt.date(2028, 2, 29)) == Chronicity.SUBACUTE


def test_it_refuses_an_onset_after_the_assessment_date() -> None:
    with pytest.raises(ValueError, match="onset is after"):
        chronicity(ONSET + dt.timedelta(days=1), ONSET)


def test_it_uses_plain_string_values_for_storage_and_json() -> None:
    assert [c.value for c in Chronicity] == ["acute", "subacute", "chronic"]
