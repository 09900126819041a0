"""Treatment plans over JSON.

Saving is refused with 409 Conflict (application/problem+json, `detail` says why) while the
episode's red-flag screen blocks planning, or when someone saved a newer plan since `based_on`;
and with 422 when a point excluded for this patient has no override reason (`errors` names the
point: `override.BL60`) or one of the plan's own questionnaires is refused (`questionnaires.0`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from acuback.clinical.acupoints import canonical_code
from acuback.clinical.prescribing import Pattern, Side
from acuback.episodes.models import Episode
from acuback.plans import selectors, services
from acuback.plans.models import Plan
from acuback.schemas import InputSchema
from acuback.screening.selectors import clinical_episode_get

router = Router(tags=["plans"])


class ProposalQuery(InputSchema):
    pattern: Pattern | None = None
    estim_requested: bool = False


class PointIn(InputSchema):
    code: str = Field(min_length=1, max_length=12)
    side: Side | None = Field(None, description="default: both sides, or midline")
    why: str = Field("", max_length=300)
    override_reason: str = Field(
        "", max_length=500, description="required when the point is excluded for this patient"
    )


class GoalIn(InputSchema):
    instrument: str = Field("", description="an instrument id, e.g. odi")
    comparator: str = Field("", description="<, <=, > or >=")
    target: float | None = None
    text: str = Field("", max_length=300, description="or a goal in words")


class QuestionnaireIn(InputSchema):
    instrument: str = Field(max_length=20, description="an instrument id, e.g. phq9")
    moment: Literal["baseline", "before_visit", "every", "discharge", "after_discharge"]
    n: int | None = Field(None, description="the visit (before_visit, 1-60), the interval "
                          "(every, 1-30), the months (after_discharge, 1-24); none for "
                          "baseline and discharge")


class PlanIn(InputSchema):
    based_on: int = Field(ge=0, description="number of the current plan you revise; 0 if none")
    pattern: Pattern | None = None
    estim_requested: bool = False
    estim: bool = Field(False, description="use e-stim (only if the prescriber allows it)")
    points: list[PointIn]
    sessions: int
    per_week: int
    goals: list[GoalIn]
    reassess_after_session: int | None = None
    reassess_on: dt.date | None = None
    questionnaires: list[QuestionnaireIn] = Field(
        default_factory=list, max_length=20,
        description="asked beyond the default schedule (added to it, never replacing it); a "
        "revision states its own, as it does its goals: left out, the new version has none")


class PlanPointOut(Schema):
    code: str
    side: str
    why: str
    overridden: bool
    override_reason: str
    excluded_why: str


class DiffOut(Schema):
    code: str
    change: str
    proposed_side: str | None
    final_side: str | None


class PlanOut(Schema):
    id: int
    episode_id: int
    number: int
    points: list[PlanPointOut] = Field(alias="points.all")
    proposal: dict[str, Any]
    estim: bool
    sessions: int
    per_week: int
    goals: list[dict[str, Any]]
    reassess_after_session: int | None
    reassess_on: dt.date | None
    questionnaires: list[dict[str, Any]]
    created_by: str = Field(alias="created_by.username")
    created_at: dt.datetime
    diff: list[DiffOut]

    @staticmethod
    def resolve_diff(plan: Plan) -> list[Any]:
        return plan.diff()


def _episode(request: HttpRequest, episode_id: int, action: str = "read") -> Episode:
    return clinical_episode_get(actor=request.user, episode_id=episode_id, what="plan",
                                action=action)


@router.get("/episode/{episode_id}", response=PlanOut, summary="The episode's current plan")
def plan_detail(request: HttpRequest, episode_id: int) -> Plan:
    episode = _episode(request, episode_id)
    plan = selectors.plan_get_current(actor=request.user, episode=episode)
    if plan is None:
        raise HttpError(404, "This episode has no treatment plan yet.")
    return plan


@router.get("/episode/{episode_id}/proposal", response=dict[str, Any],
            summary="What the prescriber proposes for the episode now")
def plan_proposal(
    request: HttpRequest, episode_id: int, query: Query[ProposalQuery]
) -> dict[str, Any]:
    episode = _episode(request, episode_id)
    return selectors.plan_proposal(episode, pattern=query.pattern,
                                   estim_requested=query.estim_requested).to_dict()


@router.post("/episode/{episode_id}", response={201: PlanOut},
             summary="Save a new version of the episode's plan",
             description="The prescriber's proposal is recomputed from the episode, the health "
             "history, `pattern` and `estim_requested`, and kept with the plan. 409 while the "
             "red-flag screen blocks planning or when `based_on` is not the current plan; 422 "
             "when a point excluded for this patient has no `override_reason`.")
def plan_create(request: HttpRequest, episode_id: int, payload: PlanIn) -> Status[Plan]:
    episode = _episode(request, episode_id, "create")
    proposal = selectors.plan_proposal(episode, pattern=payload.pattern,
                                       estim_requested=payload.estim_requested)
    plan = services.plan_save(
        actor=request.user, episode=episode, proposal=proposal,
        points=[services.PointChoice(p.code, p.side or "", p.why) for p in payload.points],
        course=services.Course(payload.sessions, payload.per_week),
        goals=[services.Goal(**g.model_dump()) for g in payload.goals],
        reassess=services.Reassess(payload.reassess_after_session, payload.reassess_on),
        overrides=_overrides(payload.points), estim=payload.estim, based_on=payload.based_on,
        questionnaires=[services.Questionnaire(**q.model_dump()) for q in payload.questionnaires],
    )
    return Status(201, plan)


def _overrides(points: list[PointIn]) -> dict[str, str]:
    """Override reasons by canonical code, so "bl 60" and "BL60" name the same point."""
    return {canonical_code(p.code): p.override_reason for p in points if p.override_reason}
