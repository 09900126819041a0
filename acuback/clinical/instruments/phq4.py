"""PHQ-4: two anxiety items (GAD-2) and two depression items (PHQ-2)."""

from __future__ import annotations

from collections.abc import Sequence

from acuback.clinical.instruments.definition import (
    Answer,
    Band,
    Definition,
    Item,
    MinimalImportantChange,
    Result,
    band_for,
    check_answers,
    complete,
    skipped_reason,
)
from acuback.clinical.instruments.phq9 import FREQUENCY, PFIZER, TWO_WEEK_STEM

# Item wording as published (free to reproduce). Kroenke 2009: items 1-2 are the GAD-2,
# items 3-4 the PHQ-2. No LOINC item codes for the PHQ-4 are given in DOMAIN.md.
_ITEMS = (
    ("nervous", "nervous, anxious, on edge", "Feeling nervous, anxious or on edge"),
    ("uncontrolled_worry", "cannot stop worrying", "Not being able to stop or control worrying"),
    ("interest", "little interest or pleasure", "Little interest or pleasure in doing things"),
    ("down", "feeling down or hopeless", "Feeling down, depressed, or hopeless"),
)

ANXIETY_ITEMS = (1, 2)
DEPRESSION_ITEMS = (3, 4)

DEFINITION = Definition(
    id="phq4",
    name="Patient Health Questionnaire-4 (PHQ-4)",
    short_name="PHQ-4",
    version="phq4/acuback-1",
    items=tuple(
        Item(key=key, label=label, text=text, options=FREQUENCY) for key, label, text in _ITEMS
    ),
    recall_period="past 2 weeks",
    instructions=TWO_WEEK_STEM,
    total_range=(0, 12),
    total_unit="{score}",
    # Kroenke 2009 psychological distress bands, as pinned in DOMAIN.md Part 1.
    bands=(
        Band(0, 2, "none"),
        Band(3, 5, "mild"),
        Band(6, 8, "moderate"),
        Band(9, 12, "severe"),
    ),
    mic=MinimalImportantChange(points=None, percent=None, source="none established"),
    copyright=PFIZER,
    source="Kroenke K, Spitzer RL, Williams JBW, Loewe B. Psychosomatics 2009;50:613-621",
    loinc_panel="69724-3",
    loinc_total="70272-0",
    extras=("anxiety", "depression"),
)


def _subscale(answers: Sequence[Answer], numbers: Sequence[int]) -> int | None:
    # GAD-2 and PHQ-2 are validated screens on their own (each positive at >= 3), so each is
    # reported whenever its own two items are answered, even if the other pair is not.
    values = [answers[n - 1] for n in numbers]
    if any(v is None for v in values):
        return None
    return sum(complete(values))


def score(answers: Sequence[Answer]) -> Result:
    check_answers(DEFINITION, answers)
    anxiety = _subscale(answers, ANXIETY_ITEMS)
    depression = _subscale(answers, DEPRESSION_ITEMS)
    extras = DEFINITION.extras
    reason = skipped_reason(DEFINITION, answers)
    if reason is not None:
        return Result(
            "phq4", None, None, reason, anxiety=anxiety, depression=depression, extras=extras
        )
    total = sum(complete(answers))
    return Result(
        "phq4",
        total,
        band_for(DEFINITION, total),
        anxiety=anxiety,
        depression=depression,
        extras=extras,
    )
