"""FHIR R4 renderings of instruments, responses and scores, as plain dicts (pure functions).

The app layer passes the references (patient, encounter, the QuestionnaireResponse) and the
timestamps; nothing here knows about the database. Every answer is coded in a per-instrument
acuback code system whose codes are the instrument's own answer codes ("0".."5"), with the
scoring weight as the standard ``ordinalValue`` extension; LOINC codes are added where we have
verified ones (DOMAIN.md section 1). Scores without a LOINC code use the local code system
``https://acuback.org/fhir/CodeSystem/instrument-score``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from acuback.clinical.instruments.definition import (
    LOINC,
    Answer,
    AnswerError,
    Definition,
    Item,
    Result,
    check_answers,
)
from acuback.clinical.instruments.registry import get
from acuback.clinical.instruments.startback import LOINC_RISK, LOINC_RISK_ANSWERS
from acuback.clinical.instruments.wording import Wording

BASE = "https://acuback.org/fhir"
SCORE_SYSTEM = f"{BASE}/CodeSystem/instrument-score"
UCUM = "http://unitsofmeasure.org"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

Json = dict[str, Any]


def questionnaire_url(definition: Definition) -> str:
    return f"{BASE}/Questionnaire/{definition.id}"


def answer_system(definition: Definition) -> str:
    return f"{BASE}/CodeSystem/{definition.id}-answer"


def questionnaire(definition: Definition, wording: Wording | None = None) -> Json:
    """The instrument as a FHIR R4 Questionnaire.

    Item text is the clinic's licensed ``wording`` when given, else the validated wording we
    ship (free instruments), else our own short label.
    """
    _check_wording(definition, wording)
    resource: Json = {
        "resourceType": "Questionnaire",
        "id": definition.id,
        "url": questionnaire_url(definition),
        "version": definition.version,
        "name": "Acuback" + definition.id.capitalize(),
        "title": (wording.title if wording and wording.title else definition.name),
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "acuback",
        "language": wording.language if wording else "en",
        "description": _description(definition, wording),
        "copyright": f"{definition.copyright.holder}. {definition.copyright.terms}",
        "item": [
            _question(definition, number, item, wording)
            for number, item in enumerate(definition.items, start=1)
        ],
    }
    if definition.loinc_panel:
        resource["code"] = [{"system": LOINC, "code": definition.loinc_panel}]
    return resource


def questionnaire_response(
    definition: Definition,
    answers: Sequence[Answer],
    *,
    subject_reference: str,
    authored: str,
    resource_id: str | None = None,
    encounter_reference: str | None = None,
    author_reference: str | None = None,
    wording: Wording | None = None,
) -> Json:
    """A completed QuestionnaireResponse; skipped items are left out. Raises `AnswerError`."""
    check_answers(definition, answers)
    _check_wording(definition, wording)
    resource: Json = {"resourceType": "QuestionnaireResponse"}
    if resource_id:
        resource["id"] = resource_id
    resource |= {
        "questionnaire": f"{questionnaire_url(definition)}|{definition.version}",
        "status": "completed",
        "subject": {"reference": subject_reference},
        "authored": authored,
    }
    if encounter_reference:
        resource["encounter"] = {"reference": encounter_reference}
    if author_reference:
        resource["author"] = {"reference": author_reference}
    items = [
        {
            "linkId": item.key,
            "text": _item_text(definition, number, item, wording),
            "answer": [{"valueCoding": _coding(definition, number, item, answer, wording)}],
        }
        for number, (item, answer) in enumerate(zip(definition.items, answers, strict=True), 1)
        if answer is not None
    ]
    if items:  # FHIR JSON forbids empty arrays
        resource["item"] = items
    return resource


def score_observation(
    result: Result,
    *,
    subject_reference: str,
    effective: str,
    derived_from: str | None = None,
    encounter_reference: str | None = None,
    resource_id: str | None = None,
) -> Json:
    """The score as a survey Observation, with the instrument's extras as components."""
    definition = get(result.instrument)
    resource: Json = {"resourceType": "Observation"}
    if resource_id:
        resource["id"] = resource_id
    resource |= {
        "status": "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        "code": _score_code(definition, "total", definition.loinc_total),
        "subject": {"reference": subject_reference},
    }
    if encounter_reference:
        resource["encounter"] = {"reference": encounter_reference}
    resource["effectiveDateTime"] = effective
    if result.total is None:
        resource["dataAbsentReason"] = _absent(result.reason)
    else:
        resource["valueQuantity"] = _quantity(result.total, definition.total_unit)
    if result.band is not None:
        resource["interpretation"] = [{"text": result.band}]
    # The scoring version travels with the score (DESIGN.md: results record their version).
    resource["method"] = {"text": f"acuback scoring {definition.version}"}
    if derived_from:
        resource["derivedFrom"] = [{"reference": derived_from}]
    components = _components(definition, result)
    if components:
        resource["component"] = components
    return resource


