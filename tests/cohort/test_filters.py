"""Cohort filters from text: the same parsing and the same refusals everywhere."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.cohort.filters import CohortFilter, parse_filter
from acuback.errors import InputError

pytestmark = pytest.mark.nodb


def test_it_reads_every_filter() -> None:
    f = parse_filter({"opened_from": "2026-01-01", "opened_to": "2026-06-30",
                      "practitioner": "7", "protocol": "electro", "startback": "high",
                      "chronicity": "chronic"})
    assert f == CohortFilter(dt.date(2026, 1, 1), dt.date(2026, 6, 30), 7, "electro", "high",
                             "chronic")
    assert f.as_dict()["opened_from"] == "2026-01-01"


def test_it_reads_empty_values_as_any() -> None:
    assert parse_filter({"protocol": "", "startback": "  "}) == CohortFilter()


def test_it_names_every_bad_field() -> None:
    with pytest.raises(InputError) as raised:
        parse_filter({"opened_from": "yesterday", "practitioner": "Dr Lin",
                      "protocol": "laser", "startback": "severe", "chronicity": "old"})
    assert set(raised.value.errors) == {"opened_from", "practitioner", "protocol", "startback",
                                        "chronicity"}


def test_it_refuses_an_end_before_the_start() -> None:
    with pytest.raises(InputError, match="before the start"):
        parse_filter({"opened_from": "2026-06-01", "opened_to": "2026-01-01"})
