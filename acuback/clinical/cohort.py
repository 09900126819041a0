"""Cohort figures: the per-episode outcomes of many episodes, counted.

Pure. The database groups a cohort's episodes by what decides their outcome (for each
instrument: the baseline total, the latest total, and whether anything followed the baseline)
and hands over one `OutcomePair` per distinct combination with how many episodes share it. Each
pair is judged here by `instruments.assess_change`, the very function that judges one episode's
outcome (`acuback.clinical.outcomes.episode_outcome`), so a clinic's responder rate is the share
of its episodes whose own page says "improved", by construction:

- baseline = the instrument's earliest measurement in the episode, latest = its last; an
  episode with a baseline alone is measured but not followed up, and is left out of every rate
  (reported as "no follow-up").
- The PGIC rates change itself: its latest rating decides, with no baseline.
- Responders by points and by percent are reported apart as well as either (IMMPACT, Dworkin
  et al., J Pain 2008;9:105-121); intervals are Wilson's for rates and Student's t for the mean
  improvement (`acuback.clinical.stats`).
- Adverse events per 1,000 treatments use the exact Poisson interval; the share of treated
  patients with at least one event is a proportion (Witt 2009 and Baeumler 2021 report both).

The published trial figures shown beside these (`stats.benchmarks()`) are external: other
patients, protocols and definitions of response. They are never merged into a cohort's numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from acuback.clinical.instruments import INSTRUMENTS, Change, Verdict, assess_change, get
from acuback.clinical.stats import (
    Benchmark,
    Mean,
    Proportion,
    Rate,
    benchmarks,
    mean_of_counts,
    proportion,
    rate_per_treatments,
)

# Bump when a rule here changes; stored with every cohort report and export.
COHORT_RULES_VERSION = "cohort/acuback-1"
PER_MILLION = 1_000_000


@dataclass(frozen=True, slots=True)
class OutcomePair:
    """How many episodes share one instrument's baseline and latest total."""

    instrument: str
    baseline: float  # the earliest total (for a rating, the first rating: not used)
    latest: float
    followed: bool  # measured again after the baseline (a rating: always judged)
    episodes: int


@dataclass(frozen=True, slots=True)
class InstrumentFigures:
    instrument: str
    measured: int  # episodes with at least one measurement
    followed: int  # of those, with a follow-up to judge (a rating: every rated episode)
    improved: Proportion | None  # None: no threshold for this instrument, or none followed
    improved_by_points: Proportion | None  # None: no points threshold
    improved_by_percent: Proportion | None  # None: no percent threshold
    substantial: Proportion | None  # where defined (pain NRS: 50 %)
    worse: Proportion | None
    improvement: Mean | None  # in the better direction (positive is better); None for a rating
    baseline_mean: float | None  # of the followed episodes
    latest_mean: float | None

    @property
    def no_follow_up(self) -> int:
        return self.measured - self.followed

    def as_dict(self) -> dict[str, object]:
        return {
            "instrument": self.instrument,
            "measured": self.measured,
            "followed": self.followed,
            "no_follow_up": self.no_follow_up,
            "improved": _proportion_dict(self.improved),
            "improved_by_points": _proportion_dict(self.improved_by_points),
            "improved_by_percent": _proportion_dict(self.improved_by_percent),
            "substantial": _proportion_dict(self.substantial),
            "worse": _proportion_dict(self.worse),
            "improvement": _mean_dict(self.improvement),
            "baseline_mean": self.baseline_mean,
            "latest_mean": self.latest_mean,
        }


@dataclass(frozen=True, slots=True)
class SafetyCounts:
    """What the database counts for a cohort's safety figures (live records only)."""

    treatments: int  # visits held
    events: int  # adverse events filed against them
    serious: int
    treated_patients: int  # patients with at least one visit
    patients_with_event: int


@dataclass(frozen=True, slots=True)
class SafetyFigures:
    counts: SafetyCounts
    per_1000_treatments: Rate | None  # None: no treatment yet
    serious_per_million: Rate | None
    patients_with_event: Proportion | None  # None: no treated patient

    def as_dict(self) -> dict[str, object]:
        c = self.counts
        return {
            "treatments": c.treatments, "events": c.events, "serious": c.serious,
            "treated_patients": c.treated_patients,
            "patients_with_event": _proportion_dict(self.patients_with_event),
            "per_1000_treatments": _rate_dict(self.per_1000_treatments),
            "serious_per_million_treatments": _rate_dict(self.serious_per_million),
        }


def _proportion_dict(p: Proportion | None) -> dict[str, object] | None:
    if p is None:
        return None
    return {"count": p.successes, "n": p.n, "rate": p.rate, "ci": list(p.ci), "method": p.method}


