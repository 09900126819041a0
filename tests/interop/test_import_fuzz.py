"""The FHIR import fuzzed (issue 8): whatever Bundle arrives at `POST /fhir` or `acuback import`,
it is imported or refused with an OperationOutcome of its own (HTTP 4xx, never 500; the command
exits 0 or 2 with a message, never a traceback), and a refused Bundle stores nothing: no row of
any of our models, and no audit entry but the refusal's.

Inputs are arbitrary JSON, and a whole clinic's export (patients, episodes, questionnaires,
health histories, screens, plans, consents, signed visits with amendments and adverse events,
appointments) with one part replaced, removed, duplicated or added: a wrong type, a NUL byte, a
huge number, 2020-02-30, an unknown resource type, a reference to nothing. Each example imports
into an empty clinic and is rolled back after, so every one reaches as deep as the last.
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuback.accounts.models import User
from acuback.audit.models import AuditEntry, Outcome
from acuback.cli import main as acuback_main
from acuback.interop import visit_import
from acuback.interop.resources import health, screening
from tests.clinical.test_outside_input_fuzz import edited, json_values
from tests.interop.conftest import ClientFor, Json
from tests.interop.test_import import (
    CARE_DATA,
    PATIENT_DATA,
    VISIT_DATA,
    _book_appointments,
    _bundle,
    _chart_visits,
    _empty_clinic,
    _export,
)
from tests.personas import World
from tests.savepoint import in_savepoint

# Database-backed and half a second for a Bundle that gets all the way through: few examples,
# the same ones on every run.
FUZZ_DB = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])

ODD = st.sampled_from(["\x00", "a\x00b", "2020-02-30", "2026-13-01T10:00:00Z", "1e999", "-0",
                       10**30, -(10**19), 1.5e308, "Patient/0", "Patient/999999999",
                       "urn:uuid:nowhere", "EpisodeOfCare/x", "Encounter/", "", [], {}])
UNKNOWN = st.sampled_from(["Basic", "Bundle", "Patient ", "patient", "", "Encounter\x00"])


@st.composite
def _duplicated(draw: st.DrawFn, bundle: Json) -> Json:
    """One entry twice (the same ids and identifiers)."""
    doc = copy.deepcopy(bundle)
    entry = draw(st.sampled_from(doc["entry"]))
    doc["entry"].insert(draw(st.integers(0, len(doc["entry"]))), copy.deepcopy(entry))
    return doc


@st.composite
def _odd_value(draw: st.DrawFn, bundle: Json) -> Json:
    """One element of one resource set to a value that breaks a parser: a NUL byte, an
    impossible date, a number too large, a reference to nothing."""
    doc = copy.deepcopy(bundle)
    resource = draw(st.sampled_from(doc["entry"]))["resource"]
    node: Any = resource
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = draw(st.sampled_from(keys)) if keys else None
        child = node[key] if keys else None
        if isinstance(child, dict | list) and child and draw(st.booleans()):
            node = child
            continue
        if key is not None:
            node[key] = draw(ODD)
        return doc


@st.composite
def _unknown_entry(draw: st.DrawFn, bundle: Json) -> Json:
    """An entry of a type acuback does not import, or a resource of another type renamed."""
    doc = copy.deepcopy(bundle)
    resource = copy.deepcopy(draw(st.sampled_from(doc["entry"]))["resource"])
    resource["resourceType"] = draw(UNKNOWN | st.sampled_from(
        ["Patient", "Condition", "Encounter", "Observation", "Appointment", "CarePlan"]))
    doc["entry"].append({"fullUrl": f"https://elsewhere.example/fhir/x/{len(doc['entry'])}",
                         "resource": resource})
    return doc


def bundles(bundle: Json) -> st.SearchStrategy[Any]:
    return (edited(bundle) | _duplicated(bundle) | _odd_value(bundle) | _unknown_entry(bundle)
            | json_values)


@pytest.fixture
def sent(charted: World, tmp_path: Path) -> tuple[User, Json]:
    """A clinic's whole export, and the owner of an empty clinic (a clinician there has the
    signer's NPI) to import it."""
    _chart_visits(charted)
    _book_appointments(charted)
    exported = _export(charted, tmp_path)
    owner = _empty_clinic(npi=charted.practitioner.practitioner.npi)
    kept = [*PATIENT_DATA, *VISIT_DATA, *CARE_DATA, "Appointment", "Practitioner"]
    return owner, _bundle([r for r in exported if r["resourceType"] in kept])


def _rows() -> dict[str, int]:
    """How many rows each of our models holds (the audit trail apart)."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if model.__module__.startswith("acuback.") and model is not AuditEntry}


def _stored_nothing(before: dict[str, int], last_audit: int, why: object) -> None:
    assert _rows() == before, why
    new = AuditEntry.objects.filter(pk__gt=last_audit)
    assert not new.filter(outcome=Outcome.OK).exists(), (list(new.values()), why)


def _last_audit() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_it_imports_the_unedited_export(sent: tuple[User, Json], client_for: ClientFor) -> None:
    """The examples start from a Bundle that imports: so a refusal is the edit's doing."""
    owner, bundle = sent
    client = client_for("practitioner")
    client.force_login(owner)
    response = client.post("/fhir", json.dumps(bundle), content_type="application/fhir+json")
    assert response.status_code == 200, response.content


