"""The claims ledger: each promise clinics make (claims.json, versioned, in our own words)
against what an episode measured: improved, no change, worse, not measured, or measured with
no agreed threshold to judge it by; and for the claims that are about how care is given
(safety, tailoring, licences and lots) held or not held.

    from acuback.clinical.claims import episode_ledger, clinic_ledger
    ledger = episode_ledger(progress)      # progress: acuback.clinical.progress.EpisodeProgress
    clinic = clinic_ledger([ledger, ...])  # counts per verdict, rates with intervals

Pure. Verdicts come from `progress` (that is, from `instruments.assess_change` and the
progress rules), never computed twice. Where several measures map to one claim, any worse
makes the claim worse, else any improved makes it improved (as Medicare improvement is
judged, `outcomes.coverage_improvement`); measures without a minimal important change are
shown as evidence only.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from acuback.clinical.instruments import Verdict, get
from acuback.clinical.outcomes import InstrumentOutcome
from acuback.clinical.progress import EpisodeProgress, FollowUpStatus
from acuback.clinical.stats import Proportion, Rate, proportion, rate_per_treatments

LEDGER_RULES_VERSION = "ledger/acuback-1"


class ClaimVerdict(StrEnum):
    IMPROVED = "improved"
    NO_CHANGE = "no_change"
    WORSE = "worse"
    NOT_MEASURED = "not_measured"
    NO_THRESHOLD = "no_threshold"  # measured, but no agreed threshold to judge the change
    HELD = "held"
    NOT_HELD = "not_held"


VERDICT_WORDS = {
    ClaimVerdict.IMPROVED: "improved", ClaimVerdict.NO_CHANGE: "no change",
    ClaimVerdict.WORSE: "worse", ClaimVerdict.NOT_MEASURED: "not measured",
    ClaimVerdict.NO_THRESHOLD: "measured, no agreed threshold",
    ClaimVerdict.HELD: "held", ClaimVerdict.NOT_HELD: "not held",
}
_FROM_VERDICT = {Verdict.IMPROVED: ClaimVerdict.IMPROVED, Verdict.NO_CHANGE: ClaimVerdict.NO_CHANGE,
                 Verdict.WORSE: ClaimVerdict.WORSE}


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    claim: str
    in_articles: int
    kind: str  # change | lab | safety | record | cost | beside
    measures: tuple[str, ...]
    how: str
    not_covered: str


@dataclass(frozen=True, slots=True)
class Claims:
    version: str
    about: str
    articles_read: int
    claims: tuple[Claim, ...]


@cache
def claims() -> Claims:
    text = resources.files("acuback.clinical.claims").joinpath("claims.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return Claims(data["version"], data["about"], data["articles_read"], tuple(
        Claim(c["id"], c["claim"], c["in_articles"], c["kind"], tuple(c["measures"]), c["how"],
              c["not_covered"]) for c in data["claims"]))


@dataclass(frozen=True, slots=True)
class Evidence:
    measure: str
    words: str  # "ODI 46 -> 30 (16 better, 35 %), 2 Mar -> 14 Apr 2026"
    verdict: Verdict | None = None  # the measure's own verdict; None: reported only
    changed: bool = True  # a change was measured (False: a baseline only, nothing to judge)

    def as_dict(self) -> dict[str, object]:
        return {"measure": self.measure, "words": self.words,
                "verdict": None if self.verdict is None else self.verdict.value,
                "changed": self.changed}


@dataclass(frozen=True, slots=True)
class ClaimResult:
    claim: Claim
    verdict: ClaimVerdict
    evidence: tuple[Evidence, ...]
    note: str = ""

    @property
    def verdict_words(self) -> str:
        return VERDICT_WORDS[self.verdict]

    def as_dict(self) -> dict[str, object]:
        return {"claim": self.claim.id, "words": self.claim.claim, "kind": self.claim.kind,
                "verdict": self.verdict.value, "verdict_words": self.verdict_words,
                "evidence": [e.as_dict() for e in self.evidence], "note": self.note,
                "how": self.claim.how}


@dataclass(frozen=True, slots=True)
class Ledger:
    episode_id: int
    results: tuple[ClaimResult, ...]
    claims_version: str
    safety_events: int = 0
    safety_treatments: int = 0
    rules_version: str = LEDGER_RULES_VERSION

    def as_dict(self) -> dict[str, object]:
        return {"episode_id": self.episode_id, "claims": [r.as_dict() for r in self.results],
                "claims_version": self.claims_version, "rules_version": self.rules_version}


def number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def _day(outcome: InstrumentOutcome) -> str:
    first = outcome.baseline or outcome.latest
    span = f"{first.taken_on:%-d %b %Y}"
    if outcome.follow_ups and outcome.baseline is not None:
        span += f" -> {outcome.latest.taken_on:%-d %b %Y}"
    return span


def instrument_evidence(outcome: InstrumentOutcome, label: str | None = None) -> Evidence:
    name = label or get(outcome.instrument).short_name
    change = outcome.latest_change
    if outcome.baseline is None:  # a rating of change (PGIC)
        rating = get(outcome.instrument).items[0].option(int(outcome.latest.total)).label
        return Evidence(outcome.instrument, f"{name}: {rating} ({_day(outcome)})",
                        outcome.verdict)
    if change is None or change.improvement is None:
        return Evidence(outcome.instrument, f"{name} {number(outcome.baseline.total)} at "
                        f"baseline only ({_day(outcome)})", changed=False)
    better = "better" if change.improvement >= 0 else "worse"
    percent = "" if change.percent is None else f", {number(abs(change.percent))} %"
    words = (f"{name} {number(outcome.baseline.total)} -> {number(outcome.latest.total)} "
             f"({number(abs(change.improvement))} {better}{percent}), {_day(outcome)}")
    return Evidence(outcome.instrument, words, outcome.verdict)


def _combine(evidence: Sequence[Evidence]) -> ClaimVerdict:
    """Any worse -> worse, else any improved -> improved, else no change; a change measured
    only on measures without a threshold -> no threshold; only baselines -> not measured."""
    judged = [e.verdict for e in evidence if e.verdict is not None]
    if Verdict.WORSE in judged:
        return ClaimVerdict.WORSE
    if Verdict.IMPROVED in judged:
        return ClaimVerdict.IMPROVED
    if judged:
        return ClaimVerdict.NO_CHANGE
    if any(e.changed for e in evidence):
        return ClaimVerdict.NO_THRESHOLD
    return ClaimVerdict.NOT_MEASURED


def _change_evidence(progress: EpisodeProgress, measure: str) -> list[Evidence]:
    if measure == "visit_pain":
        outcome = progress.visit_pain_outcome
        return [] if outcome is None else [
            instrument_evidence(outcome, "Pain before needling (NRS)")]
    if measure == "painkillers":
        pk = progress.painkillers
        if not pk.points:
            return []
        if len(pk.points) == 1:
            only = pk.points[0]
            return [Evidence("painkillers", f"{only.label} {only.days_per_week} d/wk only",
                             changed=False)]
        steps = ", ".join(f"{p.label} {p.days_per_week} d/wk"
                          + (f" {number(p.opioid_mme_per_day)} MME" if p.opioid_mme_per_day
                             else "") for p in pk.points)
        return [Evidence("painkillers", f"{steps}; {pk.why}", pk.verdict)]
    outcome = progress.outcome(measure)
    return [] if outcome is None else [instrument_evidence(outcome)]


def _change(claim: Claim, progress: EpisodeProgress) -> ClaimResult:
    evidence = [e for m in claim.measures for e in _change_evidence(progress, m)]
    verdict = _combine(evidence)
    if claim.id == "function":  # range of motion beside, reported without a verdict
        evidence += [Evidence(m.measure.id, f"{m.measure.label} {number(m.baseline)} -> "
                              f"{number(m.latest)} {m.measure.unit}")
                     for m in progress.mobility if m.latest is not None]
    return ClaimResult(claim, verdict, tuple(evidence), claim.not_covered)


def _lasting(claim: Claim, progress: EpisodeProgress) -> ClaimResult:
    done = [f for f in progress.lasting if f.status is FollowUpStatus.DONE]
    evidence = [Evidence("lasting", f"{f.months} months after discharge (from "
                         f"{f.due_on:%-d %b %Y}): {f.why}", f.verdict) for f in done]
    if progress.recurred is not None:
        evidence.append(Evidence(
            "recurrence", "a new episode within 12 months of discharge" if progress.recurred
            else "no new episode within 12 months of discharge",
            Verdict.WORSE if progress.recurred else None))
    if progress.recurred:
        verdict = ClaimVerdict.WORSE
    elif done and done[-1].verdict is not None:
        verdict = _FROM_VERDICT[done[-1].verdict]  # the latest follow-up speaks for now
    else:
        verdict = ClaimVerdict.NOT_MEASURED
    due = [f for f in progress.lasting if f.status is FollowUpStatus.DUE]
    notes = [f"{progress.visits_held} sessions in this episode."]
    if not progress.lasting:
        notes.append("Not discharged yet: follow-ups come 3 and 12 months after discharge.")
    notes += [f"The {f.months}-month follow-up is due since {f.due_on:%-d %b %Y}." for f in due]
    return ClaimResult(claim, verdict, tuple(evidence), " ".join(notes))


def _side_effects(claim: Claim, progress: EpisodeProgress) -> ClaimResult:
    safety = progress.safety
    if not safety.treatments:
        return ClaimResult(claim, ClaimVerdict.NOT_MEASURED, (), "No treatment recorded yet.")
    kinds = ", ".join(f"{kind.replace('_', ' ')} {n}" for kind, n in safety.by_kind)
    rate = safety.rate
    assert rate is not None  # noqa: S101 - there are treatments
    words = (f"{safety.events} adverse event(s) in {safety.treatments} treatments "
             f"({number(rate.rate)} per 1,000; 95 % CI {number(rate.ci[0])}-"
             f"{number(rate.ci[1])})" + (f": {kinds}" if kinds else ""))
    if safety.serious or safety.moderate_or_worse:
        return ClaimResult(claim, ClaimVerdict.NOT_HELD, (Evidence(
            "adverse_events", f"{words}; {safety.serious} serious, {safety.moderate_or_worse} "
            "moderate or severe", Verdict.WORSE),), claim.not_covered)
    return ClaimResult(claim, ClaimVerdict.HELD, (Evidence("adverse_events", words),),
                       claim.not_covered)


def _tailored(claim: Claim, plan_points: int | None) -> ClaimResult:
    if plan_points is None:
        return ClaimResult(claim, ClaimVerdict.NOT_MEASURED, (), "No plan recorded.")
    verdict = ClaimVerdict.HELD if plan_points else ClaimVerdict.NOT_HELD
    return ClaimResult(claim, verdict, (Evidence(
        "plan", f"an individual plan with {plan_points} point(s)"),), claim.not_covered)


def _safe_practice(claim: Claim, visits: Sequence[Any]) -> ClaimResult:
    if not visits:
        return ClaimResult(claim, ClaimVerdict.NOT_MEASURED, (), "No treatment recorded yet.")
    licensed = sum(1 for v in visits if v.practitioner_licensed)
    needles = sum(v.needles for v in visits)
    with_lot = sum(v.needles_with_lot for v in visits)
    evidence = (Evidence("licence", f"{licensed} of {len(visits)} treatments by a practitioner "
                         "with a licence on record"),
                Evidence("needle_lots", f"needle lot recorded for {with_lot} of {needles} "
                         "points needled"))
    held = licensed == len(visits) and with_lot == needles
    return ClaimResult(claim, ClaimVerdict.HELD if held else ClaimVerdict.NOT_HELD, evidence,
                       claim.not_covered)


def _beside(claim: Claim, progress: EpisodeProgress, visits: Sequence[Any]) -> ClaimResult:
    others = Counter(c for v in visits for c in v.co_interventions)
    if any(p.drugs for p in progress.painkillers.points):
        others["painkillers"] = sum(1 for p in progress.painkillers.points if p.drugs)
    if not others:
        return ClaimResult(claim, ClaimVerdict.NOT_MEASURED, (),
                           "No co-intervention recorded at the visits.")
    outcome = _change(claim, progress)
    beside = Evidence("co_interventions", "beside: " + ", ".join(
        f"{name.replace('_', ' ')} ({n})" for name, n in sorted(others.items())))
    return ClaimResult(claim, outcome.verdict, (beside, *outcome.evidence), claim.not_covered)


def episode_ledger(progress: EpisodeProgress, *, plan_points: int | None = None,
                   visits: Sequence[Any] = ()) -> Ledger:
    """Every claim against one episode. ``visits`` are the episode's `VisitRow`s (for the
    co-interventions, licences and needle lots), ``plan_points`` its current plan's points
    (None: no plan)."""
    results = []
    for claim in claims().claims:
        if claim.kind == "change":
            result = _lasting(claim, progress) if claim.id == "lasting" else _change(
                claim, progress)
        elif claim.kind == "safety":
            result = _side_effects(claim, progress)
        elif claim.id == "tailored":
            result = _tailored(claim, plan_points)
        elif claim.id == "safe_practice":
            result = _safe_practice(claim, visits)
        elif claim.kind == "beside":
            result = _beside(claim, progress, visits)
        else:  # lab, cost: acuback records nothing that could show them
            result = ClaimResult(claim, ClaimVerdict.NOT_MEASURED, (), claim.not_covered)
        results.append(result)
    return Ledger(progress.episode_id, tuple(results), claims().version,
                  progress.safety.events, progress.safety.treatments)


# --- across a clinic --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClinicClaim:
    claim: Claim
    counts: tuple[tuple[ClaimVerdict, int], ...]  # every verdict, in the enum's order
    improved: Proportion | None  # improved among the episodes judged; None when none was

    def count(self, verdict: ClaimVerdict) -> int:
        return dict(self.counts)[verdict]

    def as_dict(self) -> dict[str, object]:
        improved = None if self.improved is None else {
            "improved": self.improved.successes, "judged": self.improved.n,
            "rate": self.improved.rate, "ci": list(self.improved.ci)}
        return {"claim": self.claim.id, "words": self.claim.claim, "kind": self.claim.kind,
                "counts": {v.value: n for v, n in self.counts}, "improved": improved}


@dataclass(frozen=True, slots=True)
class ClinicLedger:
    episodes: int
    claims: tuple[ClinicClaim, ...]
    adverse_events: Rate | None  # over every treatment of those episodes
    claims_version: str
    rules_version: str = LEDGER_RULES_VERSION

    def as_dict(self) -> dict[str, object]:
        rate = None if self.adverse_events is None else {
            "events": self.adverse_events.events, "treatments": self.adverse_events.treatments,
            "per": self.adverse_events.per, "rate": self.adverse_events.rate,
            "ci": list(self.adverse_events.ci)}
        return {"episodes": self.episodes, "claims": [c.as_dict() for c in self.claims],
                "adverse_events": rate, "claims_version": self.claims_version,
                "rules_version": self.rules_version}


_JUDGED = (ClaimVerdict.IMPROVED, ClaimVerdict.NO_CHANGE, ClaimVerdict.WORSE)


def clinic_ledger(ledgers: Iterable[Ledger]) -> ClinicLedger:
    """Each claim's verdicts counted over the episodes; for a change claim, the share improved
    among the episodes where it could be judged, with its Wilson 95 % interval."""
    ledgers = list(ledgers)
    rows = []
    for index, claim in enumerate(claims().claims):
        counted = Counter(ledger.results[index].verdict for ledger in ledgers)
        judged = sum(counted[v] for v in _JUDGED)
        rows.append(ClinicClaim(
            claim, tuple((v, counted[v]) for v in ClaimVerdict),
            proportion(counted[ClaimVerdict.IMPROVED], judged) if judged else None))
    events = sum(ledger.safety_events for ledger in ledgers)
    treatments = sum(ledger.safety_treatments for ledger in ledgers)
    return ClinicLedger(len(ledgers), tuple(rows),
                        rate_per_treatments(events, treatments) if treatments else None,
                        claims().version)
