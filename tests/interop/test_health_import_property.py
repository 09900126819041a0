"""The property of issue 7 on the last write path of the health history, the FHIR import
(POST /fhir): random health-history Observations, about a patient whose history holds a "yes"
to every question, never change a stored answer. The import writes only into a history the
clinic never took, and a history with any answer was taken, whatever its version number: the
bulk demo and the tri-state migration leave answered histories at version 1."""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuback.interop.resources.common import EXTENSION
from acuback.interop.resources.health import (
    BODY_REGION_SYSTEM,
    DATA_ABSENT,
    DEVICE_SYSTEM,
    HEALTH_CODE,
    HEALTH_SYSTEM,
)
from acuback.patients.models import HEALTH_QUESTIONS, HealthHistory, HealthHistoryVersion
from tests.personas import World

ALL_YES: dict[str, object] = {
    "pregnant": True, "pregnancy_weeks": 20, "anticoagulant": True, "bleeding_disorder": True,
    "implanted_device": "pacemaker", "needle_phobia": True, "immunosuppressed": True,
    "diabetes": True, "epilepsy": True, "metal_allergy": True,
    "skin_lesion_regions": ["lower_back"], "skin_conditions": "eczema", "medications": "warfarin",
}
BOOLEAN_CODES = ["pregnant", "anticoagulant", "bleeding-disorder", "needle-phobia",
                 "immunosuppressed", "diabetes", "epilepsy", "metal-allergy", "broken-skin"]
NOT_ASKED = {"dataAbsentReason": {"coding": [{"system": DATA_ABSENT, "code": "not-asked"}]}}
SERIAL = itertools.count()


def _component(code: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"code": {"coding": [{"system": HEALTH_SYSTEM, "code": code}]}, **value}


BOOLEAN = st.builds(_component, st.sampled_from(BOOLEAN_CODES), st.one_of(
    st.just(NOT_ASKED), st.booleans().map(lambda b: {"valueBoolean": b}),
    st.sampled_from([{"valueString": "no"}, {}])))
DEVICE = st.builds(_component, st.just("implanted-device"), st.one_of(
    st.just(NOT_ASKED), st.sampled_from(["none", "pacemaker", "nowhere"]).map(
        lambda c: {"valueCodeableConcept": {"coding": [{"system": DEVICE_SYSTEM, "code": c}]}})))
REGION = st.builds(_component, st.just("broken-skin-region"), st.sampled_from(
    ["foot", "lower_back", "nowhere"]).map(
        lambda c: {"valueCodeableConcept": {"coding": [{"system": BODY_REGION_SYSTEM,
                                                        "code": c}]}}))
SOURCE = st.sampled_from([None, "patient", "clinician"])
COMPONENTS = st.lists(st.tuples(st.one_of(BOOLEAN, DEVICE, REGION), SOURCE), max_size=8)
# How the stored history came to be: the bulk demo (version 1, every question answered by the
# patient at intake), the tri-state migration (version 1, no one named), or a clinician's form.
STORED = st.sampled_from(["demo", "migration", "written"])


def _store(patient_id: int, how: str) -> HealthHistory:
    answered = ({q: {"by": None, "name": "intake", "at": "2026-01-05T10:00:00+00:00",
                     "source": "patient"} for q in HEALTH_QUESTIONS} if how == "demo" else {})
    version = 2 if how == "written" else 1
    HealthHistory.objects.filter(patient_id=patient_id).update(**ALL_YES, version=version,
                                                               answered=answered)
    HealthHistoryVersion.objects.filter(history__patient_id=patient_id,
                                        version__gt=version).delete()
    return HealthHistory.objects.get(patient_id=patient_id)


def _observation(patient_id: int, components: list[tuple[dict[str, Any], str | None]]
                 ) -> dict[str, Any]:
    parts = []
    for component, source in components:
        if source:
            component = {**component, "extension": [{
                "url": f"{EXTENSION}/answer-source",
                "valueCode": source}]}
        parts.append(component)
    return {"resourceType": "Observation", "id": f"h{next(SERIAL)}", "status": "final",
            "identifier": [{"system": "https://elsewhere.example/health",
                            "value": str(next(SERIAL))}],
            "code": {"coding": [{"system": HEALTH_SYSTEM, "code": HEALTH_CODE}]},
            "subject": {"reference": f"Patient/{patient_id}"}, "component": parts}


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(how=STORED, components=COMPONENTS)
def test_it_never_writes_over_an_answered_history_through_post_fhir(
    world: World, client_for, how: str, components: list[tuple[dict[str, Any], str | None]]  # noqa: ANN001
) -> None:
    patient_id = world.other_patient.pk
    before = _store(patient_id, how)
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": "https://elsewhere.example/fhir/Observation/h",
         "resource": _observation(patient_id, components)}]}
    response = client_for("practitioner").post("/fhir", json.dumps(bundle),
                                               content_type="application/fhir+json")
    assert response.status_code in (200, 422), response.content
    stored = HealthHistory.objects.get(patient_id=patient_id)
    for key, yes in ALL_YES.items():
        assert stored.answer(key) == yes, (key, how, components, response.content)
    assert (stored.version, stored.answered) == (before.version, before.answered)
    if response.status_code == 200:
        assert "already has a health history" in response.content.decode()


def test_it_writes_over_no_demo_history_though_its_version_is_1(world: World, client_for) -> None:  # noqa: ANN001
    """The example the property found: the bulk demo's histories are at version 1, which the
    import took for "never taken", and a file's "no" replaced a patient's blood thinner."""
    patient_id = world.other_patient.pk
    _store(patient_id, "demo")
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": "https://elsewhere.example/fhir/Observation/h", "resource": _observation(
            patient_id, [(_component("anticoagulant", {"valueBoolean": False}), "clinician")])}]}
    response = client_for("practitioner").post("/fhir", json.dumps(bundle),
                                               content_type="application/fhir+json")
    assert response.status_code == 200, response.content
    assert HealthHistory.objects.get(patient_id=patient_id).anticoagulant is True
    assert "already has a health history" in response.content.decode()
