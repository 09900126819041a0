"""Patients over JSON: thin endpoints over the selectors and services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from acuback.episodes.api import EpisodeOut
from acuback.episodes.selectors import episodes_of_patient
from acuback.patients import selectors, services
from acuback.patients.models import (
    AnswerSource,
    HealthHistory,
    HealthHistoryVersion,
    ImplantedDevice,
    Patient,
    Sex,
)
from acuback.schemas import InputSchema

router = Router(tags=["patients"])


class PatientFieldsIn(InputSchema):
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    date_of_birth: dt.date
    sex: Sex
    email: str = Field("", max_length=254, description="checked for syntax; stored with the "
                       "domain in lower case")
    phone: str = Field("", max_length=40, description="any formatting; without a country code "
                       "it is read as the clinic's country's. Stored and answered in E.164")
    address: str = Field("", max_length=1000)
    practitioner_id: int | None = None


class PatientIn(PatientFieldsIn):
    confirm_duplicate: bool = Field(
        False, description="register even though a likely duplicate exists (same names and "
        "date of birth, same phone or same e-mail); without it such a registration answers "
        "409 with the `candidates`")


class PatientUpdateIn(PatientFieldsIn):
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


class AnsweredOut(Schema):
    by: int = Field(description="the user who recorded the answer")
    name: str
    at: dt.datetime
    source: AnswerSource = Field(description="patient: patient-reported; clinician: clinician's")


class HealthOut(Schema):
    """Every question is true (yes), false (no) or null (not asked): null is never "no"."""

    pregnant: bool | None
    pregnancy_weeks: int | None
    anticoagulant: bool | None
    bleeding_disorder: bool | None
    implanted_device: str | None = Field(description="none = asked, no device; null = not asked")
    needle_phobia: bool | None
    immunosuppressed: bool | None
    diabetes: bool | None
    epilepsy: bool | None
    metal_allergy: bool | None
    skin_conditions: str
    skin_lesion_regions: list[str] | None = Field(description="[] = none; null = not asked")
    medications: str
    version: int = Field(description="send it back with PUT or PATCH; a stale one answers 409")
    not_asked: list[str]
    answered: dict[str, AnsweredOut] = Field(description="per question: who, when, from whom")

    @staticmethod
    def resolve_implanted_device(health: HealthHistory) -> str | None:
        return health.implanted_device or None


_VERSION = Field(ge=1, description="the version you read; a stale one answers 409 with both")
_SOURCE = Field(description="who gave these answers: patient (patient-reported) or clinician")
Answer = StrictBool | None  # a strict boolean: "no", 0 and "false" are refused, not guessed


class HealthPutIn(InputSchema):
    """Replace the whole history: every question must be sent (null = not asked)."""

    version: int = _VERSION
    source: AnswerSource = _SOURCE
    pregnant: Answer
    pregnancy_weeks: StrictInt | None = Field(ge=0, le=45)
    anticoagulant: Answer
    bleeding_disorder: Answer
    implanted_device: ImplantedDevice | None
    needle_phobia: Answer
    immunosuppressed: Answer
    diabetes: Answer
    epilepsy: Answer
    metal_allergy: Answer
    skin_conditions: str = Field(max_length=300)
    skin_lesion_regions: list[str] | None
    medications: str = Field(max_length=4000)


class HealthPatchIn(InputSchema):
    """Change only the keys sent; every other answer stays exactly as it is."""

    version: int = _VERSION
    source: AnswerSource = _SOURCE
    pregnant: Answer = None
    pregnancy_weeks: StrictInt | None = Field(None, ge=0, le=45)
    anticoagulant: Answer = None
    bleeding_disorder: Answer = None
    implanted_device: ImplantedDevice | None = None
    needle_phobia: Answer = None
    immunosuppressed: Answer = None
    diabetes: Answer = None
    epilepsy: Answer = None
    metal_allergy: Answer = None
    skin_conditions: str = Field("", max_length=300)
    skin_lesion_regions: list[str] | None = None
    medications: str = Field("", max_length=4000)


class HealthVersionOut(Schema):
    version: int
    answers: dict[str, Any]
    asked: list[str]
    changed: dict[str, list[Any]] = Field(description="{key: [old, new]}")
    source: str
    recorded_by: str | None
    recorded_at: dt.datetime

    @staticmethod
    def resolve_recorded_by(version: HealthHistoryVersion) -> str | None:
        return version.recorded_by.username if version.recorded_by else None


def _input(payload: PatientFieldsIn) -> services.PatientInput:
    return services.PatientInput(**payload.model_dump(exclude={"version", "confirm_duplicate"}))


@router.get("/", response=PatientPageOut, summary="Search the clinic's patients")
def patient_list(request: HttpRequest, filters: Query[PatientSearchIn]) -> dict[str, object]:
    search = selectors.PatientSearch(filters.q, filters.date_of_birth, filters.after,
                                     filters.before)
    page = selectors.patient_search(actor=request.user, search=search, columns=True)
    return {"count": page.count, "count_capped": page.count_capped,
            "next_after": page.next_after, "previous_before": page.previous_before,
            "results": page.rows}


@router.post("/", response={201: PatientOut}, summary="Register a patient",
             description="A likely duplicate of a patient of the clinic answers 409 with "
             "`candidates` (id, names, date of birth, `matches`); send `confirm_duplicate: true` "
             "to register a different person anyway.")
def patient_create(request: HttpRequest, payload: PatientIn) -> Status[Patient]:
    return Status(201, services.patient_create(actor=request.user, data=_input(payload),
                                               confirm_duplicate=payload.confirm_duplicate))


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


def _health_write(request: HttpRequest, patient_id: int, payload: HealthPutIn | HealthPatchIn,
                  *, replace: bool) -> HealthHistory:
    patient = selectors.patient_get_clinical(
        actor=request.user, patient_id=patient_id, what="health_history"
    )
    sent = payload.model_dump(mode="json", exclude_unset=not replace,
                              exclude={"version", "source"})
    return services.health_history_write(
        actor=request.user, patient=patient, answers=sent, version=payload.version,
        source=payload.source, replace=replace,
    )


@router.put("/{patient_id}/health", response=HealthOut, summary="Replace the health history",
            description="Every question is required (null = not asked), with the `version` you "
            "read and the `source` of the answers. 409 with both versions on a stale version.")
def health_replace(request: HttpRequest, patient_id: int, payload: HealthPutIn) -> HealthHistory:
    return _health_write(request, patient_id, payload, replace=True)


@router.patch("/{patient_id}/health", response=HealthOut,
              summary="Change some answers of the health history",
              description="Only the keys sent change. `version` and `source` are required; "
              "409 with both versions on a stale version.")
def health_change(request: HttpRequest, patient_id: int, payload: HealthPatchIn) -> HealthHistory:
    return _health_write(request, patient_id, payload, replace=False)


@router.get("/{patient_id}/health/versions", response=list[HealthVersionOut],
            summary="Every version of the health history, newest first")
def health_versions(request: HttpRequest, patient_id: int) -> list[HealthHistoryVersion]:
    return selectors.health_history_versions(actor=request.user, patient_id=patient_id)


@router.get("/{patient_id}/episodes", response=list[EpisodeOut], summary="A patient's episodes")
def patient_episodes(request: HttpRequest, patient_id: int) -> list[object]:
    patient = selectors.patient_get_clinical(
        actor=request.user, patient_id=patient_id, what="episode"
    )
    return list(episodes_of_patient(actor=request.user, patient=patient))
