"""FHIR R4 renderings, checked by two validators and by the LHC-Forms PHQ-9 FHIRPath total."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import fhirpathpy
import jsonschema
import pytest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import given, settings
from hypothesis import strategies as st

from acuback.clinical import instruments
from acuback.clinical.instruments import fhir
from acuback.clinical.instruments.wording import parse_wording, wording_template
from tests.clinical.instruments.conftest import REFERENCE
from tests.clinical.instruments.support import ITEM_RANGES, highest, lowest
from tests.conftest import require_service

IDS = sorted(ITEM_RANGES)
PATIENT = "Patient/p1"
WHEN = "2025-03-04T09:30:00+00:00"
MODELS = {
    "Questionnaire": Questionnaire,
    "QuestionnaireResponse": QuestionnaireResponse,
    "Observation": Observation,
}
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"


@cache
def _schema_definitions() -> dict[str, Any]:
    schema = json.loads((REFERENCE / "fhir" / "schema" / "fhir_r4_4.0.1.schema.json").read_text())
    return schema["definitions"]


def _schema_errors(resource: dict[str, Any]) -> list[str]:
    schema = {
        "$ref": f"#/definitions/{resource['resourceType']}",
        "definitions": _schema_definitions(),
    }
    validator = jsonschema.Draft6Validator(schema)
    return [error.message for error in validator.iter_errors(resource)]


def _validate(resource: dict[str, Any]) -> None:
    MODELS[resource["resourceType"]].model_validate(resource)  # fhir.resources (R4B)
    assert _schema_errors(resource) == []  # the official R4 JSON Schema


def _response(instrument: str, answers: list[int | None]) -> dict[str, Any]:
    return fhir.questionnaire_response(
        instruments.get(instrument),
        answers,
        subject_reference=PATIENT,
        authored=WHEN,
        resource_id="qr1",
        encounter_reference="Encounter/e1",
        author_reference=PATIENT,
    )


def _observation(instrument: str, answers: list[int | None]) -> dict[str, Any]:
    return fhir.score_observation(
        instruments.score(instrument, answers),
        subject_reference=PATIENT,
        effective=WHEN,
        derived_from="QuestionnaireResponse/qr1",
        encounter_reference="Encounter/e1",
        resource_id="obs1",
    )


def test_it_has_a_schema_check_that_catches_a_broken_resource(reference: Path) -> None:
    broken = fhir.questionnaire(instruments.get("phq9")) | {"status": "finished", "colour": 1}
    assert len(_schema_errors(broken)) >= 1


def test_it_has_a_model_check_that_catches_a_broken_resource() -> None:
    # fhir.resources checks types and required fields, not code values: hence two validators.
    broken = _response("phq9", [0] * 9) | {"authored": "yesterday"}
    with pytest.raises(ValueError, match="authored"):
        QuestionnaireResponse.model_validate(broken)


@pytest.mark.parametrize("instrument", IDS)
def test_it_renders_a_valid_questionnaire(reference: Path, instrument: str) -> None:
    _validate(fhir.questionnaire(instruments.get(instrument)))


@pytest.mark.parametrize("instrument", IDS)
def test_it_renders_a_valid_response_for_a_complete_answer_set(
    reference: Path, instrument: str
) -> None:
    _validate(_response(instrument, highest(instrument)))


@pytest.mark.parametrize("instrument", IDS)
def test_it_renders_a_valid_response_with_every_item_skipped(
    reference: Path, instrument: str
) -> None:
    response = _response(instrument, [None] * len(ITEM_RANGES[instrument]))
    assert "item" not in response
    _validate(response)


@pytest.mark.parametrize("instrument", IDS)
def test_it_renders_a_valid_score_observation(reference: Path, instrument: str) -> None:
    _validate(_observation(instrument, highest(instrument)))


@pytest.mark.parametrize("instrument", IDS)
def test_it_renders_a_valid_observation_for_an_unscorable_response(
    reference: Path, instrument: str
) -> None:
    observation = _observation(instrument, [None] * len(ITEM_RANGES[instrument]))
    assert "valueQuantity" not in observation
    assert observation["dataAbsentReason"]["text"]
    _validate(observation)


@pytest.mark.parametrize("instrument", IDS)
def test_it_offers_exactly_the_allowed_codes_as_answer_options(instrument: str) -> None:
    items = fhir.questionnaire(instruments.get(instrument))["item"]
    codes = [[int(o["valueCoding"]["code"]) for o in item["answerOption"]] for item in items]
    assert codes == [list(range(low, high + 1)) for low, high in ITEM_RANGES[instrument]]


def test_it_puts_the_pss10_reversal_in_the_ordinal_values() -> None:
    items = fhir.questionnaire(instruments.get("pss10"))["item"]
    ordinals = [[o["extension"][0]["valueDecimal"] for o in item["answerOption"]] for item in items]
    assert ordinals[3] == [4, 3, 2, 1, 0]  # item 4, reversed
    assert ordinals[0] == [0, 1, 2, 3, 4]  # item 1, as answered


def test_it_puts_the_startback_item9_recode_in_the_ordinal_values() -> None:
    item9 = fhir.questionnaire(instruments.get("startback"))["item"][8]
    assert [o["extension"][0]["valueDecimal"] for o in item9["answerOption"]] == [0, 0, 0, 1, 1]


def test_it_codes_the_phq9_questionnaire_and_total_with_loinc() -> None:
    questionnaire = fhir.questionnaire(instruments.get("phq9"))
    observation = _observation("phq9", [0] * 9)
    assert questionnaire["code"] == [{"system": "http://loinc.org", "code": "44249-1"}]
    assert {"system": "http://loinc.org", "code": "44261-6"} in observation["code"]["coding"]


def test_it_codes_a_score_without_loinc_in_the_local_system() -> None:
    coding = _observation("rmdq", [0] * 24)["code"]["coding"]
    assert coding == [{"system": fhir.SCORE_SYSTEM, "code": "rmdq-total"}]


def test_it_reports_the_odi_as_an_unrounded_percentage() -> None:
    quantity = _observation("odi", [5, 5, 3, 3, 0, 0, 0, 0, 0, None])["valueQuantity"]
    assert quantity["code"] == "%"
    assert quantity["value"] == pytest.approx(1600 / 45, abs=1e-12)


def test_it_reports_the_phq9_safety_flag_as_a_boolean_component() -> None:
    components = _observation("phq9", [0] * 8 + [2])["component"]
    flag = next(c for c in components if c["code"]["coding"][-1]["code"] == "phq9-item9_positive")
    assert flag["valueBoolean"] is True


def test_it_reports_the_startback_risk_with_its_loinc_answer() -> None:
    components = _observation("startback", [1] * 8 + [4])["component"]
    risk = next(c for c in components if c["code"]["coding"][0]["code"] == "91352-5")
    assert risk["valueCodeableConcept"]["coding"][0]["code"] == "LA9193-9"  # High


def test_it_leaves_skipped_items_out_of_the_response() -> None:
    response = _response("odi", [1, None, 1, 1, 1, 1, 1, 1, 1, None])
    assert [item["linkId"] for item in response["item"]] == [
        "pain_intensity",
        "lifting",
        "walking",
        "sitting",
        "standing",
        "sleeping",
        "sex_life",
        "social_life",
    ]


def test_it_refuses_to_render_a_response_with_a_bad_answer() -> None:
    with pytest.raises(instruments.AnswerError, match="item 1"):
        _response("phq9", [4] + [0] * 8)


def test_it_shows_our_labels_not_published_wording_for_the_odi() -> None:
    definition = instruments.get("odi")
    texts = [item["text"] for item in fhir.questionnaire(definition)["item"]]
    assert texts == [item.label for item in definition.items]


def test_it_shows_a_clinics_licensed_wording_when_given(reference: Path) -> None:
    definition = instruments.get("odi")
    data = wording_template(definition) | {"source": "licence 1", "language": "en-GB"}
    for item in data["items"]:
        item["text"] = f"licensed {item['key']}"
        item["options"] = {code: f"statement {code}" for code in item["options"]}
    questionnaire = fhir.questionnaire(definition, parse_wording(data))
    assert questionnaire["item"][0]["text"] == "licensed pain_intensity"
    assert questionnaire["item"][0]["answerOption"][5]["valueCoding"]["display"] == "statement 5"
    assert questionnaire["language"] == "en-GB"
    _validate(questionnaire)


def test_it_refuses_wording_for_another_instrument() -> None:
    data = wording_template(instruments.get("isi")) | {"source": "licence 1"}
    for item in data["items"]:
        item["text"] = "t"
        item["options"] = dict.fromkeys(item["options"], "o")
    with pytest.raises(instruments.AnswerError, match="wording is for isi"):
        fhir.questionnaire(instruments.get("odi"), parse_wording(data))


# --- The LHC-Forms PHQ-9 (NLM) as an independent oracle for the total -----------------------


def _lhc(reference: Path) -> dict[str, Any]:
    return json.loads(
        (reference / "fhir" / "lhc-forms" / "lforms_test_data_R4_phq9.json").read_text()
    )


def _lhc_total(questionnaire: dict[str, Any], response: dict[str, Any]) -> list[Any]:
    """Evaluate the form's own FHIRPath variables, then its calculatedExpression."""
    total_item = next(i for i in questionnaire["item"] if i["linkId"] == "/44261-6")
    context: dict[str, Any] = {"questionnaire": questionnaire, "resource": response}
    for extension in total_item["extension"]:
        expression = extension.get("valueExpression")
        if expression is None:
            continue
        value = fhirpathpy.evaluate(response, expression["expression"], context)
        if extension["url"].endswith("/variable"):
            context[expression["name"]] = value
        else:
            return value
    raise AssertionError("no calculatedExpression on the total item")


