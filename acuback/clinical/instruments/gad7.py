"""Generalized Anxiety Disorder scale, 7 items (GAD-7)."""

from __future__ import annotations

from collections.abc import Sequence

from acuback.clinical.instruments.definition import (
    Answer,
    Band,
    Definition,
    Item,
    MinimalImportantChange,
    Result,
    summed_score,
)
from acuback.clinical.instruments.phq9 import FREQUENCY, PFIZER, TWO_WEEK_STEM

# Item wording as published (free to reproduce); LOINC item codes from DOMAIN.md 1.7.
_ITEMS = (
    ("nervous", "nervous, anxious, on edge", "Feeling nervous, anxious, or on edge", "69725-0"),
    (
        "uncontrolled_worry",
        "cannot stop worrying",
        "Not being able to stop or control worrying",
        "68509-9",
    ),
    ("worry_too_much", "worrying too much", "Worrying too much about different things", "69733-4"),
    ("trouble_relaxing", "trouble relaxing", "Trouble relaxing", "69734-2"),
    ("restless", "restless", "Being so restless that it is hard to sit still", "69735-9"),
    ("irritable", "easily annoyed or irritable", "Becoming easily annoyed or irritable", "69689-8"),
    (
        "afraid",
        "afraid something awful might happen",
        "Feeling afraid, as if something awful might happen",
        "69736-7",
    ),
)

DEFINITION = Definition(
    id="gad7",
    name="Generalized Anxiety Disorder scale (GAD-7)",
    short_name="GAD-7",
    version="gad7/acuback-1",
    items=tuple(
        Item(key=key, label=label, text=text, options=FREQUENCY, loinc=loinc)
        for key, label, text, loinc in _ITEMS
    ),
    recall_period="past 2 weeks",
    instructions=TWO_WEEK_STEM,
    total_range=(0, 21),
    total_unit="{score}",
    # Spitzer 2006: cut points 5, 10 and 15 for mild, moderate and severe anxiety.
    bands=(
        Band(0, 4, "minimal"),
        Band(5, 9, "mild"),
        Band(10, 14, "moderate"),
        Band(15, 21, "severe"),
    ),
    # DOMAIN.md: report the change only; the often-quoted 4 points is unconfirmed.
    mic=MinimalImportantChange(
        points=None, percent=None, source="report change only (Bauer-Staeb et al. 2021)"
    ),
    copyright=PFIZER,
    source="Spitzer RL, Kroenke K, Williams JBW, Loewe B. Arch Intern Med 2006;166:1092-1097",
    loinc_panel="69737-5",
    loinc_total="70274-6",
)


def score(answers: Sequence[Answer]) -> Result:
    return summed_score(DEFINITION, answers)
