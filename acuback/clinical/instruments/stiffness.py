"""Morning stiffness: how long the back stays stiff after waking, in minutes (one item).

Our own question, in the manner of question 6 of the BASDAI (Garrett S et al., J Rheumatol
1994;21:2286-2291), which asks the same duration on a scale from none to 2 hours or more. It
measures the part of "inflammation" a patient feels; it is no test for inflammatory disease.
Answers are coded 0-8 for none, 15, 30, ... 120 minutes; the total is the minutes.
"""

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
    band_for,
    check_answers,
    complete,
    skipped_reason,
)

STEP_MINUTES = 15
# BASDAI question 6 ends at "2 or more hours": longer stiffness is counted as 120 minutes.
MAX_MINUTES = 120


def _label(minutes: int) -> str:
    if minutes == 0:
        return "no stiffness"
    if minutes == MAX_MINUTES:
        return "2 hours or more"
    hours, rest = divmod(minutes, 60)
    return f"{minutes} minutes" if hours == 0 else f"{hours} h {rest:02d} min"


_OPTIONS = tuple(
    Option(code, _label(code * STEP_MINUTES), weight=code * STEP_MINUTES)
    for code in range(MAX_MINUTES // STEP_MINUTES + 1)
)

DEFINITION = Definition(
    id="stiffness",
    name="Morning stiffness duration",
    short_name="Morning stiffness",
    version="stiffness-minutes/acuback-1",
    items=(
        Item(
            key="morning_stiffness",
            label="how long the back stays stiff after waking",
            text=(
                "Over the past week, once you woke up, how long did the stiffness in your back "
                "usually last?"
            ),
            options=_OPTIONS,
        ),
    ),
    recall_period="past week",
    instructions="Choose the time closest to a usual morning.",
    total_range=(0, MAX_MINUTES),
    total_unit="min",
    # DOMAIN.md Part 1 (red flags): morning stiffness over 30 minutes is part of the
    # inflammatory pattern. Bands on the minutes, so 30 is "up to 30" and 45 is over.
    bands=(
        Band(0, 0, "none"),
        Band(1, 30, "up to 30 minutes"),
        Band(31, MAX_MINUTES, "over 30 minutes"),
    ),
    mic=MinimalImportantChange(points=None, percent=None, source="none established"),
    copyright=Copyright(
        holder="acuback (our own question)",
        terms="Free to use and reproduce.",
        url=None,
        wording_free=True,
    ),
    source="Garrett S et al., J Rheumatol 1994;21:2286-2291 (BASDAI question 6, duration of "
    "morning stiffness)",
)


def score(answers: Sequence[Answer]) -> Result:
    check_answers(DEFINITION, answers)
    reason = skipped_reason(DEFINITION, answers)
    if reason is not None:
        return Result(DEFINITION.id, None, None, reason)
    minutes = DEFINITION.items[0].weights[complete(answers)[0]]
    return Result(DEFINITION.id, minutes, band_for(DEFINITION, minutes))
