"""What a result page says about a stored assessment: score, band, the minimal important change
and, when the episode has a baseline of the same instrument, the change since then.

Numbers and verdicts come from the clinical core (`assess_change`); this module only puts them
into words for the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from acuback.assessments.forms import item_text, option_labels
from acuback.assessments.models import AlertKind, Assessment, SafetyAlert
from acuback.assessments.selectors import wording_of
from acuback.clinical import instruments
from acuback.clinical.instruments import Change, Definition, Wording

# How the extra result fields read on the page.
EXTRA_LABELS = {
    "answered": "Sections answered",
    "psychosocial": "Psychosocial subscore (items 5-9)",
    "anxiety": "Anxiety subscore (items 1-2)",
    "depression": "Depression subscore (items 3-4)",
    "item9_positive": "Item 9 above zero (safety)",
}


@dataclass(frozen=True)
class ChangeView:
    baseline: Assessment | None
    change: Change
    verdict: str
    tone: str  # ok | warn | neutral: the colour of the verdict


@dataclass(frozen=True)
class AnswerRow:
    number: int
    text: str
    answer: str  # the option's label as shown, or "skipped"
    code: int | None


@dataclass(frozen=True)
class ResultView:
    assessment: Assessment
    definition: Definition
    total: float | None
    unit: str
    band: str | None
    extras: list[tuple[str, object]]
    mic: str
    change: ChangeView | None
    answers: list[AnswerRow]


def number(value: float | None) -> str:
    """12 for 12.0, 35.6 for 35.5555...: what a clinician reads, the stored value is exact."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    # Half up, as people round (56.25 -> 56.3); Python's own rounding is half-even.
    return str(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def describe_mic(definition: Definition) -> str:
    mic = definition.mic
    if mic.improved_codes:
        labels = [definition.items[0].option(code).label for code in mic.improved_codes]
        return f"Counts as improved: {' or '.join(labels)} ({mic.source})."
    parts = []
    if mic.points is not None:
        parts.append(f"{number(mic.points)} points")
    if mic.percent is not None:
        parts.append(f"{number(mic.percent)} % of baseline")
    if not parts:
        return (
            "No minimal important change is used; change is reported without a verdict "
            f"({mic.source})."
        )
    text = f"Minimal important change: an improvement of {' or '.join(parts)}"
    if mic.substantial_percent is not None:
        text += f"; {number(mic.substantial_percent)} % or more is substantial"
    return f"{text} ({mic.source})."


def verdict(change: Change) -> tuple[str, str]:
    if change.meets_mic is None:
        return "Change is reported without a verdict for this questionnaire.", "neutral"
    if change.improvement is None:  # a rating of change (PGIC)
        return ("Counts as improved.", "ok") if change.meets_mic else ("Not improved.", "warn")
    if change.meets_mic:
        extra = " — substantial" if change.substantial else ""
        return f"Improved by at least the minimal important change{extra}.", "ok"
    if change.improvement < 0:
        return "Worse than at baseline.", "warn"
    return "Less than the minimal important change.", "warn"


def change_view(assessment: Assessment, baseline: Assessment | None) -> ChangeView | None:
    definition = instruments.get(assessment.instrument)
    if assessment.total is None:
        return None
    if definition.mic.improved_codes:
        change = instruments.assess_change(definition.id, None, int(assessment.total))
    elif baseline is None or baseline.total is None:
        return None
    else:
        change = instruments.assess_change(definition.id, _exact(baseline), _exact(assessment))
    text, tone = verdict(change)
    return ChangeView(baseline, change, text, tone)


def _exact(assessment: Assessment) -> float:
    """The total as the core reported it (the results JSON keeps ints as ints)."""
    total = assessment.results.get("total")
    return total if type(total) in (int, float) else float(assessment.total or 0)  # type: ignore[return-value]


def answer_rows(assessment: Assessment, wording: Wording | None) -> list[AnswerRow]:
    definition = instruments.get(assessment.instrument)
    rows = []
    for number_, (item, code) in enumerate(zip(definition.items, assessment.answers,
                                               strict=True), start=1):
        labels = option_labels(item, number_, wording)
        answer = "skipped" if code is None else labels[[o.code for o in item.options].index(code)]
        rows.append(AnswerRow(number_, item_text(definition, number_, wording), answer, code))
    return rows


# The item whose answer raises each kind of alert (1-based, published order).
ALERT_ITEM = {AlertKind.PHQ9_ITEM9: 9}


def alert_text(alert: SafetyAlert) -> str:
    """What raised the alert: the patient's answer in the form's words, or the red flags of the
    screen and its decision."""
    if alert.screening is not None:
        screen = alert.screening
        flags = ", ".join(screen.fired_words) or "none"
        return (f"the red-flag screen of {screen.screened_on:%-d %b %Y} "
                f"({screen.get_decision_display().lower()}: {flags})")
    assessment = alert.assessment
    assert assessment is not None  # noqa: S101 - the check constraint: one source or the other
    definition = instruments.get(assessment.instrument)
    row = answer_rows(assessment, wording_of(assessment))[ALERT_ITEM[alert.kind] - 1]
    return f"{definition.short_name} item {row.number} ({row.text}): \u201c{row.answer}\u201d"


def result_view(assessment: Assessment, baseline: Assessment | None) -> ResultView:
    definition = instruments.get(assessment.instrument)
    extras = [(EXTRA_LABELS.get(name, name.replace("_", " ")), assessment.results.get(name))
              for name in definition.extras]
    return ResultView(
        assessment=assessment, definition=definition, total=assessment.total,
        unit="%" if definition.total_unit == "%" else f"of {definition.total_range[1]}",
        band=assessment.band or None, extras=extras, mic=describe_mic(definition),
        change=change_view(assessment, baseline),
        answers=answer_rows(assessment, wording_of(assessment)),
    )