@FUZZ_DB
@given(data=st.data())
def test_post_fhir_imports_or_refuses_any_bundle_whole(
    sent: tuple[User, Json], client_for: ClientFor, data: st.DataObject
) -> None:
    owner, bundle = sent
    body = data.draw(bundles(bundle))
    client = client_for("practitioner")
    client.force_login(owner)

    def check() -> None:
        before, last_audit = _rows(), _last_audit()
        response = client.post("/fhir", json.dumps(body), content_type="application/fhir+json")
        answer = json.loads(response.content)
        assert response.status_code in (200, 400, 422), (response.status_code, answer)
        if response.status_code == 200:
            assert answer["type"] == "transaction-response"
            return
        assert answer["resourceType"] == "OperationOutcome"
        assert all(i["diagnostics"] for i in answer["issue"]), answer
        _stored_nothing(before, last_audit, answer)

    in_savepoint(check)


@FUZZ_DB
@given(data=st.data())
def test_acuback_import_exits_0_or_2_on_any_bundle(
    sent: tuple[User, Json], tmp_path: Path, data: st.DataObject
) -> None:
    owner, bundle = sent
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(data.draw(bundles(bundle))), encoding="utf-8")

    def check() -> None:
        before, last_audit = _rows(), _last_audit()
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            status = acuback_main(["import", str(path), "--user", owner.username])
        assert status in (0, 2), err.getvalue()
        assert (status == 0) == bool(out.getvalue()) and (status == 2) == bool(err.getvalue())
        if status == 2:
            _stored_nothing(before, last_audit, err.getvalue())

    in_savepoint(check)


# --- what the fuzzing found, one example each ---------------------------------------------------
# Each was a 500 from POST /fhir (a traceback from `acuback import`) before its fix.


def _post(owner: User, client_for: ClientFor, body: object) -> tuple[int, Json]:
    client = client_for("practitioner")
    client.force_login(owner)
    text = body if isinstance(body, str) else json.dumps(body)
    response = client.post("/fhir", text, content_type="application/fhir+json")
    return response.status_code, json.loads(response.content)


def _refused(owner: User, client_for: ClientFor, body: object) -> Json:
    before, last_audit = _rows(), _last_audit()
    status, answer = _post(owner, client_for, body)
    assert status in (400, 422), (status, answer)
    assert answer["resourceType"] == "OperationOutcome"
    _stored_nothing(before, last_audit, answer)
    return answer


def _named(answer: Json) -> set[str]:
    return {e for i in answer["issue"] for e in i.get("expression", [])}


def _first(bundle: Json, test: Callable[[Json], bool]) -> tuple[int, Json]:
    return next((n, e["resource"]) for n, e in enumerate(bundle["entry"])
                if test(e["resource"]))


def _of(resource_type: str, test: Callable[[Json], bool] = lambda r: True
        ) -> Callable[[Json], bool]:
    return lambda r: r["resourceType"] == resource_type and test(r)


# (the resource edited, the element given the wrong form, the value): each crashed a reader.
WRONG_FORM = {
    "a report's type a number (reports.is_report)": (
        _of("DocumentReference"), ["type"], 5),
    "an adverse event's seriousness a list (visit_import._code)": (
        _of("AdverseEvent"), ["seriousness"], [{"text": "serious"}]),
    "an amendment's type a number (visit_import._import_amendment)": (
        _of("DocumentReference", visit_import.is_amendment), ["type"], 5),
    "an appointment's participant a list (appointment_import._actor)": (
        _of("Appointment"), ["participant", 0], ["x"]),
    "an episode's period a string (parsing.episode_fields)": (
        _of("EpisodeOfCare"), ["period"], "2026"),
    "a health history's component a string (health.health_answers)": (
        _of("Observation", health.is_health_history), ["component", 0], "x"),
    "a procedure's extension a string (visit_import._all)": (
        _of("Procedure"), ["extension", 0], "x"),
    "a referral's derivedFrom a string (screening_import._screen_of)": (
        _of("Observation", screening.is_referral), ["derivedFrom", 0], "x"),
}


@pytest.mark.parametrize("case", list(WRONG_FORM))
def test_it_refuses_an_element_of_the_wrong_form_naming_it(
        sent: tuple[User, Json], client_for: ClientFor, case: str) -> None:
    owner, bundle = sent
    test, path, value = WRONG_FORM[case]
    index, node = _first(bundle, test)
    where = f"Bundle.entry[{index}].resource"
    for key in path[:-1]:
        node = node[key]
        where += f"[{key}]" if isinstance(key, int) else f".{key}"
    node[path[-1]] = value
    last = path[-1]
    where += f"[{last}]" if isinstance(last, int) else f".{last}"
    answer = _refused(owner, client_for, bundle)
    assert any(i["code"] == "structure" and where in i.get("expression", [])
               for i in answer["issue"]), answer


