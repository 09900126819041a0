"""Looking points up: get, require, search, suggest, filters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acuback.clinical.acupoints import Catalogue, UnknownPoint, catalogue

CODES = [p.code for p in catalogue().all()]


@pytest.mark.parametrize("typed", ["BL23", "bl23", "Bl23", "bl 23", "BL 23", "Bl-23", " bl23 "])
def test_it_finds_a_code_whatever_the_case_and_spacing(cat: Catalogue, typed: str) -> None:
    point = cat.get(typed)
    assert point is not None and point.code == "BL23"


@pytest.mark.parametrize(
    ("typed", "code"),
    [("Du 4", "GV4"), ("RN 6", "CV6"), ("Ren6", "CV6"), ("UB40", "BL40"), ("LIV3", "LR3"),
     ("SJ5", "TE5"), ("P6", "PC6"), ("ex-b2", "EX-B2"), ("EX B7", "EX-B7"), ("exue7", "EX-UE7")],
)
def test_it_accepts_the_usual_alternative_spellings(cat: Catalogue, typed: str, code: str) -> None:
    point = cat.get(typed)
    assert point is not None and point.code == code


def test_it_returns_none_for_an_unknown_code(cat: Catalogue) -> None:
    assert cat.get("BL68") is None
    assert cat.get("XY1") is None
    assert cat.get("") is None


def test_require_raises_unknown_point_with_suggestions(cat: Catalogue) -> None:
    with pytest.raises(UnknownPoint) as caught:
        cat.require("BL68")
    assert isinstance(caught.value, KeyError)
    assert caught.value.code == "BL68"
    assert caught.value.suggestions == ["BL67", "BL6", "BL8"]
    assert str(caught.value) == "unknown point 'BL68'; did you mean BL67, BL6, BL8?"


def test_suggest_maps_a_pinyin_name_to_its_code(cat: Catalogue) -> None:
    assert cat.suggest("shenshu")[0] == "BL23"
    assert cat.suggest("Shènshū", n=1) == ["BL23"]


def test_suggest_returns_at_most_n(cat: Catalogue) -> None:
    assert len(cat.suggest("GB3", n=5)) == 5
    assert cat.suggest("BL68", n=0) == []


@pytest.mark.parametrize("text", ["shenshu", "Shènshū", "SHEN SHU", "肾俞", "Kidney Shu", "bl23"])
def test_search_finds_a_point_by_code_pinyin_with_or_without_tones_or_characters(
    cat: Catalogue, text: str
) -> None:
    assert cat.search(text)[0].code == "BL23"


def test_search_finds_other_names(cat: Catalogue) -> None:
    assert cat.search("Huatuojiaji")[0].code == "EX-B2"
    assert cat.search("renzhong")[0].code == "GV26"


def test_search_finds_by_region(cat: Catalogue) -> None:
    found = {p.code for p in cat.search("lower back")}
    assert {"BL23", "GV4", "EX-B7"} <= found
    assert all(p.region == "lower_back" for p in cat.search("lower_back"))


def test_search_puts_exact_matches_first(cat: Catalogue) -> None:
    found = [p.code for p in cat.search("BL2")]
    assert found[0] == "BL2"
    assert set(found) >= {"BL20", "BL29"}


def test_search_for_nothing_finds_nothing(cat: Catalogue) -> None:
    assert cat.search("") == ()
    assert cat.search("   ") == ()
    assert cat.search("zzzzqq") == ()


def test_by_meridian_is_case_insensitive_and_knows_extras(cat: Catalogue) -> None:
    assert cat.by_meridian("gv") == cat.by_meridian("GV")
    assert cat.by_meridian("du") == cat.by_meridian("GV")
    assert all(p.meridian == "EX" for p in cat.by_meridian("ex"))


def test_by_meridian_and_with_tag_refuse_unknown_values(cat: Catalogue) -> None:
    with pytest.raises(ValueError, match="use one of LU, LI"):
        cat.by_meridian("XX")
    with pytest.raises(ValueError, match="pregnancy_avoid"):
        cat.with_tag("pregnancy")


def test_to_dict_is_json_ready_with_sorted_lists(cat: Catalogue) -> None:
    data = cat.require("GB21").to_dict()
    assert data["code"] == "GB21"
    assert data["tags"] == sorted(data["tags"])
    assert data["tags"] == ["pneumothorax_risk", "pregnancy_avoid"]
    assert data["categories"] == []
    assert data["max_depth_mm"] == 10.0
    assert isinstance(data["pregnancy_sources"], list)


def test_catalogue_is_loaded_once() -> None:
    assert catalogue() is catalogue()


@given(st.sampled_from(CODES))
def test_get_agrees_on_upper_and_lower_case(code: str) -> None:
    cat = catalogue()
    assert cat.get(code.lower()) == cat.get(code) == cat.get(code.upper())
    assert cat.get(code) is not None


@given(st.sampled_from(CODES), st.sampled_from(["", " ", "-"]))
def test_get_ignores_a_separator_between_letters_and_number(code: str, sep: str) -> None:
    head = code.rstrip("0123456789")
    tail = code[len(head):]
    assert catalogue().get(f"{head.lower()}{sep}{tail}") == catalogue().get(code)


@given(st.text(max_size=12))
def test_get_never_raises_and_require_raises_only_unknown_point(text: str) -> None:
    cat = catalogue()
    point = cat.get(text)
    if point is None:
        with pytest.raises(UnknownPoint):
            cat.require(text)
    else:
        assert cat.require(text) is point
