"""PEG: three 0-10 items from the Brief Pain Inventory (Pain, Enjoyment, General activity)."""

from __future__ import annotations

from collections.abc import Sequence

from acuback.clinical.instruments.definition import (
    Answer,
    Copyright,
    Definition,
    Item,
    MinimalImportantChange,
    Result,
    check_answers,
    complete,
    scale,
    skipped_reason,
)

_INTERFERES = {"low_label": "does not interfere", "high_label": "completely interferes"}

DEFINITION = Definition(
    id="peg",
    name="PEG three-item pain scale",
    short_name="PEG",
    version="peg-3/acuback-1",
    # Item wording as published by Krebs et al. 2009 (free to reproduce).
    items=(
        Item(
            key="pain",
            label="average pain",
            text="What number best describes your pain on average in the past week?",
            options=scale(0, 10, low_label="no pain", high_label="pain as bad as you can imagine"),
            loinc="75893-8",
        ),
        Item(
            key="enjoyment",
            label="interference with enjoyment of life",
            text=(
                "What number best describes how, during the past week, pain has interfered "
                "with your enjoyment of life?"
            ),
            options=scale(0, 10, **_INTERFERES),
            loinc="91145-3",
        ),
        Item(
            key="activity",
            label="interference with general activity",
            text=(
                "What number best describes how, during the past week, pain has interfered "
                "with your general activity?"
            ),
            options=scale(0, 10, **_INTERFERES),
            loinc="91146-1",
        ),
    ),
    recall_period="past week",
    instructions="For each question, pick the one number from 0 to 10 that fits best.",
    total_range=(0, 10),
    total_unit="{score}",
    # Krebs 2009 validated no bands; the 0-3.9/4-6.9/7-10 bands seen online are not theirs.
    bands=(),
    # Reed et al. 2024: anchor-based MID about 1 point (1.0-1.75).
    mic=MinimalImportantChange(
        points=1, percent=None, source="Reed et al., J Pain 2024;25(1):142-152"
    ),
    copyright=Copyright(
        holder="Krebs EE et al. (from the Brief Pain Inventory)",
        terms="Treated as free to reproduce by LOINC-based implementations; no formal statement "
        "from the authors found.",
        url=None,
        wording_free=True,
    ),
    source="Krebs EE et al., J Gen Intern Med 2009;24(6):733-738",
    loinc_panel="91148-7",
    loinc_total="91147-9",
)


def score(answers: Sequence[Answer]) -> Result:
    check_answers(DEFINITION, answers)
    reason = skipped_reason(DEFINITION, answers)
    if reason is not None:
        return Result("peg", None, None, reason)
    # Krebs 2009: the PEG score is the mean of the three items, reported unrounded here.
    return Result("peg", sum(complete(answers)) / 3, None)
