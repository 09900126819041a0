"""The acupoint catalogue: the 361 points of the WHO 2008 standard plus the extra points a
back-pain clinic uses, with safety tags and classical categories.

    from acuback.clinical.acupoints import catalogue
    point = catalogue().require("BL23")      # case-insensitive; "bl 23" works too
    catalogue().with_tag("pregnancy_avoid")

The data lives in points.json (generated from authoring/, see authoring/README.md); its header
names the sources behind every list.
"""

from acuback.clinical.acupoints.catalogue import (
    Acupoint,
    Catalogue,
    UnknownPoint,
    canonical_code,
    catalogue,
    fold,
)
from acuback.clinical.acupoints.vocabulary import (
    ANGLES,
    CATALOGUE_VERSION,
    CATEGORIES,
    MERIDIANS,
    REGIONS,
    TAGS,
)

__all__ = [
    "ANGLES",
    "CATALOGUE_VERSION",
    "CATEGORIES",
    "MERIDIANS",
    "REGIONS",
    "TAGS",
    "Acupoint",
    "Catalogue",
    "UnknownPoint",
    "canonical_code",
    "catalogue",
    "fold",
]