def _as_lhc_response(response: dict[str, Any]) -> dict[str, Any]:
    """Our QuestionnaireResponse re-keyed the way LHC-Forms keys its PHQ-9: linkId '/<LOINC>'
    and LOINC answer codes, both taken from our definition."""
    items = {item.key: item for item in instruments.get("phq9").items}
    converted = []
    for entry in response.get("item", []):
        item = items[entry["linkId"]]
        code = int(entry["answer"][0]["valueCoding"]["code"])
        answer = {"system": "http://loinc.org", "code": item.option(code).loinc}
        converted.append({"linkId": f"/{item.loinc}", "answer": [{"valueCoding": answer}]})
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "item": converted}


def test_it_reproduces_the_lhc_reference_response_total_of_10(reference: Path) -> None:
    shipped = json.loads(
        (
            reference
            / "fhir"
            / "lhc-forms"
            / "qr_phq9_items_3-0-1-2-0-0-1-0-3_expected_total_10.json"
        ).read_text()
    )
    assert _lhc_total(_lhc(reference), shipped) == [10]
    assert instruments.score("phq9", [3, 0, 1, 2, 0, 0, 1, 0, 3]).total == 10


@settings(max_examples=25, deadline=None)
@given(answers=st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_it_agrees_with_the_lhc_fhirpath_total_on_our_own_responses(answers: list[int]) -> None:
    require_service(REFERENCE.exists(), "../shared/reference")  # no fixtures under @given
    response = _as_lhc_response(_response("phq9", list(answers)))
    assert _lhc_total(_lhc(REFERENCE), response) == [instruments.score("phq9", answers).total]


def test_it_gives_no_total_where_lhc_sums_a_partial_phq9(reference: Path) -> None:
    # LHC-Forms counts a skipped item as 0; acuback reports no total (DOMAIN.md: none missing).
    answers: list[int | None] = [3, 3, 3, 3, None, 0, 0, 0, 0]
    response = _as_lhc_response(_response("phq9", answers))
    assert _lhc_total(_lhc(reference), response) == [12]
    assert instruments.score("phq9", answers).total is None


# --- The SDC PHQ-9 example weights "nearly every day" as 4: it must not match ---------------


def _sdc(reference: Path, name: str) -> dict[str, Any]:
    return json.loads((reference / "fhir" / "sdc" / name).read_text())


def _sdc_answers(reference: Path) -> list[int]:
    response = _sdc(
        reference, "QuestionnaireResponse-questionnaireresponse-sdc-profile-example-PHQ9.json"
    )
    group = response["item"][0]["item"]
    by_label = {o.label: o.code for o in instruments.get("phq9").items[0].options}
    return [by_label[entry["answer"][0]["valueCoding"]["display"]] for entry in group[:9]]


def test_it_does_not_reproduce_the_sdc_examples_recorded_total(reference: Path) -> None:
    response = _sdc(
        reference, "QuestionnaireResponse-questionnaireresponse-sdc-profile-example-PHQ9.json"
    )
    recorded = response["item"][0]["item"][9]["answer"][0]["valueQuantity"]["value"]
    ours = instruments.score("phq9", _sdc_answers(reference)).total
    assert ours == 10
    assert ours != recorded


def test_it_does_not_reproduce_the_sdc_code_system_weights(reference: Path) -> None:
    codesystem = _sdc(reference, "CodeSystem-CSPHQ9.json")
    weights = {c["display"]: c["property"][0]["valueDecimal"] for c in codesystem["concept"]}
    labels = {o.code: o.label for o in instruments.get("phq9").items[0].options}
    answers = _sdc_answers(reference)
    sdc_total = sum(weights[labels[a]] for a in answers)
    assert weights["Nearly every day"] == 4
    assert sdc_total != instruments.score("phq9", answers).total


@pytest.mark.parametrize("instrument", IDS)
def test_it_names_the_questionnaire_version_in_the_response(instrument: str) -> None:
    definition = instruments.get(instrument)
    response = _response(instrument, lowest(instrument))
    assert response["questionnaire"].endswith(f"|{definition.version}")
