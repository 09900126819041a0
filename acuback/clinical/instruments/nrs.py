"""Pain intensity numeric rating scale, 0-10 (one item)."""

from __future__ import annotations

from collections.abc import Sequence

from acuback.clinical.instruments.definition import (
    Answer,
    Band,
    Copyright,
    Definition,
    Item,
    MinimalImportantChange,
    Result,
    scale,
    summed_score,
)

DEFINITION = Definition(
    id="nrs",
    name="Pain intensity numeric rating scale (0-10)",
    short_name="Pain NRS",
    version="nrs-11/acuback-1",
    items=(
        Item(
            key="pain",
            label="average pain, past 24 hours",
            # Our wording: the 0-10 NRS has no single canonical text. Anchors as LOINC 72514-3.
            text=(
                "On a scale from 0 to 10, where 0 is no pain and 10 is the worst pain you can "
                "imagine, how bad has your back pain been on average over the past 24 hours?"
            ),
            options=scale(0, 10, low_label="no pain", high_label="worst pain imaginable"),
            loinc="72514-3",
        ),
    ),
    # Local choice: average over the past 24 hours (the NRS itself fixes no recall period).
    recall_period="past 24 hours",
    instructions="Pick the one number that fits best.",
    total_range=(0, 10),
    total_unit="{score}",
    # DOMAIN.md Part 1 pins these bands: 0 none, 1-3 mild, 4-6 moderate, 7-10 severe.
    bands=(
        Band(0, 0, "none"),
        Band(1, 3, "mild"),
        Band(4, 6, "moderate"),
        Band(7, 10, "severe"),
    ),
    # IMMPACT (Dworkin 2008) and Ostelo 2008 for low back pain: >= 2 points or >= 30 % is a
    # moderately important change; >= 50 % is substantial.
    mic=MinimalImportantChange(
        points=2,
        percent=30,
        substantial_percent=50,
        source=(
            "Dworkin et al., J Pain 2008;9:105-121 (IMMPACT); "
            "Ostelo et al., Spine 2008;33:90-94"
        ),
    ),
    copyright=Copyright(
        holder="public domain (generic 0-10 rating scale)",
        terms="Free to use and reproduce.",
        url=None,
        wording_free=True,
    ),
    source="Dworkin et al., J Pain 2008;9:105-121 (IMMPACT recommendations)",
    loinc_total="72514-3",
)


def score(answers: Sequence[Answer]) -> Result:
    return summed_score(DEFINITION, answers)