def _check_wording(definition: Definition, wording: Wording | None) -> None:
    if wording is not None and wording.instrument != definition.id:
        raise AnswerError(f"wording is for {wording.instrument}, not {definition.id}")


def _description(definition: Definition, wording: Wording | None) -> str:
    instructions = wording.instructions if wording and wording.instructions else None
    text = instructions or definition.instructions
    return f"{text} (Recall period: {definition.recall_period}.) Source: {definition.source}."


def _item_text(definition: Definition, number: int, item: Item, wording: Wording | None) -> str:
    if wording is not None:
        return wording.item_texts[number - 1]
    return item.text or item.label


def _coding(
    definition: Definition, number: int, item: Item, code: int, wording: Wording | None
) -> Json:
    if wording is None:  # the common case, looked up once per answer code (bulk export)
        return dict(_shipped_coding(definition.id, number, code))
    index = next(i for i, option in enumerate(item.options) if option.code == code)
    display = wording.option_labels[number - 1][index]
    return {"system": answer_system(definition), "code": str(code), "display": display}


@cache
def _shipped_coding(instrument: str, number: int, code: int) -> Json:
    definition = get(instrument)
    label = definition.items[number - 1].option(code).label
    return {"system": answer_system(definition), "code": str(code), "display": label}


def _question(definition: Definition, number: int, item: Item, wording: Wording | None) -> Json:
    question: Json = {"linkId": item.key}
    if item.loinc:
        question["code"] = [{"system": LOINC, "code": item.loinc}]
    question |= {
        "prefix": f"{number}.",
        "text": _item_text(definition, number, item, wording),
        "type": "choice",
        # Where the missing-item rule allows skips (ODI), an item may be left blank.
        "required": definition.max_missing == 0,
        "answerOption": [
            {
                "extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.score}],
                "valueCoding": _coding(definition, number, item, option.code, wording),
            }
            for option in item.options
        ],
    }
    return question


def _score_code(definition: Definition, part: str, loinc: str | None) -> Json:
    coding = []
    if loinc:
        coding.append({"system": LOINC, "code": loinc})
    coding.append({"system": SCORE_SYSTEM, "code": f"{definition.id}-{part}"})
    return {"coding": coding, "text": f"{definition.short_name} {part.replace('_', ' ')}"}


def _quantity(value: float, unit: str) -> Json:
    return {"value": value, "unit": "%" if unit == "%" else "score", "system": UCUM, "code": unit}


def _absent(reason: str | None) -> Json:
    return {"coding": [{"system": DATA_ABSENT, "code": "unknown"}], "text": reason or "not scored"}


def _components(definition: Definition, result: Result) -> list[Json]:
    loinc = dict(definition.extras_loinc)
    components: list[Json] = []
    for name in definition.extras:
        value = getattr(result, name)
        component: Json = {"code": _score_code(definition, name, loinc.get(name))}
        if value is None:
            component["dataAbsentReason"] = _absent(f"{name} not scored")
        elif isinstance(value, bool):
            component["valueBoolean"] = value
        elif name == "answered":
            component["valueInteger"] = value
        else:
            component["valueQuantity"] = _quantity(value, "{score}")
        components.append(component)
    if definition.id == "startback" and result.band is not None:
        components.append(_startback_risk(definition, result.band))
    return components


def _startback_risk(definition: Definition, band: str) -> Json:
    return {
        "code": _score_code(definition, "risk", LOINC_RISK),
        "valueCodeableConcept": {
            "coding": [{"system": LOINC, "code": LOINC_RISK_ANSWERS[band]}],
            "text": band,
        },
    }
