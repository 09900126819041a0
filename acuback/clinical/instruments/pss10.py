"""Perceived Stress Scale, 10 items (PSS-10)."""

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
    complete,
    skipped_reason,
)

_ANCHORS = ("never", "almost never", "sometimes", "fairly often", "very often")

# Cohen & Williamson 1988: items 4, 5, 7 and 8 are worded positively and are reverse-scored
# (0<->4, 1<->3, 2 stays) before summing. The reversal lives in the option weights, so the
# score and the FHIR ordinal values cannot disagree.
REVERSED_ITEMS = (4, 5, 7, 8)


def _options(reversed_item: bool) -> tuple[Option, ...]:
    return tuple(
        Option(code, label, weight=4 - code if reversed_item else code)
        for code, label in enumerate(_ANCHORS)
    )


# Our own short labels. The wording is free for non-profit research and education only, so
# acuback does not ship it (see README).
_ITEMS = (
    ("upset_unexpected", "upset by something unexpected"),
    ("unable_to_control", "unable to control important things"),
    ("nervous_stressed", "nervous and stressed"),
    ("confident_coping", "confident about handling personal problems"),
    ("going_your_way", "things going your way"),
    ("could_not_cope", "could not cope with all there was to do"),
    ("control_irritations", "able to control irritations"),
    ("on_top", "on top of things"),
    ("angered", "angered by things outside your control"),
    ("piling_up", "difficulties piling up too high to overcome"),
)

DEFINITION = Definition(
    id="pss10",
    name="Perceived Stress Scale (10 items)",
    short_name="PSS-10",
    version="pss10/acuback-1",
    items=tuple(
        Item(key=key, label=label, options=_options(number in REVERSED_ITEMS))
        for number, (key, label) in enumerate(_ITEMS, start=1)
    ),
    recall_period="past month",
    instructions="For each question, say how often you felt or thought this way in the last month.",
    total_range=(0, 40),
    total_unit="{score}",
    # No official cut-offs (LOINC/PhenX): the 0-13/14-26/27-40 bands seen online are not the
    # developers'. Report the raw score only.
    bands=(),
    mic=MinimalImportantChange(points=None, percent=None, source="none established"),
    copyright=Copyright(
        holder="Sheldon Cohen (Cohen, Kamarck & Mermelstein 1983; J Health Soc Behav, "
        "American Sociological Association)",
        terms=(
            "No permission needed for non-profit academic research or educational use; "
            "profit-related use needs permission."
        ),
        url="https://www.cmu.edu/dietrich/psychology/stress-immunity-disease-lab/scales/",
        wording_free=False,
    ),
    source="Cohen S, Williamson G. In: The Social Psychology of Health. Sage, 1988:31-67",
    loinc_panel="106875-8",
    loinc_total="106860-0",
)


def score(answers: Sequence[Answer]) -> Result:
    check_answers(DEFINITION, answers)
    reason = skipped_reason(DEFINITION, answers)
    if reason is not None:
        return Result("pss10", None, None, reason)
    items = DEFINITION.items
    total = sum(item.weights[a] for item, a in zip(items, complete(answers), strict=True))
    return Result("pss10", total, None)
