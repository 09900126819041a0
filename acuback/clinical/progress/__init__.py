"""An episode's progress, everything derived: each measure's baseline against its latest and
every follow-up, pain at the visits, painkillers, mobility, adverse events per treatment, the
plan's goals, Medicare's improvement, the re-assessment's recommendation, and whether relief
lasted after discharge.

    from acuback.clinical.progress import EpisodeRows, episode_progress
    progress = episode_progress(rows, today=dt.date(2026, 6, 1))
    progress.as_dict()   # JSON, with the rule and data versions it was computed with

Pure: a function of plain rows (`rows.EpisodeRows`), so the episode page, the API, the PDF
reports and a cohort report of thousands of episodes all compute the same thing. The claims
ledger (`acuback.clinical.claims`) reads its verdicts from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import fmean

from acuback.clinical.instruments import CHANGE_RULES_VERSION, Verdict, get
from acuback.clinical.outcomes import (
    OUTCOME_RULES_VERSION,
    ImprovementEvidence,
    InstrumentOutcome,
    Measurement,
    coverage_improvement,
    episode_outcome,
    instrument_outcome,
    reassessment_due,
    reassessment_visit,
)
from acuback.clinical.progress.goals import GoalProgress, GoalStatus, goals_progress
from acuback.clinical.progress.lasting import (
    FollowUpStatus,
    LastingFollowUp,
    lasting_follow_ups,
    recurred,
)
from acuback.clinical.progress.mobility import MobilityOutcome, mobility_outcomes
from acuback.clinical.progress.painkillers import PainkillerOutcome, painkiller_outcome
from acuback.clinical.progress.recommendation import Advice, Recommendation, recommend
from acuback.clinical.progress.rows import (
    AdverseEventRow,
    EpisodeRows,
    Goal,
    PainkillerRow,
    VisitRow,
)
from acuback.clinical.progress.safety import SafetySummary, safety_summary

# Bump when any rule in this package changes; stored with each report.
PROGRESS_RULES_VERSION = "progress/acuback-1"

__all__ = [
    "PROGRESS_RULES_VERSION",
    "AdverseEventRow",
    "Advice",
    "EpisodeProgress",
    "EpisodeRows",
    "FollowUpStatus",
    "Goal",
    "GoalProgress",
    "GoalStatus",
    "LastingFollowUp",
    "MobilityOutcome",
    "PainkillerOutcome",
    "PainkillerRow",
    "Recommendation",
    "SafetySummary",
    "VisitRow",
    "episode_progress",
]


@dataclass(frozen=True, slots=True)
class VisitPain:
    number: int
    on: dt.date
    before: int | None
    after: int | None


@dataclass(frozen=True, slots=True)
class EpisodeProgress:
    episode_id: int
    today: dt.date
    instruments: tuple[InstrumentOutcome, ...]  # questionnaires, in the registry's order
    visit_pain: tuple[VisitPain, ...]  # pain NRS at each visit, oldest first
    visit_pain_outcome: InstrumentOutcome | None  # first against last pain before needling
    painkillers: PainkillerOutcome
    mobility: tuple[MobilityOutcome, ...]
    safety: SafetySummary
    goals: tuple[GoalProgress, ...]
    improvement: ImprovementEvidence  # Medicare's improving / not improving / regressing
    advice: Advice
    visits_held: int
    lasting: tuple[LastingFollowUp, ...]
    recurred: bool | None
    data_versions: tuple[str, ...] = ()

    def outcome(self, instrument: str) -> InstrumentOutcome | None:
        return next((o for o in self.instruments if o.instrument == instrument), None)

    @property
    def worse_than_baseline(self) -> tuple[str, ...]:
        """What is worse than at baseline by the minimal important change: instrument ids,
        plus "visit_pain" and "painkillers" when those are."""
        worse = [o.instrument for o in self.instruments if o.worse_than_baseline]
        if self.visit_pain_outcome is not None and self.visit_pain_outcome.worse_than_baseline:
            worse.append("visit_pain")
        if self.painkillers.verdict is Verdict.WORSE:
            worse.append("painkillers")
        return tuple(worse)

    @property
    def immediate_relief(self) -> float | None:
        """Mean pain drop from before to after needling, over visits that asked both."""
        drops = [p.before - p.after for p in self.visit_pain
                 if p.before is not None and p.after is not None]
        return round(fmean(drops), 2) if drops else None

    @property
    def next_reassessment_visit(self) -> int:
        return reassessment_visit(self.visits_held + 1)

    @property
    def reassessment_due(self) -> bool:
        """True when the visit just held is a re-assessment visit (12, 22, ...)."""
        return self.visits_held >= 1 and reassessment_due(self.visits_held)

    @property
    def versions(self) -> dict[str, object]:
        return {
            "progress_rules": PROGRESS_RULES_VERSION, "outcome_rules": OUTCOME_RULES_VERSION,
            "change_rules": CHANGE_RULES_VERSION,
            "instruments": {o.instrument: get(o.instrument).version for o in self.instruments},
            "data": list(self.data_versions),
        }

    def as_dict(self) -> dict[str, object]:
        return {
            "episode_id": self.episode_id, "as_of": self.today.isoformat(),
            "instruments": [o.as_dict() for o in self.instruments],
            "visit_pain": [{"visit": p.number, "on": p.on.isoformat(), "before": p.before,
                            "after": p.after} for p in self.visit_pain],
            "visit_pain_outcome": None if self.visit_pain_outcome is None
            else self.visit_pain_outcome.as_dict(),
            "immediate_relief": self.immediate_relief,
            "painkillers": self.painkillers.as_dict(),
            "mobility": [m.as_dict() for m in self.mobility],
            "adverse_events": self.safety.as_dict(),
            "goals": [g.as_dict() for g in self.goals],
            "improvement": self.improvement.as_dict(),
            "recommendation": self.advice.as_dict(),
            "visits_held": self.visits_held,
            "reassessment": {"due_now": self.reassessment_due,
                             "next_visit": self.next_reassessment_visit},
            "lasting": [f.as_dict() for f in self.lasting],
            "recurred": self.recurred,
            "worse_than_baseline": list(self.worse_than_baseline),
            "versions": self.versions,
        }


def episode_progress(rows: EpisodeRows, *, today: dt.date) -> EpisodeProgress:
    outcomes = episode_outcome(rows.measurements)
    goals = goals_progress(rows.goals, outcomes)
    improvement = coverage_improvement(outcomes)
    visits = tuple(sorted(rows.visits, key=lambda v: v.number))
    return EpisodeProgress(
        episode_id=rows.episode_id, today=today, instruments=outcomes,
        visit_pain=tuple(VisitPain(v.number, v.on, v.pain_before, v.pain_after)
                         for v in visits),
        visit_pain_outcome=_visit_pain_outcome(visits),
        painkillers=painkiller_outcome(rows.painkillers, visits, rows.opened_on),
        mobility=mobility_outcomes(visits),
        safety=safety_summary(rows.adverse_events, len(visits)),
        goals=goals, improvement=improvement, advice=recommend(improvement, goals),
        visits_held=len(visits),
        lasting=lasting_follow_ups(rows.discharged_on, rows.measurements, today),
        recurred=recurred(rows.discharged_on, rows.next_episode_opened_on, today),
        data_versions=tuple(sorted(set(rows.data_versions))),
    )


def _visit_pain_outcome(visits: tuple[VisitRow, ...]) -> InstrumentOutcome | None:
    # The visit's pain is the pain NRS's scale, so its change is judged as the NRS's is.
    asked = [Measurement("nrs", v.on, v.pain_before) for v in visits if v.pain_before is not None]
    return instrument_outcome(asked) if asked else None
