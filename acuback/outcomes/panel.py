"""What the episode page's progress panel shows: per measure baseline -> latest with the
change, its minimal important change and a small trend line; the plan's goals; the
worse-than-baseline flag. Built from an `EpisodeOutcome`; no queries here."""

from __future__ import annotations

from dataclasses import dataclass

from acuback.clinical.claims import number
from acuback.clinical.instruments import get
from acuback.clinical.outcomes import InstrumentOutcome
from acuback.clinical.progress import GoalProgress
from acuback.outcomes.presenting import (
    GOAL_WORDS,
    TONES,
    change_words,
    measure_name,
    method_words,
    verdict_words,
)
from acuback.outcomes.selectors import EpisodeOutcome

# The trend line's drawing box (SVG user units); the page's stylesheet sizes it.
WIDTH, HEIGHT, PAD = 120.0, 36.0, 3.0


@dataclass(frozen=True)
class Trend:
    """A sparkline: the measurements as a polyline, the band of no important change as a
    rectangle, on the instrument's full range (higher on the page = a higher score)."""

    points: str  # "x,y x,y ..."
    last_x: float
    last_y: float
    band_y: float | None
    band_height: float | None
    label: str  # for screen readers


@dataclass(frozen=True)
class MeasureRow:
    instrument: str
    name: str
    baseline: str
    latest: str
    change: str
    mic: str
    verdict: str
    tone: str
    worse: bool
    trend: Trend | None


@dataclass(frozen=True)
class GoalRow:
    words: str
    status: str
    tone: str
    detail: str


def _y(value: float, low: float, high: float) -> float:
    span = (high - low) or 1.0
    return round(HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD), 1)


def trend(outcome: InstrumentOutcome, name: str) -> Trend | None:
    ms = ([outcome.baseline] if outcome.baseline else []) + [
        f.measurement for f in outcome.follow_ups]
    if len(ms) < 2:
        return None
    definition = get(outcome.instrument)
    low, high = definition.total_range
    step = (WIDTH - 2 * PAD) / (len(ms) - 1)
    xy = [(round(PAD + i * step, 1), _y(m.total, low, high)) for i, m in enumerate(ms)]
    band_y = band_height = None
    if outcome.baseline is not None and definition.mic.points is not None:
        top = _y(min(high, outcome.baseline.total + definition.mic.points), low, high)
        bottom = _y(max(low, outcome.baseline.total - definition.mic.points), low, high)
        band_y, band_height = top, round(bottom - top, 1)
    values = ", ".join(number(m.total) for m in ms)
    return Trend(" ".join(f"{x},{y}" for x, y in xy), xy[-1][0], xy[-1][1], band_y,
                 band_height, f"{name} over time: {values}")


def measure_row(outcome: InstrumentOutcome, name: str | None = None) -> MeasureRow:
    definition = get(outcome.instrument)
    name = name or definition.short_name
    unit = " %" if definition.total_unit == "%" else ""
    if outcome.baseline is None:  # PGIC: a rating of change
        label = definition.items[0].option(int(outcome.latest.total)).label
        baseline, latest = "—", f"{label}, {outcome.latest.taken_on:%-d %b}"
    else:
        baseline = f"{number(outcome.baseline.total)}{unit}, {outcome.baseline.taken_on:%-d %b}"
        latest = (f"{number(outcome.latest.total)}{unit}, {outcome.latest.taken_on:%-d %b}"
                  if outcome.follow_ups else "—")
    tone = TONES.get(outcome.verdict, "muted") if outcome.verdict is not None else "muted"
    return MeasureRow(outcome.instrument, name, baseline, latest, change_words(outcome),
                      method_words(outcome), verdict_words(outcome), tone,
                      outcome.worse_than_baseline, trend(outcome, name))


def goal_row(goal: GoalProgress) -> GoalRow:
    detail = ""
    if goal.baseline is not None or goal.latest is not None:
        detail = f"{number(goal.baseline)} -> {number(goal.latest)}"
        if goal.progress_percent is not None:
            detail += f" ({number(goal.progress_percent)} % of the way)"
    return GoalRow(goal.words, GOAL_WORDS[goal.status], TONES[goal.status], detail)


def measure_rows(outcome: EpisodeOutcome) -> list[MeasureRow]:
    progress = outcome.progress
    rows = [measure_row(o) for o in progress.instruments]
    if progress.visit_pain_outcome is not None:
        rows.append(measure_row(progress.visit_pain_outcome, "Pain before needling"))
    return rows


def worse_names(outcome: EpisodeOutcome) -> list[str]:
    return [measure_name(w) for w in outcome.progress.worse_than_baseline]


@dataclass(frozen=True)
class ClaimRow:
    claim: object  # acuback.clinical.claims.Claim
    verdict_words: str
    tone: str
    evidence: tuple[object, ...]
    note: str


def claim_rows(outcome: EpisodeOutcome) -> list[ClaimRow]:
    return [ClaimRow(r.claim, r.verdict_words, TONES[r.verdict], r.evidence, r.note)
            for r in outcome.ledger.results]
