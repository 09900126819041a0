"""The property of issue 7 over every write path of the health history but the API (whose own
property test is in test_health_api.py): random bodies posted to the staff page form and to
the portal's pre-visit intake never turn a stored "yes" into "no" or "not asked" unless that
very question was sent, and a refused post changes nothing at all. (The FHIR import writes
through the same service, only into a history the clinic never took; its property is in
tests/interop/test_health_import_property.py.)"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuback.patients.models import HealthHistory, HealthHistoryVersion
from tests.personas import World

ALL_YES: dict[str, object] = {
    "pregnant": True, "pregnancy_weeks": 20, "anticoagulant": True, "bleeding_disorder": True,
    "implanted_device": "pacemaker", "needle_phobia": True, "immunosuppressed": True,
    "diabetes": True, "epilepsy": True, "metal_allergy": True,
    "skin_lesion_regions": ["lower_back"], "skin_conditions": "eczema", "medications": "warfarin",
}
# Each stored question, and the form field that sends it.
FIELD_OF = {"pregnant": "pregnant", "anticoagulant": "anticoagulant",
            "bleeding_disorder": "bleeding_disorder", "implanted_device": "implanted_device",
            "needle_phobia": "needle_phobia", "immunosuppressed": "immunosuppressed",
            "diabetes": "diabetes", "epilepsy": "epilepsy", "metal_allergy": "metal_allergy",
            "skin_lesion_regions": "skin_lesions"}
RADIOS = [f for f in FIELD_OF.values() if f != "implanted_device"]
OTHERS = ["skin_lesion_regions", "pregnancy_weeks", "medications", "skin_conditions"]
JUNK = st.one_of(st.sampled_from(["maybe", "true", "nowhere", "-1", "20", "lower_back"]),
                 st.lists(st.sampled_from(["lower_back", "foot", "nowhere"]), max_size=2))


@st.composite
def bodies(draw: st.DrawFn) -> dict[str, Any]:
    """A whole form with random answers (valid more often than not), then some fields left
    out and some given nonsense: what a browser, a stale tab or a hand-made post may send."""
    body: dict[str, Any] = {f: draw(st.sampled_from(["yes", "no", ""])) for f in RADIOS}
    body["implanted_device"] = draw(st.sampled_from(["", "none", "pacemaker"]))
    body["source"] = draw(st.sampled_from(["patient", "clinician"]))
    if body["skin_lesions"] == "yes":
        body["skin_lesion_regions"] = ["lower_back"]
    body["pregnancy_weeks"] = "12" if body["pregnant"] == "yes" else ""
    body["medications"] = draw(st.sampled_from(["", "warfarin"]))
    names = [*RADIOS, "implanted_device", "source", *OTHERS]
    for name in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)):
        body.pop(name, None)
    for name in draw(st.lists(st.sampled_from(names), max_size=1, unique=True)):
        body[name] = draw(JUNK)
    return body


BODIES = bodies()
VERSIONS = st.sampled_from(["2", "2", "2", "1", ""])  # mostly current, sometimes stale or none


def _all_yes(patient_id: int) -> None:
    HealthHistory.objects.filter(patient_id=patient_id).update(**ALL_YES, version=2,
                                                               answered={})
    HealthHistoryVersion.objects.filter(history__patient_id=patient_id, version__gt=2).delete()


def _check(patient_id: int, body: dict[str, Any], status: int) -> None:
    stored = HealthHistory.objects.get(patient_id=patient_id)
    saved = status == 302
    for key, field in FIELD_OF.items():
        if not (saved and field in body):
            assert stored.answer(key) == ALL_YES[key], (key, body, status)
    if not saved:
        assert stored.version == 2, (body, status)  # a refused post changes nothing


SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(body=BODIES, version=VERSIONS)
def test_it_never_loses_a_yes_through_the_staff_form(
        world: World, client_for, body: dict[str, Any], version: str) -> None:  # noqa: ANN001
    patient_id = world.other_patient.pk
    _all_yes(patient_id)
    response = client_for("practitioner").post(f"/patients/{patient_id}/health/",
                                               {**body, "version": version})
    _check(patient_id, body, response.status_code)


@SETTINGS
@given(body=BODIES, version=VERSIONS)
def test_it_never_loses_a_yes_through_the_portal_intake(
        world: World, client_for, body: dict[str, Any], version: str) -> None:  # noqa: ANN001
    patient_id = world.patient.pk  # the patient_user's own record
    _all_yes(patient_id)
    response = client_for("patient_user").post("/portal/before-your-visit/health/",
                                               {**body, "version": version})
    _check(patient_id, body, response.status_code)
    if response.status_code == 302:  # what the patient said is theirs, not yet confirmed
        stored = HealthHistory.objects.get(patient_id=patient_id)
        for key, field in FIELD_OF.items():
            if stored.answer(key) != ALL_YES[key]:
                assert not stored.confirmed(key) and body.get(field) not in (None, ""), key


def test_it_refuses_a_staff_form_missing_a_question(world: World, client_for) -> None:  # noqa: ANN001
    """The example the property found: a post without the blood-thinner question used to
    save it as "not asked"."""
    patient_id = world.other_patient.pk
    _all_yes(patient_id)
    full = {"version": "2", "source": "clinician", "pregnant": "yes", "pregnancy_weeks": "20",
            "bleeding_disorder": "yes", "implanted_device": "pacemaker",
            "needle_phobia": "yes", "immunosuppressed": "yes", "diabetes": "yes",
            "epilepsy": "yes", "metal_allergy": "yes", "skin_lesions": "yes",
            "skin_lesion_regions": "lower_back", "medications": "warfarin"}
    response = client_for("practitioner").post(f"/patients/{patient_id}/health/", full)
    assert response.status_code == 200 and 'id="id_anticoagulant_error"' in (
        response.content.decode())
    assert HealthHistory.objects.get(patient_id=patient_id).anticoagulant is True
