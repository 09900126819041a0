"""Classical categories: the standard tables, checked against TARA's special-point table."""

from __future__ import annotations

import pytest

from acuback.clinical.acupoints import CATEGORIES, MERIDIANS, Catalogue
from tests.clinical.acupoints.conftest import Tara

# TARA label -> our category.
TARA_LABELS = {
    "Jing-Well Point": "jing_well",
    "Ying-Spring Point": "ying_spring",
    "Shu-Stream Point": "shu_stream",
    "Jing-River Point": "jing_river",
    "He-Sea Point": "he_sea",
    "Yuan-Primary Point": "yuan_source",
    "Luo-Connecting Point": "luo_connecting",
    "Confluent Point": "confluent",
}
TARA_PREFIXES = {
    "Xi-Cleft Point": "xi_cleft",
    "Back-Shu Point": "back_shu",
    "Front-Mu Point": "front_mu",
    "Influential Point": "influential",
    "Major Luo-Connecting": "luo_connecting",
    "Lower He-Sea": "lower_he_sea",
    "The Lower He-Sea": "lower_he_sea",
}

FIVE_SHU = ("jing_well", "ying_spring", "shu_stream", "jing_river", "he_sea")
TWELVE = [m for m in MERIDIANS if m not in ("GV", "CV")]


def _category(label: str) -> str:
    if label in TARA_LABELS:
        return TARA_LABELS[label]
    return next(cat for prefix, cat in TARA_PREFIXES.items() if label.startswith(prefix))


def test_it_agrees_with_every_tara_special_point(cat: Catalogue, tara: Tara) -> None:
    """Independent oracle: every category TARA gives a point, we give it too."""
    missing = {}
    for code, labels in tara.special.items():
        wanted = {_category(label) for label in labels}
        lacking = wanted - cat.require(code).categories
        if lacking:
            missing[code] = sorted(lacking)
    assert missing == {}


@pytest.mark.parametrize("category", FIVE_SHU)
def test_it_gives_each_of_the_twelve_channels_one_of_each_five_shu(
    cat: Catalogue, category: str
) -> None:
    for meridian in TWELVE:
        holders = [p.code for p in cat.by_meridian(meridian) if category in p.categories]
        assert len(holders) == 1, (meridian, category, holders)


def test_it_has_twelve_organ_back_shu_and_front_mu_points(cat: Catalogue) -> None:
    back_shu = [p.code for p in cat.all() if "back_shu" in p.categories]
    front_mu = [p.code for p in cat.all() if "front_mu" in p.categories]
    assert len(back_shu) == 12 and all(code.startswith("BL") for code in back_shu)
    assert len(front_mu) == 12
    assert "BL23" in back_shu and "GB25" in front_mu  # the kidney's pair


def test_it_has_the_eight_confluent_and_eight_influential_points(cat: Catalogue) -> None:
    confluent = {p.code for p in cat.all() if "confluent" in p.categories}
    influential = {p.code for p in cat.all() if "influential" in p.categories}
    assert confluent == {"SP4", "PC6", "SI3", "BL62", "GB41", "TE5", "LU7", "KI6"}
    assert influential == {"LR13", "CV12", "CV17", "BL17", "GB34", "LU9", "BL11", "GB39"}


def test_it_has_the_six_lower_he_sea_points(cat: Catalogue) -> None:
    lower = {p.code for p in cat.all() if "lower_he_sea" in p.categories}
    assert lower == {"ST36", "ST37", "ST39", "GB34", "BL40", "BL39"}


def test_it_uses_only_known_categories(cat: Catalogue) -> None:
    for point in cat.all():
        assert point.categories <= set(CATEGORIES), point.code
