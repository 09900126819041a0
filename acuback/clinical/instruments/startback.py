"""Keele STarT Back Screening Tool (9 items): risk of a poor outcome, low / medium / high."""

from __future__ import annotations

from collections.abc import Sequence

from acuback.clinical.instruments.definition import (
    Answer,
    Copyright,
    Definition,
    Item,
    MinimalImportantChange,
    Option,
    Result,
    check_answers,
    choices,
    complete,
    skipped_reason,
)

_AGREE = choices(("disagree", "agree"))

# Keele SBST scoring: item 9 (bothersomeness) counts 1 only for "very much" or "extremely".
_BOTHER = (
    Option(0, "not at all", weight=0),
    Option(1, "slightly", weight=0),
    Option(2, "moderately", weight=0),
    Option(3, "very much", weight=1),
    Option(4, "extremely", weight=1),
)

# Our own short labels, in Keele's published form order. The wording is (c) Keele University
# and free for non-commercial use only, so acuback does not ship it (see README).
_ITEMS = (
    ("leg_pain", "back pain spread down the leg in the last 2 weeks", _AGREE),
    ("shoulder_neck", "shoulder or neck pain in the last 2 weeks", _AGREE),
    ("walk_short", "walked only short distances because of back pain", _AGREE),
    ("dress_slowly", "dressed more slowly because of back pain", _AGREE),
    ("fear", "believes activity is not safe (fear)", _AGREE),
    ("worry", "worrying thoughts much of the time (anxiety)", _AGREE),
    ("catastrophising", "feels the pain is terrible and will not improve", _AGREE),
    ("low_mood", "not enjoying things as before (low mood)", _AGREE),
    ("bothersome", "overall bothersomeness of back pain, last 2 weeks", _BOTHER),
)

# Keele: the psychosocial (distress) subscale is items 5-9 of the published form. The JOSPT
# 2012 guideline lists "1, 4, 7, 8, 9" in the development paper's order: do not use that.
PSYCHOSOCIAL_ITEMS = (5, 6, 7, 8, 9)

DEFINITION = Definition(
    id="startback",
    name="Keele STarT Back Screening Tool",
    short_name="STarT Back",
    version="sbst-9/acuback-1",
    items=tuple(Item(key=key, label=label, options=opts) for key, label, opts in _ITEMS),
    recall_period="past 2 weeks",
    instructions=(
        "Think about the last 2 weeks. For each statement, say whether you agree or disagree; "
        "for the last question, say how bothersome your back pain has been."
    ),
    total_range=(0, 9),
    total_unit="{score}",
    bands=(),  # the risk group needs the subscale too: see `risk` below
    # A stratification tool, not an outcome measure: no minimal important change.
    mic=MinimalImportantChange(points=None, percent=None, source="n/a (stratification tool)"),
    copyright=Copyright(
        holder="(c) 2007 Keele University",
        terms=(
            "No licence needed for non-commercial use; commercial use or inclusion in a "
            "commercial product needs Keele's agreement. Keep Keele's copyright and funding "
            "statement with the tool."
        ),
        url="https://startback.hfac.keele.ac.uk",
        wording_free=False,
    ),
    source="Hill JC et al., Arthritis Rheum 2008;59(5):632-641",
    loinc_panel="91349-1",
    loinc_total="91351-7",
    extras=("psychosocial",),
    extras_loinc=(("psychosocial", "91350-9"),),
)

LOINC_RISK = "91352-5"
# LOINC answers for the risk level (91352-5).
LOINC_RISK_ANSWERS = {"low": "LA9194-7", "medium": "LA8982-6", "high": "LA9193-9"}


def risk(total: int, psychosocial: int) -> str:
    # Keele: total <= 3 is low risk; otherwise a subscale <= 3 is medium, else high.
    if total <= 3:
        return "low"
    return "medium" if psychosocial <= 3 else "high"


def _weights(answers: Sequence[int], numbers: Sequence[int]) -> int:
    items = DEFINITION.items
    return sum(items[n - 1].weights[answers[n - 1]] for n in numbers)


def score(answers: Sequence[Answer]) -> Result:
    check_answers(DEFINITION, answers)
    extras = DEFINITION.extras
    reason = skipped_reason(DEFINITION, answers)
    if reason is not None:
        # The subscale is a score in its own right: report it when its own items are answered.
        psychosocial = None
        if all(answers[n - 1] is not None for n in PSYCHOSOCIAL_ITEMS):
            psychosocial = _weights(complete(answers), PSYCHOSOCIAL_ITEMS)
        return Result("startback", None, None, reason, psychosocial=psychosocial, extras=extras)
    given = complete(answers)
    total = _weights(given, range(1, 10))
    psychosocial = _weights(given, PSYCHOSOCIAL_ITEMS)
    return Result(
        "startback", total, risk(total, psychosocial), psychosocial=psychosocial, extras=extras
    )
