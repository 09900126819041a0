"""Body regions, shared by the acupoint catalogue, skin-lesion history and prescribing."""

from __future__ import annotations

BODY_REGIONS: tuple[str, ...] = (
    "head", "face", "neck", "chest", "abdomen", "upper_back", "lower_back", "sacrum", "buttock",
    "perineum", "shoulder", "upper_arm", "elbow", "forearm", "wrist", "hand", "thigh", "knee",
    "lower_leg", "ankle", "foot",
)
