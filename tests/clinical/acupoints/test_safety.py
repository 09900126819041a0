"""Safety tags: every list DOMAIN.md names is applied, and the tags agree with the needling data."""

from __future__ import annotations

import re

import pytest

from acuback.clinical.acupoints import TAGS, Catalogue

# DOMAIN.md 4.2 and Part 1: AACP 2012; traditional lists; the iaomai app's flags.
AACP_2012 = ["LI4", "SP6", "BL60", "BL67", "BL31", "BL32", "BL33", "BL34"]
TRADITIONAL = ["GB21", "CV4", "ST25"]
APP_DATA = ["LI4", "SP6", "GB21", "BL67", "ST12", "ST17", "CV1"] + [f"CV{n}" for n in range(3, 15)]

# DOMAIN.md 4.2: points over the thorax generally taught as pneumothorax zones.
PNEUMOTHORAX_MINIMUM = (
    ["GB21", "LU1", "LU2", "LR14", "PC1", "EX-B1", "EX-B2"]
    + [f"ST{n}" for n in (12, 13, 14, 15, 16, 18)]
    + [f"KI{n}" for n in range(22, 28)]
    + [f"SP{n}" for n in range(17, 22)]
    + [f"BL{n}" for n in range(11, 22)]
    + [f"BL{n}" for n in range(41, 51)]
    + [f"GB{n}" for n in range(22, 25)]
)

DEPTH = re.compile(r"^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))? cun$")


def codes(points: tuple) -> set[str]:
    return {p.code for p in points}


@pytest.mark.parametrize("code", sorted(set(AACP_2012 + TRADITIONAL + APP_DATA)))
def test_it_tags_every_pregnancy_point_domain_names(cat: Catalogue, code: str) -> None:
    assert "pregnancy_avoid" in cat.require(code).tags


def test_it_records_which_source_lists_each_pregnancy_point(cat: Catalogue) -> None:
    for code in AACP_2012:
        assert "AACP 2012" in cat.require(code).pregnancy_sources, code
    for code in TRADITIONAL:
        assert "traditional" in cat.require(code).pregnancy_sources, code
    for code in APP_DATA:
        assert "iaomai app data" in cat.require(code).pregnancy_sources, code
    assert cat.require("LI4").pregnancy_sources == ("AACP 2012", "traditional", "iaomai app data")
    for point in cat.all():
        assert ("pregnancy_avoid" in point.tags) == bool(point.pregnancy_sources), point.code


def test_it_takes_no_pregnancy_point_from_outside_the_sources(cat: Catalogue) -> None:
    assert codes(cat.with_tag("pregnancy_avoid")) == set(AACP_2012 + TRADITIONAL + APP_DATA)


@pytest.mark.parametrize("code", PNEUMOTHORAX_MINIMUM)
def test_it_tags_the_thoracic_points_as_pneumothorax_risks(cat: Catalogue, code: str) -> None:
    assert "pneumothorax_risk" in cat.require(code).tags


def test_it_caps_pneumothorax_points_below_the_gb21_pleura_depth(cat: Catalogue) -> None:
    # Chen 2018: skin to pleura at GB21 averaged 14.6 mm in women; the cap stays well under it.
    for point in cat.with_tag("pneumothorax_risk"):
        assert point.max_depth_mm is not None and point.max_depth_mm <= 10, point.code
        assert point.angle in ("oblique", "transverse"), point.code
        match = DEPTH.match(point.depth)
        assert match and float(match.group(2) or match.group(1)) <= 0.5, point.code
    assert cat.require("GB21").max_depth_mm == 10


def test_it_sets_a_depth_cap_only_on_pneumothorax_points(cat: Catalogue) -> None:
    for point in cat.all():
        assert (point.max_depth_mm is not None) == ("pneumothorax_risk" in point.tags), point.code


def test_it_keeps_deep_lumbar_points_free_of_the_chest_cap(cat: Catalogue) -> None:
    for code in ("BL22", "BL23", "BL25", "BL52", "GV3", "GV4", "EX-B7", "EX-B8"):
        assert "pneumothorax_risk" not in cat.require(code).tags, code


def test_it_marks_cv17_over_the_sternum_as_no_deep_needling(cat: Catalogue) -> None:
    cv17 = cat.require("CV17")
    assert "no_deep_needling" in cv17.tags
    assert cv17.angle == "transverse"


@pytest.mark.parametrize(
    "code", ["ST9", "LU9", "HT1", "PC3", "LR12", "BL40", "ST42", "SP11", "ST30", "GB30"]
)
def test_it_tags_points_over_major_vessels_and_nerves(cat: Catalogue, code: str) -> None:
    assert "major_vessel_nerve" in cat.require(code).tags


def test_it_forbids_electro_stimulation_on_every_chest_point(cat: Catalogue) -> None:
    chest = {p.code for p in cat.all() if p.region == "chest"}
    assert codes(cat.with_tag("no_estim_chest")) == chest
    assert {"LU1", "CV17", "KI25", "SP21", "LR14"} <= chest
    assert "BL23" not in chest


def test_it_marks_points_that_are_never_needled(cat: Catalogue) -> None:
    for point in cat.with_tag("no_needling"):
        assert (point.depth, point.angle) == ("not needled", "none"), point.code
    assert {"ST17", "CV8"} <= codes(cat.with_tag("no_needling"))


def test_it_writes_depths_in_cun_and_angles_from_the_vocabulary(cat: Catalogue) -> None:
    for point in cat.all():
        if "no_needling" in point.tags:
            continue
        assert DEPTH.match(point.depth), (point.code, point.depth)
        assert point.angle in ("perpendicular", "oblique", "transverse"), point.code


def test_it_uses_only_known_tags(cat: Catalogue) -> None:
    for point in cat.all():
        assert point.tags <= set(TAGS), point.code


def test_every_tag_is_in_use(cat: Catalogue) -> None:
    for tag in TAGS:
        assert cat.with_tag(tag), tag
