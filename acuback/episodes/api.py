"""Episodes of care over JSON."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from acuback.episodes import selectors, services
from acuback.episodes.models import Episode, EpisodeStatus, Radiation, Region, Side
from acuback.schemas import InputSchema

router = Router(tags=["episodes"])


class EpisodeIn(InputSchema):
    onset_date: dt.date
    region: Region
    side: Side
    radiation: Radiation = Radiation.NONE
    icd10_code: str = Field(min_length=1, max_length=10)
    suspected_cause: str = Field("", max_length=300)
    surgery_associated: bool = False
    pregnancy_associated: bool = False


class EpisodeCreateIn(EpisodeIn):
    patient_id: int


class EpisodeUpdateIn(EpisodeIn):
    status: EpisodeStatus
    version: int = Field(ge=1)


class EpisodeOut(Schema):
    id: int
    patient_id: int
    onset_date: dt.date
    chronicity: str
    region: str
    side: str
    radiation: str
    icd10_code: str
    icd10_version: str
    suspected_cause: str
    surgery_associated: bool
    pregnancy_associated: bool
    status: str
    opened_on: dt.date
    closed_on: dt.date | None
    version: int


def _input(payload: EpisodeIn, status: str = EpisodeStatus.ACTIVE) -> services.EpisodeInput:
    data = payload.model_dump(exclude={"patient_id", "version", "status"})
    return services.EpisodeInput(status=status, **data)


@router.post("/", response={201: EpisodeOut}, summary="Open an episode of care")
def episode_create(request: HttpRequest, payload: EpisodeCreateIn) -> Status[Episode]:
    from acuback.patients.selectors import patient_get_clinical

    patient = patient_get_clinical(
        actor=request.user, patient_id=payload.patient_id, what="episode"
    )
    created = services.episode_create(actor=request.user, patient=patient, data=_input(payload))
    return Status(201, created)


@router.get("/{episode_id}", response=EpisodeOut, summary="An episode of care")
def episode_detail(request: HttpRequest, episode_id: int) -> Episode:
    return selectors.episode_get(actor=request.user, episode_id=episode_id)


@router.put("/{episode_id}", response=EpisodeOut, summary="Update an episode of care")
def episode_update(request: HttpRequest, episode_id: int, payload: EpisodeUpdateIn) -> Episode:
    episode = selectors.episode_get(actor=request.user, episode_id=episode_id)
    return services.episode_update(
        actor=request.user, episode=episode, data=_input(payload, payload.status),
        version=payload.version,
    )
