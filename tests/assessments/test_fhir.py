"""FHIR R4 for stored assessments: the API's resources pass two validators, carry real
references, and a stored PHQ-9's total matches the LHC-Forms FHIRPath formula (NLM)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import fhirpathpy
import jsonschema
import pytest
from django.test import Client
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from acuback.assessments.fhir import EPISODE_OF_CARE
from acuback.assessments.services import licensed_wording_load
from acuback.audit.models import AuditEntry
from acuback.clinical.instruments import get
from tests.assessments.conftest import ODI_32, PHQ9_ITEM9, Record, invented_wording
from tests.personas import World

ClientFor = Callable[[str], Client]
MODELS = {"Questionnaire": Questionnaire, "QuestionnaireResponse": QuestionnaireResponse,
          "Observation": Observation}


@cache
def _definitions(reference: Path) -> dict[str, Any]:
    path = reference / "fhir" / "schema" / "fhir_r4_4.0.1.schema.json"
    return json.loads(path.read_text())["definitions"]


def _valid(resource: dict[str, Any], reference: Path) -> list[str]:
    """Both validators: fhir.resources (R4B) raises; the official R4 JSON Schema lists errors."""
    MODELS[resource["resourceType"]].model_validate(resource)
    schema = {"$ref": f"#/definitions/{resource['resourceType']}",
              "definitions": _definitions(reference)}
    return [e.message for e in jsonschema.Draft6Validator(schema).iter_errors(resource)]


def _get(client: Client, path: str) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/fhir+json"
    return json.loads(response.content)


def _qr(client: Client, assessment_id: int) -> dict[str, Any]:
    return _get(client, f"/api/assessments/{assessment_id}/fhir/questionnaire-response")


def _obs(client: Client, assessment_id: int) -> dict[str, Any]:
    return _get(client, f"/api/assessments/{assessment_id}/fhir/observation")


@pytest.mark.parametrize(("instrument", "answers"), [
    ("odi", [*ODI_32[:7], None, *ODI_32[8:]]), ("phq9", PHQ9_ITEM9), ("startback", [1] * 8 + [3]),
    ("pss10", [2] * 10), ("nrs", [7]),
])
def test_it_exports_a_valid_questionnaire_response(
    client_for: ClientFor, record: Record, reference: Path, instrument: str, answers: list[Any]
) -> None:
    assessment = record(instrument, answers)
    assert _valid(_qr(client_for("practitioner"), assessment.pk), reference) == []


@pytest.mark.parametrize(("instrument", "answers"), [
    ("odi", ODI_32), ("phq9", PHQ9_ITEM9), ("startback", [1] * 8 + [3]), ("phq4", [1, 2, 0, 3]),
    ("peg", [5, 6, 4]),
])
def test_it_exports_a_valid_score_observation(
    client_for: ClientFor, record: Record, reference: Path, instrument: str, answers: list[Any]
) -> None:
    assessment = record(instrument, answers)
    assert _valid(_obs(client_for("practitioner"), assessment.pk), reference) == []


def test_it_refers_to_the_real_patient_and_episode(
    client_for: ClientFor, record: Record, world: World
) -> None:
    assessment = record("phq9", PHQ9_ITEM9)
    resource = _qr(client_for("practitioner"), assessment.pk)
    assert resource["subject"] == {"reference": f"Patient/{world.patient.pk}"}
    assert resource["extension"][0] == {"url": EPISODE_OF_CARE, "valueReference": {
        "reference": f"EpisodeOfCare/{world.episode.pk}"}}


def test_it_derives_the_observation_from_the_response(
    client_for: ClientFor, record: Record
) -> None:
    assessment = record("odi", ODI_32)
    observation = _obs(client_for("practitioner"), assessment.pk)
    assert observation["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{assessment.pk}"}]


def test_it_codes_the_phq9_total_with_loinc(client_for: ClientFor, record: Record) -> None:
    assessment = record("phq9", PHQ9_ITEM9)
    observation = _obs(client_for("practitioner"), assessment.pk)
    assert {"system": "http://loinc.org", "code": "44261-6"} in observation["code"]["coding"]
    assert observation["valueQuantity"]["value"] == 10


def test_it_names_the_stored_version_in_the_response(client_for: ClientFor, record: Record) -> None:
    assessment = record("odi", ODI_32)
    resource = _qr(client_for("practitioner"), assessment.pk)
    assert resource["questionnaire"].endswith("|odi-2.1a/acuback-1")


def test_it_marks_the_patient_as_author_of_their_own_entry(
    client_for: ClientFor, record: Record, world: World
) -> None:
    assessment = record("nrs", [4], actor=world.patient_user)
    resource = _qr(client_for("patient_user"), assessment.pk)
    assert resource["author"] == {"reference": f"Patient/{world.patient.pk}"}


def test_it_exports_the_licensed_wording_that_was_shown(
    client_for: ClientFor, record: Record, world: World
) -> None:
    licensed_wording_load(clinic=world.clinic_a, data=invented_wording("odi"))
    assessment = record("odi", ODI_32)
    item = _qr(client_for("practitioner"), assessment.pk)["item"][0]
    assert item["text"] == "Invented question about pain intensity?"


@pytest.mark.parametrize(("persona", "status"), [("front_desk", 403), ("outsider", 404)])
@pytest.mark.parametrize("kind", ["questionnaire-response", "observation"])
def test_it_refuses_the_export_to_others(
    client_for: ClientFor, record: Record, persona: str, status: int, kind: str
) -> None:
    assessment = record("nrs", [4])
    response = client_for(persona).get(f"/api/assessments/{assessment.pk}/fhir/{kind}")
    assert response.status_code == status


def test_it_audits_the_export(client_for: ClientFor, record: Record) -> None:
    assessment = record("nrs", [4])
    _obs(client_for("practitioner"), assessment.pk)
    entry = AuditEntry.objects.get(action="export", object_type="assessment")
    assert entry.detail == {"format": "fhir-r4", "resource": "Observation"}


# --- the instrument as a Questionnaire --------------------------------------------------------


@pytest.mark.parametrize("instrument", ["phq9", "odi", "startback", "isi"])
def test_it_exports_a_valid_questionnaire(
    client_for: ClientFor, world: World, reference: Path, instrument: str
) -> None:
    resource = _get(client_for("practitioner"), f"/api/instruments/{instrument}/fhir/questionnaire")
    assert _valid(resource, reference) == []


def test_it_uses_the_clinics_licensed_wording_in_the_questionnaire(
    client_for: ClientFor, world: World
) -> None:
    licensed_wording_load(clinic=world.clinic_a, data=invented_wording("odi"))
    resource = _get(client_for("practitioner"), "/api/instruments/odi/fhir/questionnaire")
    assert resource["title"] == "Invented ODI for tests"


def test_it_keeps_one_clinics_wording_from_another_clinics_questionnaire(
    client_for: ClientFor, world: World
) -> None:
    licensed_wording_load(clinic=world.clinic_a, data=invented_wording("odi"))
    resource = _get(client_for("outsider"), "/api/instruments/odi/fhir/questionnaire")
    assert resource["title"] == "Oswestry Disability Index"


def test_it_audits_the_questionnaire_export(client_for: ClientFor, world: World) -> None:
    _get(client_for("front_desk"), "/api/instruments/phq9/fhir/questionnaire")
    entry = AuditEntry.objects.get(action="export", object_type="questionnaire")
    assert (entry.object_id, entry.actor_id) == ("phq9", world.front_desk.pk)


def test_it_answers_404_for_an_unknown_instrument(client_for: ClientFor, world: World) -> None:
    response = client_for("practitioner").get("/api/instruments/oswestry/fhir/questionnaire")
    assert response.status_code == 404


def test_it_wants_a_login_for_the_questionnaire(client_for: ClientFor, world: World) -> None:
    response = client_for("anonymous").get("/api/instruments/phq9/fhir/questionnaire")
    assert response.status_code == 401


# --- an independent oracle for the stored PHQ-9 total ------------------------------------------


def _lhc_total(questionnaire: dict[str, Any], response: dict[str, Any]) -> list[Any]:
    """Evaluate the LHC form's FHIRPath variables in order, then its calculatedExpression."""
    total = next(i for i in questionnaire["item"] if i["linkId"] == "/44261-6")
    context: dict[str, Any] = {"questionnaire": questionnaire, "resource": response}
    for extension in total["extension"]:
        expression = extension.get("valueExpression")
        if expression is None:
            continue
        value = fhirpathpy.evaluate(response, expression["expression"], context)
        if not extension["url"].endswith("/variable"):
            return value
        context[expression["name"]] = value
    raise AssertionError("the LHC form has no calculatedExpression for the total")