def _mean_dict(m: Mean | None) -> dict[str, object] | None:
    if m is None:
        return None
    return {"n": m.n, "mean": m.mean, "sd": m.sd, "ci": None if m.ci is None else list(m.ci),
            "method": m.method}


def _rate_dict(r: Rate | None) -> dict[str, object] | None:
    if r is None:
        return None
    return {"events": r.events, "treatments": r.treatments, "per": r.per, "rate": r.rate,
            "ci": list(r.ci), "method": r.method}


def judge_pair(pair: OutcomePair) -> Change | None:
    """The change an episode's own outcome reports for this pair; None: nothing followed the
    baseline, so there is no change to judge."""
    if get(pair.instrument).mic.improved_codes:  # a rating of change: the latest alone
        latest = pair.latest
        return assess_change(pair.instrument, None,
                             int(latest) if float(latest).is_integer() else latest)
    if not pair.followed:
        return None
    return assess_change(pair.instrument, pair.baseline, pair.latest)


def _rate(count: int, n: int, applies: bool) -> Proportion | None:
    return proportion(count, n) if applies and n else None


def instrument_figures(instrument: str, pairs: Iterable[OutcomePair]) -> InstrumentFigures:
    """One instrument's figures from its pairs (all of `instrument`)."""
    mic = get(instrument).mic
    measured = followed = improved = by_points = by_percent = substantial = worse = 0
    improvements: dict[float, int] = {}
    baseline_sum = latest_sum = 0.0
    for pair in pairs:
        if pair.instrument != instrument:
            raise ValueError(f"a {pair.instrument} pair among {instrument} pairs")
        measured += pair.episodes
        change = judge_pair(pair)
        if change is None:
            continue
        followed += pair.episodes
        improved += pair.episodes * (change.verdict is Verdict.IMPROVED)
        worse += pair.episodes * (change.verdict is Verdict.WORSE)
        by_points += pair.episodes * bool(change.meets_points)
        by_percent += pair.episodes * bool(change.meets_percent)
        substantial += pair.episodes * bool(change.substantial)
        if change.improvement is not None:
            improvements[change.improvement] = (improvements.get(change.improvement, 0)
                                                + pair.episodes)
            baseline_sum += pair.baseline * pair.episodes
            latest_sum += pair.latest * pair.episodes
    judged = mic.has_threshold
    return InstrumentFigures(
        instrument=instrument, measured=measured, followed=followed,
        improved=_rate(improved, followed, judged),
        improved_by_points=_rate(by_points, followed, mic.points is not None),
        improved_by_percent=_rate(by_percent, followed, mic.percent is not None),
        substantial=_rate(substantial, followed, mic.substantial_percent is not None),
        worse=_rate(worse, followed, judged),
        improvement=mean_of_counts(improvements) if improvements else None,
        baseline_mean=baseline_sum / followed if improvements else None,
        latest_mean=latest_sum / followed if improvements else None,
    )


def cohort_outcomes(pairs: Iterable[OutcomePair]) -> tuple[InstrumentFigures, ...]:
    """Figures for every instrument the pairs measure, in the registry's order."""
    by_instrument: dict[str, list[OutcomePair]] = {}
    for pair in pairs:
        get(pair.instrument)  # an unknown id raises here
        by_instrument.setdefault(pair.instrument, []).append(pair)
    order = list(INSTRUMENTS)
    # In a fixed order, so the sums come out the same to the last bit whatever order the
    # database returned the pairs in (the summaries and the raw rows agree exactly).
    return tuple(instrument_figures(i, sorted(by_instrument[i], key=_pair_key))
                 for i in sorted(by_instrument, key=order.index))


def _pair_key(pair: OutcomePair) -> tuple[float, float, bool, int]:
    return pair.baseline, pair.latest, pair.followed, pair.episodes


def safety_figures(counts: SafetyCounts) -> SafetyFigures:
    treated = counts.treatments > 0
    return SafetyFigures(
        counts=counts,
        per_1000_treatments=rate_per_treatments(counts.events, counts.treatments)
        if treated else None,
        serious_per_million=rate_per_treatments(counts.serious, counts.treatments,
                                                per=PER_MILLION) if treated else None,
        patients_with_event=proportion(counts.patients_with_event, counts.treated_patients)
        if counts.treated_patients else None,
    )


# What each external figure stands beside: a benchmark kind, and our measure it compares with.
EXTERNAL_RESPONDERS = ("responder_rate",)
EXTERNAL_MEAN_CHANGE = ("mean_change",)
EXTERNAL_SAFETY = ("adverse_events", "adverse_events_per_1000_treatments",
                   "serious_adverse_events")


def external(kinds: tuple[str, ...]) -> tuple[Benchmark, ...]:
    """The published figures of these kinds, to show beside a cohort's (labelled external)."""
    found = benchmarks()
    return tuple(b for kind in kinds for b in found.of_kind(kind))
