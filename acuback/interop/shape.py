"""The shape of an incoming resource, checked before anything reads it.

FHIR's JSON representation (https://hl7.org/fhir/R4/json.html) fixes each element's form: an
element that may repeat is an array, a complex datatype (CodeableConcept, Reference, Period,
Quantity) is an object, a string is a string, an integer a whole number within 32 bits
(https://hl7.org/fhir/R4/datatypes.html#integer). The readers of the import rely on that
form; a resource that breaks it (a list where a CodeableConcept belongs, a number where an
array belongs) is refused here, each wrong element named by its path, before any reader runs.

The tables below give the elements acuback reads, per resource type, in FHIR R4's own types.
Everywhere, `extension` is an array of extensions, each with its `url` and its `value[x]` of
the type its name ends in; an element the tables do not name is not read, so not checked.
"""

from __future__ import annotations

from typing import Any

from acuback.interop.parsing import Problems

# The primitive forms (a FHIR code, uri, dateTime, base64Binary... is a JSON string).
STRING, INTEGER, DECIMAL, BOOLEAN = "string", "integer", "decimal", "boolean"
Spec = Any  # a primitive's name, {element: spec} for an object, [spec] for an array

CODING: Spec = {"system": STRING, "code": STRING, "display": STRING}
CONCEPT: Spec = {"coding": [CODING], "text": STRING}
IDENTIFIER: Spec = {"system": STRING, "value": STRING}
REFERENCE: Spec = {"reference": STRING, "display": STRING, "identifier": IDENTIFIER}
PERIOD: Spec = {"start": STRING, "end": STRING}
QUANTITY: Spec = {"value": DECIMAL, "unit": STRING, "system": STRING, "code": STRING,
                  "comparator": STRING}
HUMAN_NAME: Spec = {"family": STRING, "given": [STRING], "text": STRING}
TIMING: Spec = {"repeat": {"frequency": INTEGER, "period": DECIMAL, "periodUnit": STRING,
                           "count": INTEGER}}
ATTACHMENT: Spec = {"data": STRING, "contentType": STRING, "title": STRING, "url": STRING}

# value[x] (in an extension, an Observation, a component, an answer): the type its name ends in.
VALUE: dict[str, Spec] = {
    "valueString": STRING, "valueCode": STRING, "valueUri": STRING, "valueUrl": STRING,
    "valueCanonical": STRING, "valueId": STRING, "valueMarkdown": STRING,
    "valueDate": STRING, "valueDateTime": STRING, "valueInstant": STRING, "valueTime": STRING,
    "valueBase64Binary": STRING, "valueBoolean": BOOLEAN, "valueInteger": INTEGER,
    "valuePositiveInt": INTEGER, "valueUnsignedInt": INTEGER, "valueDecimal": DECIMAL,
    "valueCoding": CODING, "valueCodeableConcept": CONCEPT, "valueReference": REFERENCE,
    "valueQuantity": QUANTITY, "valuePeriod": PERIOD,
}

COMMON: dict[str, Spec] = {"id": STRING, "identifier": [IDENTIFIER]}

RESOURCES: dict[str, dict[str, Spec]] = {
    "Patient": {"name": [HUMAN_NAME], "gender": STRING, "birthDate": STRING,
                "telecom": [{"system": STRING, "value": STRING}],
                "address": [{"text": STRING, "line": [STRING]}],
                "generalPractitioner": [REFERENCE]},
    "Practitioner": {"name": [HUMAN_NAME]},
    "Condition": {"code": CONCEPT, "bodySite": [CONCEPT], "onsetDateTime": STRING,
                  "recordedDate": STRING, "subject": REFERENCE},
    "EpisodeOfCare": {"status": STRING, "period": PERIOD, "patient": REFERENCE,
                      "diagnosis": [{"condition": REFERENCE, "role": CONCEPT,
                                     "rank": INTEGER}]},
    "QuestionnaireResponse": {"identifier": IDENTIFIER,  # one, in R4
                              "questionnaire": STRING, "status": STRING, "authored": STRING,
                              "author": REFERENCE, "subject": REFERENCE,
                              "item": [{"linkId": STRING, "answer": [{}]}]},
    "MedicationStatement": {"status": STRING, "subject": REFERENCE, "context": REFERENCE,
                            "medicationCodeableConcept": CONCEPT,
                            "dosage": [{"text": STRING, "timing": TIMING,
                                        "doseAndRate": [{"doseQuantity": QUANTITY}]}]},
    "Observation": {"status": STRING, "code": CONCEPT, "category": [CONCEPT],
                    "subject": REFERENCE, "encounter": REFERENCE, "derivedFrom": [REFERENCE],
                    "performer": [REFERENCE], "effectiveDateTime": STRING, "issued": STRING,
                    "note": [{"text": STRING}],
                    "component": [{"code": CONCEPT}]},
    "Encounter": {"status": STRING, "period": PERIOD, "subject": REFERENCE,
                  "episodeOfCare": [REFERENCE], "type": [CONCEPT],
                  "participant": [{"type": [CONCEPT], "individual": REFERENCE}]},
    "Procedure": {"status": STRING, "code": CONCEPT, "subject": REFERENCE,
                  "encounter": REFERENCE, "bodySite": [CONCEPT]},
    "Provenance": {"target": [REFERENCE], "recorded": STRING, "agent": [{"who": REFERENCE}],
                   "signature": [{"type": [CODING], "when": STRING, "who": REFERENCE,
                                  "data": STRING}]},
    "AdverseEvent": {"identifier": IDENTIFIER,  # one, in R4
                     "subject": REFERENCE, "encounter": REFERENCE, "date": STRING,
                     "recordedDate": STRING, "recorder": REFERENCE, "event": CONCEPT,
                     "seriousness": CONCEPT, "severity": CONCEPT, "outcome": CONCEPT,
                     "suspectEntity": [{"instance": REFERENCE,
                                        "causality": [{"assessment": CONCEPT}]}]},
    "DocumentReference": {"status": STRING, "docStatus": STRING, "type": CONCEPT,
                          "subject": REFERENCE, "date": STRING, "author": [REFERENCE],
                          "description": STRING,
                          "relatesTo": [{"code": STRING, "target": REFERENCE}],
                          "content": [{"attachment": ATTACHMENT}],
                          "context": {"encounter": [REFERENCE], "related": [REFERENCE]}},
    "Appointment": {"status": STRING, "appointmentType": CONCEPT,
                    "cancelationReason": CONCEPT, "start": STRING, "end": STRING,
                    "created": STRING, "reasonReference": [REFERENCE],
                    "supportingInformation": [REFERENCE],
                    "participant": [{"actor": REFERENCE, "status": STRING}]},
    "Consent": {"status": STRING, "patient": REFERENCE, "dateTime": STRING,
                "category": [CONCEPT], "policyRule": CONCEPT},
    "CarePlan": {"status": STRING, "subject": REFERENCE, "author": REFERENCE,
                 "created": STRING, "description": STRING, "category": [CONCEPT],
                 "period": PERIOD, "goal": [REFERENCE],
                 "activity": [{"detail": {"code": CONCEPT, "description": STRING,
                                          "scheduledTiming": TIMING, "goal": [REFERENCE]}}]},
    "Goal": {"description": CONCEPT,
             "target": [{"measure": CONCEPT, "detailQuantity": QUANTITY}]},
}

