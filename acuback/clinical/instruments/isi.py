"""Insomnia Severity Index (ISI): seven items scored 0-4."""

from __future__ import annotations

from collections.abc import Sequence

from acuback.clinical.instruments.definition import (
    Answer,
    Band,
    Copyright,
    Definition,
    Item,
    MinimalImportantChange,
    Option,
    Result,
    summed_score,
)

# ISI wording is (c) C.M. Morin, licensed through Mapi Research Trust: we ship our own short
# labels and neutral answer labels; a clinic loads its licensed wording.
_LEVELS = tuple(
    Option(n, {0: "0 (least problem)", 4: "4 (greatest problem)"}.get(n, str(n))) for n in range(5)
)

_ITEMS = (
    ("falling_asleep", "difficulty falling asleep"),
    ("staying_asleep", "difficulty staying asleep"),
    ("waking_early", "waking up too early"),
    ("dissatisfaction", "dissatisfaction with current sleep"),
    ("noticeable", "how noticeable the sleep problem is to others"),
    ("worry", "worry or distress about the sleep problem"),
    ("interference", "interference with daytime functioning"),
)

DEFINITION = Definition(
    id="isi",
    name="Insomnia Severity Index",
    short_name="ISI",
    version="isi-7/acuback-1",
    items=tuple(Item(key=key, label=label, options=_LEVELS) for key, label in _ITEMS),
    recall_period="past 2 weeks",
    instructions="Rate each aspect of your sleep over the last 2 weeks from 0 to 4.",
    total_range=(0, 28),
    total_unit="{score}",
    # Bastien, Vallieres & Morin 2001 bands, as pinned in DOMAIN.md Part 1.
    bands=(
        Band(0, 7, "no clinically significant insomnia"),
        Band(8, 14, "subthreshold"),
        Band(15, 21, "moderate"),
        Band(22, 28, "severe"),
    ),
    # Yang 2009: a 6-point reduction is the minimal important difference.
    mic=MinimalImportantChange(
        points=6, percent=None, source="Yang M et al., Curr Med Res Opin 2009;25:2487-2494"
    ),
    copyright=Copyright(
        holder="(c) Charles M. Morin (1993-2006); distributed by Mapi Research Trust (ePROVIDE)",
        terms="Use needs a request to Mapi Research Trust; fees are likely for commercial use.",
        url="https://eprovide.mapi-trust.org/instruments/insomnia-severity-index",
        wording_free=False,
    ),
    source="Bastien CH, Vallieres A, Morin CM. Sleep Med 2001;2:297-307",
    # No LOINC codes found for the ISI (DOMAIN.md 1.9): the score uses our local code.
)


def score(answers: Sequence[Answer]) -> Result:
    return summed_score(DEFINITION, answers)
