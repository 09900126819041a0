"""The shipped ICD-10-CM back-pain code list: valid codes, normalisation, deleted codes."""

from __future__ import annotations

import re

import pytest

from acuback.clinical import icd10

# ICD-10-CM shape: a letter, a digit, a digit or letter, then optionally a dot and 1-4 more.
WELL_FORMED = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


def test_it_accepts_a_current_code() -> None:
    code = icd10.validate("M54.50")
    assert (code.code, code.region, code.nonspecific) == ("M54.50", "lumbar", True)


@pytest.mark.parametrize("typed", ["m5450", " M54.50 ", "m54.50", "M 54 50"])
def test_it_normalises_what_people_type(typed: str) -> None:
    assert icd10.validate(typed).code == "M54.50"


def test_it_refuses_m54_5_naming_its_replacements() -> None:
    with pytest.raises(icd10.Icd10Error) as caught:
        icd10.validate("M54.5")
    message = str(caught.value)
    assert "M54.5 was deleted" in message
    for replacement in ("M54.50", "M54.51", "M54.59"):
        assert replacement in message


def test_it_refuses_m51_36_naming_its_replacements() -> None:
    with pytest.raises(icd10.Icd10Error) as caught:
        icd10.validate("M51.36")
    assert "M51.360" in str(caught.value)
    assert "M51.369" in str(caught.value)


def test_it_refuses_an_unknown_code() -> None:
    with pytest.raises(icd10.Icd10Error, match="is not a back-pain code"):
        icd10.validate("Z99.99")


def test_it_suggests_codes_of_the_same_category_for_a_near_miss() -> None:
    with pytest.raises(icd10.Icd10Error, match=r"Codes in M54: .*M54\.50"):
        icd10.validate("M54.99")


def test_it_refuses_an_empty_code() -> None:
    with pytest.raises(icd10.Icd10Error):
        icd10.validate("")


def test_it_ships_only_well_formed_codes() -> None:
    malformed = [c for c in icd10.code_list().codes if not WELL_FORMED.match(c)]
    assert malformed == []


def test_it_ships_each_code_once() -> None:
    import json
    from importlib import resources

    raw = json.loads(resources.files("acuback.clinical.codes")
                     .joinpath("icd10cm_back_pain.json").read_text(encoding="utf-8"))
    codes = [c["code"] for c in raw["codes"]]
    assert len(codes) == len(set(codes))


def test_it_never_lists_a_deleted_code_as_current() -> None:
    codes = icd10.code_list()
    assert set(codes.codes) & set(codes.deleted) == set()


def test_it_replaces_deleted_codes_only_with_current_ones() -> None:
    codes = icd10.code_list()
    stale = [r for d in codes.deleted.values() for r in d.replaced_by if r not in codes.codes]
    assert stale == []


def test_it_stores_codes_already_normalised() -> None:
    assert [c for c in icd10.code_list().codes if icd10.normalise(c) != c] == []


def test_it_gives_every_code_a_title() -> None:
    assert [c.code for c in icd10.code_list().codes.values() if not c.title.strip()] == []
