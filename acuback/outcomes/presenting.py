"""How outcomes read on pages and in reports: the same words everywhere.

Numbers and verdicts come from the clinical core; this module only puts them into words.
"""

from __future__ import annotations

from acuback.clinical.claims import ClaimVerdict, number
from acuback.clinical.coverage import Improvement
from acuback.clinical.instruments import Verdict, get
from acuback.clinical.outcomes import InstrumentOutcome
from acuback.clinical.progress import EpisodeProgress, GoalStatus, Recommendation

VERDICT_WORDS = {Verdict.IMPROVED: "improved", Verdict.NO_CHANGE: "no change",
                 Verdict.WORSE: "worse"}
GOAL_WORDS = {GoalStatus.MET: "met", GoalStatus.NOT_YET: "not yet", GoalStatus.WORSE: "worse",
              GoalStatus.NOT_MEASURED: "not measured yet",
              GoalStatus.IN_WORDS: "in words: the clinician judges"}
RECOMMENDATION_WORDS = {Recommendation.CONTINUE: "Continue the plan",
                        Recommendation.CHANGE: "Change the plan",
                        Recommendation.STOP: "Stop treatment"}
IMPROVEMENT_WORDS = {Improvement.IMPROVING: "Improving", Improvement.NOT_IMPROVING:
                     "Not improving", Improvement.REGRESSING: "Regressing"}
# CSS classes of each verdict's pill (acuback.css: .pill.ok / .warn / .danger / .neutral).
TONES = {Verdict.IMPROVED: "ok", Verdict.NO_CHANGE: "neutral", Verdict.WORSE: "danger",
         ClaimVerdict.IMPROVED: "ok", ClaimVerdict.HELD: "ok", ClaimVerdict.NO_CHANGE: "neutral",
         ClaimVerdict.NO_THRESHOLD: "neutral", ClaimVerdict.NOT_MEASURED: "muted",
         ClaimVerdict.WORSE: "danger", ClaimVerdict.NOT_HELD: "danger",
         GoalStatus.MET: "ok", GoalStatus.NOT_YET: "neutral", GoalStatus.WORSE: "danger",
         GoalStatus.NOT_MEASURED: "muted", GoalStatus.IN_WORDS: "muted"}


def measure_name(measure: str) -> str:
    """What `EpisodeProgress.worse_than_baseline` names, in words."""
    special = {"visit_pain": "pain before needling", "painkillers": "painkiller use"}
    return special.get(measure) or get(measure).short_name


def verdict_words(outcome: InstrumentOutcome) -> str:
    if outcome.verdict is not None:
        return VERDICT_WORDS[outcome.verdict]
    return "baseline only" if not outcome.follow_ups else "reported only"


def method_words(outcome: InstrumentOutcome) -> str:
    """The two IMMPACT methods, each met or not, or why there is no verdict."""
    mic = get(outcome.instrument).mic
    change = outcome.latest_change
    if mic.improved_codes:
        return "much or very much improved counts"
    if not mic.has_threshold:
        return "no agreed threshold"
    parts = []
    if mic.points is not None:
        met = "" if change is None else (" met" if change.meets_points else " not met")
        parts.append(f"{number(mic.points)} pts{met}")
    if mic.percent is not None:
        met = "" if change is None or change.meets_percent is None else (
            " met" if change.meets_percent else " not met")
        parts.append(f"{number(mic.percent)} %{met}")
    return "; ".join(parts)


def describe_change(outcome: InstrumentOutcome) -> list[str]:
    """[baseline, latest, change, methods, verdict] as table cells."""
    if outcome.baseline is None:  # PGIC
        label = get(outcome.instrument).items[0].option(int(outcome.latest.total)).label
        return ["—", f"{label} ({outcome.latest.taken_on:%-d %b %Y})", "rating of change",
                method_words(outcome), verdict_words(outcome)]
    baseline = f"{number(outcome.baseline.total)} ({outcome.baseline.taken_on:%-d %b %Y})"
    change = outcome.latest_change
    if change is None or change.improvement is None:
        return [baseline, "—", "—", method_words(outcome), verdict_words(outcome)]
    latest = f"{number(outcome.latest.total)} ({outcome.latest.taken_on:%-d %b %Y})"
    return [baseline, latest, change_words(outcome), method_words(outcome),
            verdict_words(outcome)]


def change_words(outcome: InstrumentOutcome) -> str:
    change = outcome.latest_change
    if change is None or change.improvement is None:
        return "—"
    direction = "better" if change.improvement > 0 else "worse" if change.improvement < 0 else ""
    percent = "" if change.percent is None else f" ({number(abs(change.percent))} %)"
    return f"{number(abs(change.improvement))} {direction}{percent}".replace("  ", " ").strip()


def improvement_words(progress: EpisodeProgress) -> str:
    """Medicare's improving / not improving / regressing, naming the measures it rests on."""
    improvement = progress.improvement
    if improvement.status is None:
        return "Improvement: not documented yet (no follow-up of pain or function)."
    by_verdict: dict[Verdict, list[str]] = {}
    for outcome in improvement.evidence:
        if outcome.verdict is not None:
            by_verdict.setdefault(outcome.verdict, []).append(get(outcome.instrument).short_name)
    if improvement.status is Improvement.REGRESSING:
        why = f"worse than baseline on {', '.join(by_verdict[Verdict.WORSE])}"
    elif improvement.status is Improvement.IMPROVING:
        why = ("better by at least the minimal important change on "
               f"{', '.join(by_verdict[Verdict.IMPROVED])}")
    else:
        names = ", ".join(get(o.instrument).short_name for o in improvement.evidence)
        why = f"no minimal important change on {names}"
    return f"{IMPROVEMENT_WORDS[improvement.status]}: {why}."