def _in_lhc_terms(response: dict[str, Any]) -> dict[str, Any]:
    """Our exported response keyed the way the LHC form keys PHQ-9: linkId '/<item LOINC>' and
    LOINC answer codes, both taken from our definition's LOINC codes."""
    items = {item.key: item for item in get("phq9").items}
    converted = []
    for entry in response["item"]:
        item = items[entry["linkId"]]
        answer = item.option(int(entry["answer"][0]["valueCoding"]["code"]))
        coding = {"system": "http://loinc.org", "code": answer.loinc}
        converted.append({"linkId": f"/{item.loinc}", "answer": [{"valueCoding": coding}]})
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "item": converted}


@pytest.mark.parametrize("answers", [PHQ9_ITEM9, [3] * 9, [0] * 9, [2, 3, 1, 0, 1, 2, 3, 0, 0]])
def test_it_stores_the_phq9_total_the_lhc_formula_computes(
    client_for: ClientFor, record: Record, reference: Path, answers: list[int]
) -> None:
    assessment = record("phq9", answers)
    exported = _qr(client_for("practitioner"), assessment.pk)
    form = json.loads((reference / "fhir" / "lhc-forms" / "lforms_test_data_R4_phq9.json")
                      .read_text())
    assert _lhc_total(form, _in_lhc_terms(exported)) == [assessment.total]
