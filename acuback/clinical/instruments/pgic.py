"""Patient Global Impression of Change (PGIC), 7-point version."""

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
    choices,
    summed_score,
)

LABELS = (
    "very much improved",
    "much improved",
    "minimally improved",
    "no change",
    "minimally worse",
    "much worse",
    "very much worse",
)

DEFINITION = Definition(
    id="pgic",
    name="Patient Global Impression of Change (7-point)",
    short_name="PGIC",
    version="pgic-7/acuback-1",
    items=(
        Item(
            key="change",
            label="overall change since treatment began",
            # Our wording: PGIC versions differ in their question; the 7 answers are Guy's.
            text=(
                "Since you started treatment, how would you describe the change, if any, in "
                "your back pain and how it affects your life?"
            ),
            options=choices(LABELS, start=1),
        ),
    ),
    recall_period="since the start of treatment",
    instructions="Choose the one answer that fits best.",
    total_range=(1, 7),
    total_unit="{score}",
    # One band per answer: the rating is its own interpretation.
    bands=tuple(Band(code, code, label) for code, label in enumerate(LABELS, start=1)),
    # IMMPACT (Dworkin 2008): "much improved" or "very much improved" counts as improved.
    # "Much worse" or "very much worse" counts as worse: the mirror of that rule, our choice.
    mic=MinimalImportantChange(
        points=None,
        percent=None,
        source="Dworkin et al., J Pain 2008;9:105-121 (IMMPACT)",
        improved_codes=(1, 2),
        worse_codes=(6, 7),
    ),
    copyright=Copyright(
        holder="public domain (adapted from Guy's Clinical Global Impression, 1976)",
        terms="Free to use and reproduce.",
        url=None,
        wording_free=True,
    ),
    source="Guy W. ECDEU Assessment Manual for Psychopharmacology, 1976 (CGI-I); "
    "Dworkin et al., J Pain 2008;9:105-121",
    # No LOINC code found for the PGIC (DOMAIN.md 1.12): the score uses our local code.
)


def score(answers: Sequence[Answer]) -> Result:
    return summed_score(DEFINITION, answers)