_INT32 = range(-(2**31), 2**31)
_DEEPEST = 40  # objects within objects: far past any FHIR resource, far short of Python's stack


def check_shape(resource: dict[str, Any], where: str, problems: Problems, *,
                inside: bool = False) -> bool:
    """Whether `resource` has the form FHIR gives the elements acuback reads; each element
    that has not is named in `problems`. Contained resources are checked as resources."""
    before = len(problems)
    spec = {**COMMON, **RESOURCES.get(str(resource.get("resourceType")), {})}
    _object(resource, spec, where, problems)
    contained = resource.get("contained")
    if inside and contained is not None:  # FHIR's dom-2
        problems.error(f"{where}.contained", "a contained resource contains no others.",
                       "structure")
    elif contained is not None and not isinstance(contained, list):
        problems.error(f"{where}.contained", f"must be a JSON array, not {_kind(contained)}.",
                       "structure")
    for index, inner in enumerate(contained if isinstance(contained, list) and not inside
                                  else []):
        if isinstance(inner, dict):
            check_shape(inner, f"{where}.contained[{index}]", problems, inside=True)
        else:
            problems.error(f"{where}.contained[{index}]", "must be a resource (a JSON "
                                                          f"object), not {_kind(inner)}.",
                           "structure")
    return len(problems) == before


def _object(value: dict[str, Any], spec: dict[str, Spec], where: str, problems: Problems,
            depth: int = 0) -> None:
    """An element left null is taken as left out; every other named element is checked."""
    if depth > _DEEPEST:
        problems.error(where, "is nested too deeply.", "structure")
        return
    for name, inner in [*spec.items(), *VALUE.items(), ("extension", [{"url": STRING}])]:
        if value.get(name) is not None:
            _check(value[name], inner, f"{where}.{name}", problems, depth + 1)


def _check(value: object, spec: Spec, where: str, problems: Problems, depth: int) -> None:
    if isinstance(spec, dict):
        if isinstance(value, dict):
            _object(value, spec, where, problems, depth)
        else:
            problems.error(where, f"must be a JSON object, not {_kind(value)}.", "structure")
    elif isinstance(spec, list):
        if not isinstance(value, list):
            problems.error(where, f"must be a JSON array, not {_kind(value)}.", "structure")
            return
        for index, item in enumerate(value):
            # an empty inner spec: an array of objects not read further here (its extension is)
            _check(item, spec[0] if spec else {}, f"{where}[{index}]", problems, depth)
    elif not _primitive(value, spec):
        problems.error(where, f"must be {_expected[spec]}, not {_kind(value)}.", "structure")


_expected = {STRING: "a string", INTEGER: "a whole number of at most 32 bits",
             DECIMAL: "a number", BOOLEAN: "true or false"}


def _primitive(value: object, spec: str) -> bool:
    if spec == STRING:
        return isinstance(value, str)
    if spec == BOOLEAN:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if spec == INTEGER:
        return isinstance(value, int) and value in _INT32
    return isinstance(value, int | float) and value == value and abs(value) != float("inf")


def _kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true or false",
            type(None): "null"}.get(type(value), "a number")
