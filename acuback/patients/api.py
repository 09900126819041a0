"""Patients over JSON: thin endpoints over the selectors and services."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from acuback.episodes.api import EpisodeOut
from acuback.episodes.selectors import episodes_of_patient
from acuback.patients import selectors, services
from acuback.patients.models import Patient, Sex
from acuback.schemas import InputSchema

router = Router(tags=["patients"])


class PatientIn(InputSchema):
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    date_of_birth: dt.date
    sex: Sex
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=1000)
    practitioner_id: int | None = None


class PatientUpdateIn(PatientIn):
    version: int = Field(ge=1, description="the version you read; a stale one answers 409")


class PatientOut(Schema):
    id: int
    given_name: str
    family_name: str
    date_of_birth: dt.date
    sex: str
    email: str
    phone: str
    address: str
    practitioner_id: int | None
    version: int


class ActiveEpisodeOut(Schema):
    id: int
    region: str
    opened_on: dt.date


class PatientListOut(PatientOut):
    """A patient with the list's columns (acuback.patients.listing). The clinical ones are
    null for front desk."""

    open_alerts: int | None = Field(
        None, description="unacknowledged safety alerts; null for front desk (clinical content)"
    )
    active_episode: ActiveEpisodeOut | None = Field(
        None, description="the latest active episode of care, if any")
    questionnaires_due: int | None = Field(
        None, description="baselines of the core measures (function, pain) still missing in "
        "the active episodes; null for front desk")
    last_visit: dt.datetime | None = Field(None, description="when the latest visit began")


class PatientPageOut(Schema):
    count: int = Field(description="patients matching, counted up to 1,000")
    count_capped: bool = Field(description="true when more than `count` match")
    next_after: int | None = Field(description="send as `after` for the next page")
    previous_before: int | None = Field(description="send as `before` for the previous page")
    results: list[PatientListOut]


class PatientSearchIn(InputSchema):
    q: str = Field("", max_length=100, description="words of the name (one typo forgiven), "
                   "a phone number in any format, an email address or a date of birth")
    date_of_birth: dt.date | None = None
    after: int | None = Field(None, ge=1, description="the page after this patient id")
    before: int | None = Field(None, ge=1, description="the page before this patient id")


class HealthOut(Schema):
    pregnant: bool
    pregnancy_weeks: int | None
    anticoagulant: bool
    bleeding_disorder: bool
    implanted_device: str
    needle_phobia: bool
    immunosuppressed: bool
    diabetes: bool
    epilepsy: bool
    metal_allergy: bool
    skin_conditions: str
    skin_lesion_regions: list[str]
    medications: str


class HealthIn(InputSchema):
    pregnant: bool = False
    pregnancy_weeks: int | None = Field(None, ge=0, le=45)
    anticoagulant: bool = False
    bleeding_disorder: bool = False
    implanted_device: str = "none"
    needle_phobia: bool = False
    immunosuppressed: bool = False
    diabetes: bool = False
    epilepsy: bool = False
    metal_allergy: bool = False
    skin_conditions: str = Field("", max_length=300)
    skin_lesion_regions: list[str] = []
    medications: str = Field("", max_length=4000)


def _input(payload: PatientIn) -> services.PatientInput:
    return services.PatientInput(**payload.model_dump(exclude={"version"}))


@router.get("/", response=PatientPageOut, summary="Search the clinic's patients")
def patient_list(request: HttpRequest, filters: Query[PatientSearchIn]) -> dict[str, object]:
    search = selectors.PatientSearch(filters.q, filters.date_of_birth, filters.after,
                                     filters.before)
    page = selectors.patient_search(actor=request.user, search=search, columns=True)
    return {"count": page.count, "count_capped": page.count_capped,
            "next_after": page.next_after, "previous_before": page.previous_before,
            "results": page.rows}


@router.post("/", response={201: PatientOut}, summary="Register a patient")
def patient_create(request: HttpRequest, payload: PatientIn) -> Status[Patient]:
    return Status(201, services.patient_create(actor=request.user, data=_input(payload)))


@router.get("/{patient_id}", response=PatientOut, summary="A patient's demographics")
def patient_detail(request: HttpRequest, patient_id: int) -> Patient:
    return selectors.patient_get(actor=request.user, patient_id=patient_id)


@router.put("/{patient_id}", response=PatientOut, summary="Update a patient's demographics")
def patient_update(request: HttpRequest, patient_id: int, payload: PatientUpdateIn) -> Patient:
    patient = selectors.patient_get(actor=request.user, patient_id=patient_id)
    return services.patient_update(
        actor=request.user, patient=patient, data=_input(payload), version=payload.version
    )


@router.get("/{patient_id}/health", response=HealthOut, summary="A patient's health history")
def health_detail(request: HttpRequest, patient_id: int) -> object:
    return selectors.health_history_get(actor=request.user, patient_id=patient_id)


@router.put("/{patient_id}/health", response=HealthOut, summary="Update the health history")
def health_update(request: HttpRequest, patient_id: int, payload: HealthIn) -> object:
    patient = selectors.patient_get_clinical(
        actor=request.user, patient_id=patient_id, what="health_history"
    )
    return services.health_history_update(
        actor=request.user, patient=patient, data=services.HealthInput(**payload.model_dump())
    )


@router.get("/{patient_id}/episodes", response=list[EpisodeOut], summary="A patient's episodes")
def patient_episodes(request: HttpRequest, patient_id: int) -> list[object]:
    patient = selectors.patient_get_clinical(
        actor=request.user, patient_id=patient_id, what="episode"
    )
    return list(episodes_of_patient(actor=request.user, patient=patient))
