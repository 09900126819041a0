"""FHIR R4 for stored assessments: the core's renderers (`acuback.clinical.instruments.fhir`)
fed with what the database remembers, and real references.

An R4 QuestionnaireResponse or Observation has no element for the episode of care (``encounter``
must point at an Encounter), so the episode travels in the standard extension
``workflow-episodeOfCare`` from the FHIR extensions pack.
"""

from __future__ import annotations

from typing import Any

from acuback.accounts.models import User
from acuback.assessments.models import Assessment, EnteredBy
from acuback.assessments.selectors import latest_wording, wording_of
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical import instruments
from acuback.clinical.instruments import fhir as core

EPISODE_OF_CARE = "http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare"
# When in the episode it was answered (baseline, before visit N, ...): acuback extensions, so an
# import puts the response back where it was.
TIME_POINT = f"{core.BASE}/StructureDefinition/assessment-time-point"
VISIT_NUMBER = f"{core.BASE}/StructureDefinition/assessment-visit-number"
# US Core 6+: scores of questionnaires are screening-assessment observations.
US_CORE_SCREENING = (
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-screening-assessment"
)

Json = dict[str, Any]


def patient_reference(assessment: Assessment) -> str:
    return f"Patient/{assessment.episode.patient_id}"


def episode_reference(assessment: Assessment) -> str:
    return f"EpisodeOfCare/{assessment.episode_id}"


def questionnaire_response_reference(assessment: Assessment) -> str:
    return f"QuestionnaireResponse/{assessment.pk}"


def _with_episode(resource: Json, assessment: Assessment, *extra: Json) -> Json:
    episode = {"reference": episode_reference(assessment)}
    extension = {"url": EPISODE_OF_CARE, "valueReference": episode}
    head = {"resourceType": resource.pop("resourceType"), "id": resource.pop("id")}
    if "meta" in resource:
        head["meta"] = resource.pop("meta")
    return {**head, "extension": [extension, *extra], **resource}


def _when(assessment: Assessment) -> list[Json]:
    found = [{"url": TIME_POINT, "valueCode": assessment.time_point}]
    if assessment.visit_number is not None:
        found.append({"url": VISIT_NUMBER, "valueInteger": assessment.visit_number})
    return found


def questionnaire_response(assessment: Assessment, identifier: Json | None = None) -> Json:
    """The stored response; `identifier` is the record's (the interop app knows imported ones)."""
    definition = instruments.get(assessment.instrument)
    patient = patient_reference(assessment)
    resource = core.questionnaire_response(
        definition, assessment.answers, subject_reference=patient,
        authored=assessment.administered_at.isoformat(), resource_id=str(assessment.pk),
        author_reference=patient if assessment.entered_by == EnteredBy.PATIENT else None,
        wording=wording_of(assessment),
    )
    # The stored answers belong to the definition version they were given against.
    resource["questionnaire"] = (
        f"{core.questionnaire_url(definition)}|{assessment.definition_version}"
    )
    resource["source"] = {"reference": patient}  # the patient answered, whoever typed it
    if identifier is not None:
        resource = {"resourceType": resource.pop("resourceType"), "id": resource.pop("id"),
                    "identifier": identifier, **resource}
    return _with_episode(resource, assessment, *_when(assessment))


def _stored_result(assessment: Assessment) -> instruments.Result:
    """The result as it was stored (not re-scored: a later scoring version must not change
    what was reported)."""
    definition = instruments.get(assessment.instrument)
    stored = assessment.results
    return instruments.Result(
        instrument=definition.id, total=stored.get("total"), band=stored.get("band"),
        reason=stored.get("reason"), extras=definition.extras,
        **{name: stored.get(name) for name in definition.extras},
    )


def score_observation(assessment: Assessment, identifiers: list[Json] | None = None) -> Json:
    resource = core.score_observation(
        _stored_result(assessment), subject_reference=patient_reference(assessment),
        effective=assessment.administered_at.isoformat(), resource_id=str(assessment.pk),
        derived_from=questionnaire_response_reference(assessment),
    )
    resource["issued"] = assessment.created_at.isoformat()
    resource["method"] = {"text": f"acuback scoring {assessment.definition_version}"}
    head: Json = {"resourceType": resource.pop("resourceType"), "id": resource.pop("id"),
                  "meta": {"profile": [US_CORE_SCREENING]}}
    if identifiers:
        head["identifier"] = identifiers
    return _with_episode({**head, **resource}, assessment)


def questionnaire_for(*, actor: User, instrument: str) -> Json:
    """The instrument as a Questionnaire, in the actor's clinic's licensed wording if loaded."""
    definition = instruments.get(instrument)
    membership = getattr(actor, "membership", None)
    clinic = (latest_wording(clinic_id=membership.clinic_id, instrument=definition.id)
              if membership else None)
    audit_record(
        actor=actor, action=Action.EXPORT, object_type="questionnaire", object_id=definition.id,
        outcome=Outcome.OK, detail={"format": "fhir-r4", "licensed_wording": bool(clinic)},
    )
    return core.questionnaire(definition, clinic.wording if clinic else None)


def export_audit(*, actor: User, assessment: Assessment, resource_type: str) -> None:
    audit_record(
        actor=actor, action=Action.EXPORT, object_type="assessment", object_id=assessment.pk,
        outcome=Outcome.OK, clinic_id=assessment.clinic_id,
        detail={"format": "fhir-r4", "resource": resource_type},
    )
