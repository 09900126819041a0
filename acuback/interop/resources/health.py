"""The health history (what acupuncture safety needs to know) as one Observation with a
component per question, and back again for import.

Unknown is not no: every question is tri-state. "Yes" and "no" are values (`valueBoolean`, or
for the implanted device a code where `none` is the "no"); a question never asked has no value
and says why (`dataAbsentReason` not-asked), so a receiver never reads it as "no". Broken skin
is asked as yes/no (`broken-skin`), then one `broken-skin-region` component per region. Who
gave each answer (the patient or a clinician) travels in an extension on its component, and
so does a patient's answer that no clinician has confirmed yet (`answer-confirmed` false):
a receiver, acuback's import included, must not take such a "no" as a checked one.
"""

from __future__ import annotations

from typing import Any

from acuback.interop.resources.common import (
    CODE_SYSTEM,
    EXTENSION,
    Identities,
    Json,
    concept,
    extension,
    reference,
    without_empty,
)
from acuback.patients.models import (
    HEALTH_KEYS,
    AnswerSource,
    HealthHistory,
    ImplantedDevice,
)

KIND_HEALTH = "health_history"
HEALTH_SYSTEM = f"{CODE_SYSTEM}/health-history"
DEVICE_SYSTEM = f"{CODE_SYSTEM}/implanted-device"
BODY_REGION_SYSTEM = f"{CODE_SYSTEM}/body-region"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
UCUM = "http://unitsofmeasure.org"
EXT_SOURCE = "answer-source"
EXT_CONFIRMED = "answer-confirmed"
HEALTH_CODE = "health-history"
BROKEN_SKIN, BROKEN_SKIN_REGION = "broken-skin", "broken-skin-region"
# Details that go with a question: absent when empty (there is nothing to ask on their own).
DETAILS = ("pregnancy_weeks", "skin_conditions", "medications")
TEXTS = ("skin_conditions", "medications")


def _code(key: str) -> str:
    return key.replace("_", "-")


def _key(code: str) -> str:
    return code.replace("-", "_")


def _component(code: str, value: Json | None, source: str | None,
               confirmed: bool = True) -> Json:
    component: Json = {"code": concept(HEALTH_SYSTEM, code, text=code.replace("-", " "))}
    if source:
        component["extension"] = [extension(EXT_SOURCE, "Code", source)]
    if value is not None and not confirmed:
        component.setdefault("extension", []).append(
            extension(EXT_CONFIRMED, "Boolean", False))
    if value is None:
        component["dataAbsentReason"] = concept(DATA_ABSENT, "not-asked", "Not Asked")
    else:
        component.update(value)
    return component


def _value(key: str, answer: Any) -> Json | None:
    if answer is None:
        return None
    if key == "implanted_device":
        return {"valueCodeableConcept": concept(DEVICE_SYSTEM, answer,
                                                ImplantedDevice(answer).label)}
    if key == "pregnancy_weeks":
        return {"valueQuantity": {"value": answer, "unit": "weeks", "system": UCUM,
                                  "code": "wk"}}
    if key in TEXTS:
        return {"valueString": answer}
    return {"valueBoolean": answer}


def health_observation(health: HealthHistory, ids: Identities) -> Json:
    answers = health.answers()
    sources = {key: (health.answered.get(key) or {}).get("source") for key in HEALTH_KEYS}
    confirmed = {key: health.confirmed(key) for key in HEALTH_KEYS}
    components = []
    for key in HEALTH_KEYS:
        answer = answers[key]
        if key in DETAILS and answer in (None, ""):
            continue
        if key == "skin_lesion_regions":
            regions = answer
            flag = None if regions is None else bool(regions)
            components.append(_component(BROKEN_SKIN, _value(BROKEN_SKIN, flag), sources[key],
                                         confirmed[key]))
            components += [_component(BROKEN_SKIN_REGION, {"valueCodeableConcept": concept(
                BODY_REGION_SYSTEM, region, region.replace("_", " "))}, sources[key],
                confirmed[key]) for region in regions or []]
            continue
        components.append(_component(_code(key), _value(key, answer), sources[key],
                                     confirmed[key]))
    return without_empty({
        "resourceType": "Observation",
        "id": f"health-{health.pk}",
        "identifier": ids.identifiers(KIND_HEALTH, health.patient.clinic_id, health.pk),
        "status": "final",
        "category": [concept("http://terminology.hl7.org/CodeSystem/observation-category",
                             "social-history", "Social History")],
        "code": concept(HEALTH_SYSTEM, HEALTH_CODE, text="health history for acupuncture"),
        "subject": reference("Patient", health.patient_id),
        "issued": health.updated_at.isoformat(),
        "component": components,
    })


