"""Assessments and instruments over JSON (and FHIR R4 JSON)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema, Status

from acuback.accounts.access import NotFound, membership_of
from acuback.assessments import fhir, selectors, services
from acuback.assessments.models import Assessment, SafetyAlert, TimePoint
from acuback.clinical import instruments
from acuback.episodes.selectors import episode_get
from acuback.schemas import InputSchema

router = Router(tags=["assessments"])
instruments_router = Router(tags=["instruments"])

FHIR_JSON = "application/fhir+json"


class AssessmentIn(InputSchema):
    episode_id: int
    instrument: str = Field(max_length=20)
    # Any JSON values: the clinical core checks each one and names the item it rejects.
    answers: list[Any] = Field(max_length=100, description="item codes in order; null = skipped")
    time_point: TimePoint
    visit_number: int | None = Field(None, ge=1, le=200, description="only for before_visit")
    administered_at: dt.datetime | None = Field(None, description="default: now")


class AlertOut(Schema):
    id: int
    kind: str
    patient_id: int
    assessment_id: int | None
    screening_id: int | None
    raised_at: dt.datetime
    raised_by_id: int
    acknowledged_at: dt.datetime | None
    acknowledged_by_id: int | None
    note: str


class AssessmentOut(Schema):
    id: int
    episode_id: int
    instrument: str
    definition_version: str
    answers: list[int | None]
    results: dict[str, Any]
    total: float | None
    band: str
    time_point: str
    visit_number: int | None
    administered_at: dt.datetime
    entered_by: str
    entered_by_user_id: int
    created_at: dt.datetime
    alerts: list[AlertOut]

    @staticmethod
    def resolve_alerts(obj: Assessment) -> list[SafetyAlert]:
        return list(obj.alerts.all())


class EpisodeQuery(InputSchema):
    episode_id: int


class AcknowledgeIn(InputSchema):
    note: str = Field(max_length=2000, description="what was done; required")


class InstrumentOut(Schema):
    id: str
    name: str
    short_name: str
    version: str
    items: int
    ships_wording: bool
    copyright_holder: str
    copyright_terms: str


@router.get("/", response=list[AssessmentOut], summary="An episode's assessments, newest first")
def assessment_list(request: HttpRequest, query: Query[EpisodeQuery]) -> list[Assessment]:
    episode = episode_get(actor=request.user, episode_id=query.episode_id)
    return selectors.assessments_of_episode(actor=request.user, episode=episode)


@router.post("/", response={201: AssessmentOut}, summary="Record (score and store) a response")
def assessment_create(request: HttpRequest, payload: AssessmentIn) -> Status[Assessment]:
    episode = episode_get(actor=request.user, episode_id=payload.episode_id)
    return Status(201, services.assessment_record(
        actor=request.user, episode=episode, instrument=payload.instrument,
        answers=payload.answers, time_point=payload.time_point,
        visit_number=payload.visit_number, administered_at=payload.administered_at,
    ))


@router.get("/{assessment_id}", response=AssessmentOut, summary="One assessment")
def assessment_detail(request: HttpRequest, assessment_id: int) -> Assessment:
    return selectors.assessment_get(actor=request.user, assessment_id=assessment_id)


@router.get("/{assessment_id}/fhir/questionnaire-response",
            summary="The assessment as a FHIR R4 QuestionnaireResponse")
def assessment_fhir_response(request: HttpRequest, assessment_id: int) -> JsonResponse:
    assessment = selectors.assessment_get(actor=request.user, assessment_id=assessment_id)
    fhir.export_audit(actor=request.user, assessment=assessment,
                      resource_type="QuestionnaireResponse")
    return JsonResponse(fhir.questionnaire_response(assessment), content_type=FHIR_JSON)


@router.get("/{assessment_id}/fhir/observation",
            summary="The assessment's score as a FHIR R4 Observation")
def assessment_fhir_observation(request: HttpRequest, assessment_id: int) -> JsonResponse:
    assessment = selectors.assessment_get(actor=request.user, assessment_id=assessment_id)
    fhir.export_audit(actor=request.user, assessment=assessment, resource_type="Observation")
    return JsonResponse(fhir.score_observation(assessment), content_type=FHIR_JSON)


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut,
             summary="Acknowledge a safety alert (clinicians)")
def alert_acknowledge(request: HttpRequest, alert_id: int, payload: AcknowledgeIn) -> SafetyAlert:
    alert = selectors.alert_get(actor=request.user, alert_id=alert_id)
    return services.alert_acknowledge(actor=request.user, alert=alert, note=payload.note)


@instruments_router.get("/", response=list[InstrumentOut], summary="The questionnaires")
def instrument_list(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {"id": d.id, "name": d.name, "short_name": d.short_name, "version": d.version,
         "items": len(d.items), "ships_wording": d.ships_wording,
         "copyright_holder": d.copyright.holder, "copyright_terms": d.copyright.terms}
        for d in instruments.INSTRUMENTS.values()
    ]


@instruments_router.get("/{instrument_id}/fhir/questionnaire",
                        summary="The instrument as a FHIR R4 Questionnaire")
def instrument_questionnaire(request: HttpRequest, instrument_id: str) -> JsonResponse:
    if membership_of(request.user) is None or instrument_id not in instruments.INSTRUMENTS:
        raise NotFound("no such questionnaire")
    resource = fhir.questionnaire_for(actor=request.user, instrument=instrument_id)
    return JsonResponse(resource, content_type=FHIR_JSON)
