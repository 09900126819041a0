"""The catalogue holds exactly the WHO 2008 points, with well-formed codes, in WHO order."""

from __future__ import annotations

import re

from acuback.clinical.acupoints import MERIDIANS, REGIONS, Catalogue

CHANNEL_CODE = re.compile(r"^(LU|LI|ST|SP|HT|SI|BL|KI|PC|TE|GB|LR|GV|CV)([1-9]\d?)$")
EXTRA_CODE = re.compile(r"^EX-(HN|CA|B|UE|LE)\d+$")

# DOMAIN.md, Part 1 "Acupoint catalogue": the extra points a back-pain clinic uses.
REQUIRED_EXTRAS = ["EX-B2", "EX-B7", "EX-B8", "EX-UE7", "EX-HN3", "EX-HN5", "EX-B1"]


def test_it_has_the_who_count_on_every_meridian(cat: Catalogue) -> None:
    counts = {meridian: len(cat.by_meridian(meridian)) for meridian in MERIDIANS}
    assert counts == MERIDIANS
    assert sum(counts.values()) == 361


def test_it_pins_the_who_counts() -> None:
    # WHO 2008 (DOMAIN.md 5.1): LU 11, LI 20, ST 45, SP 21, HT 9, SI 19, BL 67, KI 27, PC 9,
    # TE 23, GB 44, LR 14, GV 28, CV 24.
    assert list(MERIDIANS.items()) == [
        ("LU", 11), ("LI", 20), ("ST", 45), ("SP", 21), ("HT", 9), ("SI", 19), ("BL", 67),
        ("KI", 27), ("PC", 9), ("TE", 23), ("GB", 44), ("LR", 14), ("GV", 28), ("CV", 24),
    ]


def test_it_numbers_each_meridian_from_one_without_gaps(cat: Catalogue) -> None:
    for meridian, count in MERIDIANS.items():
        points = cat.by_meridian(meridian)
        assert [p.number for p in points] == list(range(1, count + 1)), meridian
        assert [p.code for p in points] == [f"{meridian}{n}" for n in range(1, count + 1)]


def test_it_writes_every_code_without_spaces_in_the_standard_form(cat: Catalogue) -> None:
    for point in cat.all():
        if point.meridian == "EX":
            assert EXTRA_CODE.match(point.code), point.code
        else:
            match = CHANNEL_CODE.match(point.code)
            assert match, point.code
            assert (match.group(1), int(match.group(2))) == (point.meridian, point.number)


def test_it_has_unique_codes(cat: Catalogue) -> None:
    codes = [p.code for p in cat.all()]
    assert len(codes) == len(set(codes))


def test_it_numbers_extra_points_within_their_region_group(cat: Catalogue) -> None:
    for point in cat.by_meridian("EX"):
        assert point.code.endswith(str(point.number)), point.code
        assert not point.code.endswith("0" + str(point.number))


def test_it_includes_the_extra_points_a_back_pain_clinic_uses(cat: Catalogue) -> None:
    for code in REQUIRED_EXTRAS:
        assert cat.get(code) is not None, code


def test_it_lists_points_in_who_order_then_extras(cat: Catalogue) -> None:
    points = cat.all()
    meridians = [p.meridian for p in points]
    assert list(dict.fromkeys(meridians)) == [*MERIDIANS, "EX"]
    assert meridians.index("EX") == 361
    groups = [p.code.split("-")[1].rstrip("0123456789") for p in points[361:]]
    order = ["HN", "CA", "B", "UE", "LE"]
    assert groups == sorted(groups, key=order.index)


def test_it_uses_only_the_region_vocabulary(cat: Catalogue) -> None:
    for point in cat.all():
        assert point.region in REGIONS, (point.code, point.region)


def test_it_marks_paired_channel_points_bilateral_and_midline_points_single(
    cat: Catalogue,
) -> None:
    for point in cat.all():
        if point.meridian in ("GV", "CV"):
            assert not point.bilateral, point.code
        elif point.meridian != "EX":
            assert point.bilateral, point.code
    assert not cat.require("EX-B8").bilateral  # below L5, on the midline
    assert not cat.require("EX-HN3").bilateral  # between the eyebrows
    assert cat.require("EX-B2").bilateral  # Jiaji: either side of the spine
