"""The re-assessment's recommendation: continue, change or stop.

The re-assessment follows the Medicare therapy progress-report model (Benefit Policy Manual
ch. 15, 220.3: at least once every 10 treatment days, measured progress on each goal and the
plan from here), at visit 12 and every 10 visits after (`outcomes.reassessment_visit`).
Our rules, in this order (UNCONFIRMED: the manual leaves the decision to the clinician):

1. Regressing on pain or function (any measure worse by the minimal important change):
   stop and review (NCD 30.3.3: treatment must be discontinued when the patient regresses).
2. Every goal with a target met: stop, the goals are reached; ask again 3 and 12 months on.
3. Not improving (no measure by the minimal important change): change the plan. For Medicare
   patients NCD 30.3.3 ends coverage when a patient is not improving.
4. Improving: continue.
No follow-up of pain or function yet: no recommendation; measure first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from acuback.clinical.coverage import Improvement
from acuback.clinical.instruments import Verdict, get
from acuback.clinical.outcomes import ImprovementEvidence
from acuback.clinical.progress.goals import GoalProgress, GoalStatus


class Recommendation(StrEnum):
    CONTINUE = "continue"
    CHANGE = "change"
    STOP = "stop"


@dataclass(frozen=True, slots=True)
class Advice:
    recommendation: Recommendation | None
    why: str

    def as_dict(self) -> dict[str, object]:
        return {"recommendation": None if self.recommendation is None
                else self.recommendation.value, "why": self.why}


def _names(improvement: ImprovementEvidence, verdict: Verdict | None = None) -> str:
    return ", ".join(get(o.instrument).short_name for o in improvement.evidence
                     if verdict is None or o.verdict is verdict)


def recommend(improvement: ImprovementEvidence, goals: tuple[GoalProgress, ...]) -> Advice:
    targets = [g for g in goals if g.status is not GoalStatus.IN_WORDS]
    if improvement.status is Improvement.REGRESSING:
        return Advice(Recommendation.STOP, "Stop and review: worse than baseline on "
                      f"{_names(improvement, Verdict.WORSE)}.")
    if targets and all(g.status is GoalStatus.MET for g in targets):
        return Advice(Recommendation.STOP, "Stop: every measured goal is met; ask again 3 and "
                      "12 months after discharge.")
    if improvement.status is Improvement.NOT_IMPROVING:
        return Advice(Recommendation.CHANGE, "Change the plan: no minimal important change on "
                      f"{_names(improvement)}. Medicare (NCD 30.3.3) stops covering treatment "
                      "that is not improving.")
    if improvement.status is Improvement.IMPROVING:
        return Advice(Recommendation.CONTINUE, "Continue: better by at least the minimal "
                      f"important change on {_names(improvement, Verdict.IMPROVED)}.")
    return Advice(None, "No recommendation yet: measure pain and function again first.")