def test_it_refuses_an_entry_whose_fullurl_another_has(
        sent: tuple[User, Json], client_for: ClientFor) -> None:
    """An EpisodeOfCare twice: the responses that name it found the second, never imported
    (a KeyError in _import_response). FHIR's bdl-7: a fullUrl names one entry."""
    owner, bundle = sent
    index, _ = _first(bundle, _of("EpisodeOfCare"))
    bundle["entry"].append(copy.deepcopy(bundle["entry"][index]))
    answer = _refused(owner, client_for, bundle)
    assert _named(answer) == {f"Bundle.entry[{len(bundle['entry']) - 1}].fullUrl"}, answer
    assert f"Bundle.entry[{index}]" in answer["issue"][0]["diagnostics"]


def test_it_refuses_what_refers_to_an_entry_refused_while_writing(
        sent: tuple[User, Json], client_for: ClientFor) -> None:
    """An episode the episodes service refuses (opened after today) is refused as it is
    written; the responses of that episode, written after it, found no record of it (a KeyError
    in _import_response). Each is now refused, naming the entry it needed."""
    owner, bundle = sent
    index, care = _first(bundle, _of("EpisodeOfCare"))
    care["period"]["start"] = "2999-01-01"
    answer = _refused(owner, client_for, bundle)
    needing = [i for i in answer["issue"] if "which was not imported" in i["diagnostics"]]
    assert needing and all(f"Bundle.entry[{index}]" in i["diagnostics"] for i in needing), answer


def _nested(key: str, depth: int) -> Json:
    node: Json = {"url": "https://elsewhere.example/x"}
    for _ in range(depth):
        node = {"url": "https://elsewhere.example/x", key: [node]}
    return node


@pytest.mark.parametrize(("key", "depth"), [("extension", 400), ("contained", 400)])
def test_it_refuses_elements_nested_too_deeply_not_a_crash(
        world: World, client_for: ClientFor, key: str, depth: int) -> None:
    """The form's own check must not recurse past Python's stack on a resource nested as
    deep as the JSON parser allows."""
    patient = {"resourceType": "Patient", "id": "1", **_nested(key, depth)}
    patient.pop("url")
    if key == "contained":
        patient["contained"] = [{"resourceType": "Patient", **_nested(key, depth)}]
    answer = _refused(world.practitioner, client_for, {
        "resourceType": "Bundle", "type": "collection",
        "entry": [{"fullUrl": "urn:uuid:1", "resource": patient}]})
    assert any(i["code"] == "structure" and i["expression"][0].startswith("Bundle.entry[0]")
               for i in answer["issue"]), answer


def test_it_refuses_entries_that_are_not_an_array(world: World,
                                                  client_for: ClientFor) -> None:
    owner = world.practitioner
    answer = _refused(owner, client_for, {"resourceType": "Bundle", "type": "collection",
                                          "entry": 5})
    assert _named(answer) == {"Bundle.entry"}, answer


def test_it_answers_a_nul_byte_under_fhir_with_an_operation_outcome(
        world: World, client_for: ClientFor) -> None:
    """The guard against unstorable text answered /fhir with an HTML page."""
    body = {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": {"resourceType": "\x00"}}]}
    assert _refused(world.practitioner, client_for, body)["issue"][0]["code"] == "invalid"


def test_acuback_import_refuses_a_nul_byte_storing_nothing(
        sent: tuple[User, Json], tmp_path: Path) -> None:
    """`acuback import` passes no web guard: PostgreSQL failed on the NUL with a traceback, and
    SQLite stored it."""
    owner, bundle = sent
    _, patient = _first(bundle, _of("Patient"))
    patient["name"][0]["family"] = "Lake\x00side"
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    before, last_audit = _rows(), _last_audit()
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        assert acuback_main(["import", str(path), "--user", owner.username]) == 2
    assert "cannot be stored" in err.getvalue() and "Traceback" not in err.getvalue()
    _stored_nothing(before, last_audit, err.getvalue())


@pytest.mark.parametrize("body", ["[" * 100_000, "1" * 5000])
def test_it_refuses_json_nested_too_deep_or_a_number_too_long(
        world: World, client_for: ClientFor, tmp_path: Path, body: str) -> None:
    """Nesting past Python's parser and 5000 digits raised out of `acuback import`."""
    assert _refused(world.practitioner, client_for, body)["issue"][0]["code"] == "structure"
    path = tmp_path / "bundle.json"
    path.write_text(body, encoding="utf-8")
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        assert acuback_main(["import", str(path), "--user", "prac"]) == 2
    assert "too large to read" in err.getvalue()
