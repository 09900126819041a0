"""The fixed vocabularies of the acupoint catalogue.

Kept apart from the loader so the authoring script and the tests can share them without
reading the data file.
"""

from __future__ import annotations

# Bump when points.json changes in substance (a point, a tag, a depth); the build script
# writes it into the data header and a test checks the two agree.
CATALOGUE_VERSION = "2026.1"

# WHO Standard Acupuncture Point Locations in the Western Pacific Region (2008): 361 points on
# 14 meridians, in the book's chapter order. Code -> number of points.
MERIDIANS: dict[str, int] = {
    "LU": 11,
    "LI": 20,
    "ST": 45,
    "SP": 21,
    "HT": 9,
    "SI": 19,
    "BL": 67,
    "KI": 27,
    "PC": 9,
    "TE": 23,
    "GB": 44,
    "LR": 14,
    "GV": 28,
    "CV": 24,
}

# Extra points carry the meridian code "EX"; their codes name a body region
# (WHO 1991 nomenclature): head and neck, chest and abdomen, back, upper and lower extremity.
EXTRA = "EX"
EXTRA_GROUPS: tuple[str, ...] = ("HN", "CA", "B", "UE", "LE")

# Where a point lies, coarsely: used for body-map grouping and search, not for location.
REGIONS: tuple[str, ...] = (
    "head",
    "face",
    "neck",
    "chest",
    "abdomen",
    "upper_back",
    "lower_back",
    "sacrum",
    "buttock",
    "perineum",
    "shoulder",
    "upper_arm",
    "elbow",
    "forearm",
    "wrist",
    "hand",
    "thigh",
    "knee",
    "lower_leg",
    "ankle",
    "foot",
)

# Safety tags. What each means, and the source behind each list, is written in the data file's
# header ("tags"); the rules that assign them live in authoring/rules.py.
TAGS: tuple[str, ...] = (
    "pregnancy_avoid",
    "pneumothorax_risk",
    "no_estim_chest",
    "major_vessel_nerve",
    "no_deep_needling",
    "no_needling",
)

# Classical point categories (specific points).
CATEGORIES: tuple[str, ...] = (
    "jing_well",
    "ying_spring",
    "shu_stream",
    "jing_river",
    "he_sea",
    "yuan_source",
    "luo_connecting",
    "xi_cleft",
    "back_shu",
    "front_mu",
    "lower_he_sea",
    "confluent",
    "influential",
)

# Direction of insertion. "transverse" is also called subcutaneous; "none" marks a point that
# is not needled at all (moxibustion or landmark only).
ANGLES: tuple[str, ...] = ("perpendicular", "oblique", "transverse", "none")

# The depth string of a point that is not needled.
NOT_NEEDLED = "not needled"
