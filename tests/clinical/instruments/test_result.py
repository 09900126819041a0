"""The result's JSON shape: minimal and stable per instrument."""

from __future__ import annotations

import pytest

from acuback.clinical import instruments
from tests.clinical.instruments.support import EXTRA_KEYS, ITEM_RANGES, highest

IDS = sorted(ITEM_RANGES)
BASE = {"instrument", "total", "band"}


@pytest.mark.parametrize("instrument", IDS)
def test_it_reports_only_the_base_keys_and_its_own_extras(instrument: str) -> None:
    shape = instruments.score(instrument, highest(instrument)).as_dict()
    assert set(shape) == BASE | EXTRA_KEYS.get(instrument, set())


@pytest.mark.parametrize("instrument", IDS)
def test_it_adds_a_reason_only_when_there_is_no_total(instrument: str) -> None:
    shape = instruments.score(instrument, [None] * len(ITEM_RANGES[instrument])).as_dict()
    assert set(shape) == BASE | EXTRA_KEYS.get(instrument, set()) | {"reason"}
    assert shape["total"] is None


@pytest.mark.parametrize(
    "instrument", ["nrs", "rmdq", "startback", "phq9", "gad7", "phq4", "isi", "pss10", "pgic"]
)
def test_it_keeps_summed_totals_as_integers(instrument: str) -> None:
    assert type(instruments.score(instrument, highest(instrument)).total) is int


@pytest.mark.parametrize("instrument", ["odi", "peg"])
def test_it_keeps_averaged_totals_as_floats(instrument: str) -> None:
    assert type(instruments.score(instrument, highest(instrument)).total) is float


def test_it_names_the_instrument_in_the_result() -> None:
    assert instruments.score("gad7", [0] * 7).instrument == "gad7"
