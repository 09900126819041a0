"""Stored assessments as QuestionnaireResponse and score Observation: the assessments app's own
renderers (`acuback.assessments.fhir`), given the record's identifier."""

from __future__ import annotations

from acuback.assessments import fhir as assessment_fhir
from acuback.assessments.models import Assessment
from acuback.interop.resources.common import Identities, Json, Kind


def questionnaire_response(row: Assessment, ids: Identities) -> Json:
    # QuestionnaireResponse.identifier holds one identifier (R4): the record's first.
    identifier = ids.identifiers(Kind.ASSESSMENT, row.clinic_id, row.pk)[0]
    return assessment_fhir.questionnaire_response(row, identifier=identifier)


def score_observation(row: Assessment, ids: Identities) -> Json:
    identifiers = ids.identifiers(Kind.ASSESSMENT, row.clinic_id, row.pk)
    return assessment_fhir.score_observation(row, identifiers=identifiers)
