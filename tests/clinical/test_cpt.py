"""CPT acupuncture units: the midpoint time rule at every boundary, e-stim increments, one
initial code a day, add-on units only with new insertions."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acuback.clinical.cpt import CptInputError, cpt_table, cpt_units, timed_units


def lines(**kwargs: int | bool) -> dict[str, int]:
    kwargs.setdefault("insertions", 5)
    return {line.code: line.units for line in cpt_units(**kwargs).lines}  # type: ignore[arg-type]


# The American Acupuncture Council's table: 8-22 = 1, 23-37 = 2, 38-52 = 3, 53-67 = 4.
@pytest.mark.parametrize(("minutes", "units"), [
    (0, 0), (1, 0), (7, 0), (8, 1), (15, 1), (22, 1), (23, 2), (30, 2), (37, 2), (38, 3),
    (52, 3), (53, 4), (67, 4), (68, 5),
])
def test_it_counts_units_by_the_midpoint_rule(minutes: int, units: int) -> None:
    assert timed_units(minutes) == units


@pytest.mark.parametrize(("minutes", "expected"), [
    (7, {}), (8, {"97810": 1}), (22, {"97810": 1}), (23, {"97810": 1, "97811": 1}),
    (37, {"97810": 1, "97811": 1}), (38, {"97810": 1, "97811": 2}),
])
def test_it_bills_manual_acupuncture_at_each_boundary(minutes: int, expected: dict) -> None:
    assert lines(minutes_without_estim=minutes, minutes_with_estim=0) == expected


@pytest.mark.parametrize(("minutes", "expected"), [
    (7, {}), (8, {"97813": 1}), (22, {"97813": 1}), (23, {"97813": 1, "97814": 1}),
    (38, {"97813": 1, "97814": 2}),
])
def test_it_bills_estim_acupuncture_at_each_boundary(minutes: int, expected: dict) -> None:
    assert lines(minutes_without_estim=0, minutes_with_estim=minutes) == expected


def test_it_makes_a_shared_increment_with_any_estim_an_estim_one() -> None:
    # 14 + 1 minutes: one unit, and e-stim touched it.
    assert lines(minutes_without_estim=14, minutes_with_estim=1) == {"97813": 1}


def test_it_splits_two_full_blocks_one_of_each_kind() -> None:
    assert lines(minutes_without_estim=15, minutes_with_estim=15) == {"97813": 1, "97811": 1}


def test_it_gives_each_leftover_of_eight_minutes_or_more_its_own_unit() -> None:
    # 14 + 14 = 28 minutes: two units, each partial increment is past its midpoint.
    assert lines(minutes_without_estim=14, minutes_with_estim=14) == {"97813": 1, "97811": 1}


def test_it_gives_a_single_leftover_without_estim_the_manual_code() -> None:
    # 15 e-stim + 10 manual = 25 minutes: two units, the leftover holds no e-stim.
    assert lines(minutes_without_estim=10, minutes_with_estim=15) == {"97813": 1, "97811": 1}


def test_it_takes_the_initial_code_with_estim_when_any_estim_was_used() -> None:
    assert lines(minutes_without_estim=30, minutes_with_estim=15) == {"97813": 1, "97811": 2}


def test_it_bills_no_more_than_one_initial_code() -> None:
    result = cpt_units(minutes_without_estim=60, minutes_with_estim=60, insertions=10)
    initials = [line for line in result.lines if line.code in ("97810", "97813")]
    assert [line.units for line in initials] == [1]


def test_it_bills_only_add_ons_when_the_initial_was_billed_today() -> None:
    assert lines(minutes_without_estim=20, minutes_with_estim=0,
                 initial_billed_today=True) == {"97811": 1}


def test_it_bills_no_add_on_without_a_new_insertion() -> None:
    # Acupuncture Today (Nov 2012): 30 minutes with one set of needles is 97810 alone.
    result = cpt_units(minutes_without_estim=30, minutes_with_estim=0, insertions=1)
    assert {line.code: line.units for line in result.lines} == {"97810": 1}
    assert any("new needles" in note for note in result.notes)


def test_it_keeps_estim_add_ons_first_when_insertions_run_out() -> None:
    result = cpt_units(minutes_without_estim=15, minutes_with_estim=30, insertions=2)
    assert {line.code: line.units for line in result.lines} == {"97813": 1, "97814": 1}


def test_it_bills_nothing_when_no_needle_went_in() -> None:
    result = cpt_units(minutes_without_estim=30, minutes_with_estim=0, insertions=0)
    assert result.lines == () and "No needles" in result.notes[0]


def test_it_says_why_seven_minutes_bill_nothing() -> None:
    result = cpt_units(minutes_without_estim=7, minutes_with_estim=0, insertions=1)
    assert result.total_units == 0 and "under 8 minutes" in result.notes[0]


def test_it_puts_the_initial_code_first() -> None:
    result = cpt_units(minutes_without_estim=20, minutes_with_estim=20, insertions=3)
    assert result.lines[0].code == "97813"


def test_it_stores_the_rule_version() -> None:
    result = cpt_units(minutes_without_estim=20, minutes_with_estim=0, insertions=1)
    assert result.rule_version == cpt_table().version == result.to_dict()["rule_version"]


@pytest.mark.parametrize("kwargs", [
    {"minutes_without_estim": -1, "minutes_with_estim": 0, "insertions": 1},
    {"minutes_without_estim": 0, "minutes_with_estim": 481, "insertions": 1},
    {"minutes_without_estim": 10, "minutes_with_estim": 0, "insertions": -1},
    {"minutes_without_estim": True, "minutes_with_estim": 0, "insertions": 1},
    {"minutes_without_estim": 10.5, "minutes_with_estim": 0, "insertions": 1},
])
def test_it_refuses_minutes_that_cannot_be(kwargs: dict) -> None:
    with pytest.raises(CptInputError):
        cpt_units(**kwargs)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 200), st.integers(0, 200), st.integers(1, 20))
def test_it_never_bills_more_units_than_the_time_allows(plain: int, estim: int,
                                                         insertions: int) -> None:
    result = cpt_units(minutes_without_estim=plain, minutes_with_estim=estim,
                       insertions=insertions)
    assert result.total_units <= timed_units(plain + estim)
    assert result.total_units <= insertions
    assert (estim == 0) <= all(not cpt_table().codes[line.code].estim for line in result.lines)


def test_it_describes_the_codes_in_its_own_words() -> None:
    raw = json.loads(resources.files("acuback.clinical.codes")
                     .joinpath("cpt_acupuncture.json").read_text())
    assert [c["code"] for c in raw["codes"]] == ["97810", "97811", "97813", "97814"]
    for code in cpt_table().codes.values():
        # The AMA descriptor begins "Acupuncture, 1 or more needles": ours must not.
        assert "1 or more needles" not in code.short and "one or more needles" not in code.short
