"""Red-flag screening over JSON: the episode's status, a new screen, a referral outcome."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from acuback.schemas import InputSchema
from acuback.screening import selectors, services
from acuback.screening.models import Referral, ReferralOutcome, Screening

router = Router(tags=["screening"])


class FiredOut(Schema):
    flag: str
    category: str
    why: str
    level: str


class ReferralOut(Schema):
    id: int
    outcome: str
    note: str
    recorded_by: str = Field(alias="recorded_by.username")
    recorded_at: dt.datetime


class ScreeningOut(Schema):
    id: int
    episode_id: int
    screened_on: dt.date
    age: int
    answers: dict[str, bool]
    decision: str
    fired: list[FiredOut]
    action: str
    nonspecific: bool
    rules_version: str
    rest_marked_no: list[str] = Field(description="the flags answered no by `rest_no`")
    recorded_by: str = Field(alias="recorded_by.username")
    recorded_at: dt.datetime
    referrals: list[ReferralOut] = Field(alias="referrals.all")


class StatusOut(Schema):
    planning_allowed: bool = Field(description="whether a treatment plan may be made now")
    why: str
    level: str = Field(description="ok, warn or danger: how the status is shown")
    needs_referral: bool
    current: ScreeningOut | None = Field(description="the latest screen, or null")


class ScreeningIn(InputSchema):
    flags: dict[str, bool | None] = Field(
        description="every red flag id -> true (yes) / false (no); null or left out means not "
        "answered, refused unless `rest_no`")
    rest_no: bool = Field(False, description="answer no to every flag not answered, on purpose "
                          "(the clinician asked each): stored in `rest_marked_no`")
    screened_on: dt.date | None = Field(None, description="default today; never after today")


class ReferralIn(InputSchema):
    outcome: ReferralOutcome
    note: str = Field("", max_length=services.NOTE_MAX)


@router.get("/episode/{episode_id}", response=StatusOut, summary="Red-flag status of an episode")
def screening_status(request: HttpRequest, episode_id: int) -> dict[str, object]:
    episode = selectors.clinical_episode_get(actor=request.user, episode_id=episode_id,
                                             what="screening")
    status = selectors.screening_status(episode)
    selectors.screening_history(actor=request.user, episode=episode)  # audits the read
    return {"planning_allowed": status.planning.allowed, "why": status.planning.why,
            "level": status.level, "needs_referral": status.needs_referral,
            "current": status.screening}


@router.post("/episode/{episode_id}", response={201: ScreeningOut},
             summary="Record a red-flag screen")
def screening_create(
    request: HttpRequest, episode_id: int, payload: ScreeningIn
) -> Status[Screening]:
    episode = selectors.clinical_episode_get(actor=request.user, episode_id=episode_id,
                                             what="screening", action="create")
    screening = services.screening_record(actor=request.user, episode=episode,
                                          flags=payload.flags, screened_on=payload.screened_on,
                                          rest_no=payload.rest_no)
    return Status(201, screening)


@router.post("/episode/{episode_id}/referral", response={201: ReferralOut},
             summary="Record the outcome of a referral after the latest screen")
def referral_create(
    request: HttpRequest, episode_id: int, payload: ReferralIn
) -> Status[Referral]:
    episode = selectors.clinical_episode_get(actor=request.user, episode_id=episode_id,
                                             what="referral", action="create")
    screening = selectors.screening_require(episode)
    referral = services.referral_record(actor=request.user, screening=screening,
                                        outcome=payload.outcome, note=payload.note)
    return Status(201, referral)
