"""The shapes every questionnaire shares: its definition as data, its result, its one error type.

Pure: no Django, no I/O. An instrument module (``odi.py``, ``phq9.py``, ...) builds one
`Definition` from these parts and a ``score(answers) -> Result`` function that calls
`check_answers` first, so every instrument validates input the same way and says the same thing
about a bad answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

Answer = int | None
Total = int | float | None

LOINC = "http://loinc.org"


class AnswerError(ValueError):
    """A response that cannot be read: unknown instrument, wrong item count, a code not allowed.

    A skipped item (``None``) is not an error: it is a valid, possibly unscorable, response.
    """


@dataclass(frozen=True, slots=True)
class Option:
    """One allowed answer to an item.

    ``code`` is what is stored and typed on the command line (as the instrument numbers it);
    ``weight`` is what the answer adds to a summed score (differs from ``code`` for reversed
    PSS-10 items and the recoded STarT Back item 9); ``loinc`` is the LOINC answer code where we
    have a verified one.
    """

    code: int
    label: str
    weight: int | None = None
    loinc: str | None = None

    @property
    def score(self) -> int:
        return self.code if self.weight is None else self.weight


@dataclass(frozen=True, slots=True)
class Item:
    """One question, in published order.

    ``label`` is always our own short wording. ``text`` is the validated wording, present only
    where the instrument's terms let us ship it (see `Copyright.wording_free`).
    """

    key: str
    label: str
    options: tuple[Option, ...]
    text: str | None = None
    loinc: str | None = None
    codes: frozenset[int] = field(init=False, repr=False, compare=False)
    allowed: str = field(init=False, repr=False, compare=False)
    weights: dict[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes = [o.code for o in self.options]
        object.__setattr__(self, "codes", frozenset(codes))
        object.__setattr__(self, "allowed", describe_codes(codes))
        object.__setattr__(self, "weights", {o.code: o.score for o in self.options})

    def option(self, code: int) -> Option:
        for candidate in self.options:
            if candidate.code == code:
                return candidate
        raise KeyError(code)


@dataclass(frozen=True, slots=True)
class Band:
    """An interpretation band: applies to totals up to and including ``upper``.

    Bands are listed in rising order; a total falls in the first band whose ``upper`` it does
    not exceed. ``lower`` is only for display (the range as the source prints it).
    """

    lower: float
    upper: float
    label: str


@dataclass(frozen=True, slots=True)
class Copyright:
    holder: str
    terms: str
    url: str | None
    wording_free: bool  # may acuback ship the exact published wording, for any use?


@dataclass(frozen=True, slots=True)
class MinimalImportantChange:
    """Responder thresholds, from baseline to follow-up (DOMAIN.md, "Minimal important change").

    Improvement is the change in the better direction (baseline - follow-up where lower is
    better, the definition's ``higher_is_better`` otherwise). A change meets the threshold when
    it reaches ``points`` OR ``percent`` of baseline; IMMPACT asks for both methods, so the
    change reports each. With neither set the change is reported without a verdict (PHQ-9,
    GAD-7, and instruments with no MIC). ``improved_codes`` and ``worse_codes`` are for a rating
    of change (PGIC), which is judged on its own.
    """

    points: float | None
    percent: float | None
    source: str
    substantial_percent: float | None = None
    improved_codes: tuple[int, ...] = ()
    worse_codes: tuple[int, ...] = ()

    @property
    def has_threshold(self) -> bool:
        return self.points is not None or self.percent is not None or bool(self.improved_codes)


@dataclass(frozen=True, slots=True)
class Definition:
    id: str
    name: str
    short_name: str
    version: str  # bump the acuback part whenever scoring, items or bands change
    items: tuple[Item, ...]
    recall_period: str
    instructions: str  # our own words
    total_range: tuple[float, float]
    total_unit: str  # UCUM: "{score}", "%" or "min"
    bands: tuple[Band, ...]
    mic: MinimalImportantChange
    copyright: Copyright
    source: str  # the paper the scoring comes from
    loinc_panel: str | None = None
    loinc_total: str | None = None
    max_missing: int = 0  # items that may be skipped and still give a total
    extras: tuple[str, ...] = ()  # extra Result fields this instrument reports
    extras_loinc: tuple[tuple[str, str], ...] = ()  # (extra field, LOINC code) where one exists
    higher_is_better: bool = False  # every instrument so far: a lower total is better

    @property
    def ships_wording(self) -> bool:
        """True when every item carries its validated wording."""
        return all(item.text for item in self.items)


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of scoring one response.

    ``total`` is None when the missing-item rule forbids a score; ``reason`` then says why.
    ``band`` is None for instruments without bands or without a total. The optional fields
    are reported only by the instrument that defines them (listed in ``extras``).
    """

    instrument: str
    total: Total
    band: str | None
    reason: str | None = None
    answered: int | None = None  # odi
    psychosocial: int | None = None  # startback
    anxiety: int | None = None  # phq4
    depression: int | None = None  # phq4
    item9_positive: bool | None = None  # phq9
    raw_score: int | None = None  # fatigue4a: the summed raw score the T-score comes from
    standard_error: float | None = None  # fatigue4a: the T-score's standard error
    extras: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def as_dict(self) -> dict[str, object]:
        """The minimal, stable JSON shape: the same keys for every result of an instrument,
        plus ``reason`` only when there is no total."""
        out: dict[str, object] = {
            "instrument": self.instrument,
            "total": self.total,
            "band": self.band,
        }
        for name in self.extras:
            out[name] = getattr(self, name)
        if self.total is None:
            out["reason"] = self.reason
        return out


def describe_codes(codes: Iterable[int]) -> str:
    """'0-5' for a run of codes, '0, 2, 5' otherwise."""
    ordered = sorted(codes)
    if ordered and ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 1:
        return f"{ordered[0]}-{ordered[-1]}"
    return ", ".join(str(c) for c in ordered)


def check_answers(definition: Definition, answers: Sequence[Answer]) -> Sequence[Answer]:
    """Raise `AnswerError` unless ``answers`` has one allowed code (or None) per item."""
    kind = type(answers)
    if kind is not list and kind is not tuple:  # the common cases skip the slower ABC check
        if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
            raise AnswerError(
                f"{definition.id} answers must be a list of item codes, got {kind.__name__}"
            )
    items = definition.items
    if len(answers) != len(items):
        noun = "answer" if len(items) == 1 else "answers"
        raise AnswerError(f"{definition.id} needs {len(items)} {noun}, got {len(answers)}")
    for number, (item, answer) in enumerate(zip(items, answers, strict=True), start=1):
        # `type(...) is int` rejects bool (a subclass of int) and integral floats alike.
        if answer is not None and (type(answer) is not int or answer not in item.codes):
            raise _not_allowed(number, item, answer)
    return answers


def _not_allowed(number: int, item: Item, answer: object) -> AnswerError:
    shown = str(answer).lower() if isinstance(answer, bool) else repr(answer)
    return AnswerError(
        f"item {number} ({item.key}): {shown} is not an allowed answer ({item.allowed})"
    )


def skipped_reason(definition: Definition, answers: Sequence[Answer]) -> str | None:
    """None when every item is answered; otherwise why a no-missing instrument has no total."""
    missing = [n for n, a in enumerate(answers, start=1) if a is None]
    if not missing:
        return None
    named = ", ".join(f"{n} ({definition.items[n - 1].key})" for n in missing)
    noun = "item" if len(missing) == 1 else "items"
    return (
        f"{noun} {named} skipped; {definition.id} is scored only when all "
        f"{len(definition.items)} items are answered"
    )


def complete(answers: Sequence[Answer]) -> Sequence[int]:
    """The answers, typed as all answered (call only after `skipped_reason` returned None)."""
    return cast(Sequence[int], answers)


def band_for(definition: Definition, total: float | None) -> str | None:
    if total is None:
        return None
    for band in definition.bands:
        if total <= band.upper:
            return band.label
    return None


def summed_score(definition: Definition, answers: Sequence[Answer]) -> Result:
    """The plain rule most instruments share: every item answered, total = sum of the codes,
    band from the definition (None where it has none). A one-item scale's total is its answer."""
    check_answers(definition, answers)
    reason = skipped_reason(definition, answers)
    if reason is not None:
        return Result(definition.id, None, None, reason)
    total = sum(complete(answers))
    return Result(definition.id, total, band_for(definition, total))


def choices(labels: Sequence[str], *, start: int = 0) -> tuple[Option, ...]:
    """Options coded start, start+1, ... with the given labels."""
    return tuple(Option(code, label) for code, label in enumerate(labels, start=start))


def scale(low: int, high: int, *, low_label: str, high_label: str) -> tuple[Option, ...]:
    """A numeric rating scale: only the ends carry words."""
    labels = {low: f"{low} ({low_label})", high: f"{high} ({high_label})"}
    return tuple(Option(n, labels.get(n, str(n))) for n in range(low, high + 1))