def is_health_history(resource: Json) -> bool:
    return any(c.get("system") == HEALTH_SYSTEM and c.get("code") == HEALTH_CODE
               for c in (resource.get("code") or {}).get("coding") or [])


def health_answers(resource: Json, where: str,
                   problems: Any) -> dict[str, tuple[Any, str, bool]]:
    """{key: (answer, source, confirmed)} for every question and detail the Observation
    answers; a question sent as not asked (no value) is left out: nothing is written for it.
    `confirmed` is False for a patient's answer the file says no clinician has confirmed."""
    found: dict[str, tuple[Any, str, bool]] = {}
    regions: list[str] = []
    region_source, region_confirmed, broken = AnswerSource.CLINICIAN.value, True, None
    for index, component in enumerate(resource.get("component") or []):
        at = f"{where}.component[{index}]"
        code = next((c.get("code") for c in (component.get("code") or {}).get("coding") or []
                     if c.get("system") == HEALTH_SYSTEM), None)
        source = next((e.get("valueCode") for e in component.get("extension") or []
                       if e.get("url") == f"{EXTENSION}/{EXT_SOURCE}"),
                      AnswerSource.CLINICIAN.value)
        confirmed = next((e.get("valueBoolean") for e in component.get("extension") or []
                          if e.get("url") == f"{EXTENSION}/{EXT_CONFIRMED}"), True) is not False
        if source not in AnswerSource.values:
            problems.error(f"{at}.extension", f"the answer's source must be one of "
                                              f"{', '.join(AnswerSource.values)}.", "value")
        key = _key(code) if code else ""
        if code in (BROKEN_SKIN, BROKEN_SKIN_REGION):
            region_source, region_confirmed = source, confirmed
            if code == BROKEN_SKIN:
                broken = component.get("valueBoolean")
            else:
                region = next((c.get("code") for c in (component.get(
                    "valueCodeableConcept") or {}).get("coding") or []), None)
                regions.append(str(region))
            continue
        if key not in HEALTH_KEYS:
            problems.error(f"{at}.code", f"{code!r} is no question of acuback's health "
                                         f"history ({HEALTH_SYSTEM}).", "value")
            continue
        if "dataAbsentReason" in component:
            continue  # not asked: stays not asked
        found[key] = (_answer(key, component, at, problems), source, confirmed)
    if broken is not None:
        found["skin_lesion_regions"] = (regions if broken else [], region_source,
                                        region_confirmed)
    elif regions:
        problems.error(f"{where}.component", "broken-skin regions need broken-skin true.",
                       "value")
    return found


def _answer(key: str, component: Json, where: str, problems: Any) -> Any:
    if key == "implanted_device":
        return next((c.get("code") for c in (component.get("valueCodeableConcept") or {})
                     .get("coding") or [] if c.get("system") == DEVICE_SYSTEM), None)
    if key == "pregnancy_weeks":
        value = (component.get("valueQuantity") or {}).get("value")
        return int(value) if isinstance(value, int | float) and value == int(value) else value
    if key in TEXTS:
        return component.get("valueString")
    if "valueBoolean" not in component:
        problems.error(where, "answer yes or no (valueBoolean), or leave it not asked "
                              "(dataAbsentReason).", "value")
    return component.get("valueBoolean")

