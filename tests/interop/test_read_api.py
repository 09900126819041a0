"""GET /fhir: metadata, read, search by patient and date, $everything; errors as
OperationOutcome; the access rules of every other endpoint."""

from __future__ import annotations

import pytest

from acuback.audit.models import AuditEntry
from tests.interop.conftest import ClientFor, entries, fhir_get
from tests.personas import World

CLINICAL = ["EpisodeOfCare", "Condition", "QuestionnaireResponse", "Observation"]


def test_it_answers_a_capability_statement_without_login(client_for: ClientFor) -> None:
    statement = fhir_get(client_for("anonymous"), "/fhir/metadata")
    assert statement["fhirVersion"] == "4.0.1"
    types = {r["type"] for r in statement["rest"][0]["resource"]}
    assert {"Patient", "Condition", "Observation", "CodeSystem", "Group"} <= types


def test_it_reads_a_patient(client_for: ClientFor, world: World) -> None:
    patient = fhir_get(client_for("practitioner"), f"/fhir/Patient/{world.patient.pk}")
    assert patient["name"] == [{"use": "official", "family": "Lovelace", "given": ["Ada"]}]
    assert patient["identifier"] == [{"system": "https://acuback.org/fhir/sid/riverside/patient",
                                      "value": str(world.patient.pk)}]


@pytest.mark.parametrize("resource_type", CLINICAL)
def test_it_searches_each_clinical_type_by_patient(
    client_for: ClientFor, charted: World, resource_type: str
) -> None:
    bundle = fhir_get(client_for("practitioner"),
                      f"/fhir/{resource_type}?patient={charted.other_patient.pk}")
    found = entries(bundle)
    assert found and bundle["total"] == len(found)
    subjects = {(r.get("subject") or r.get("patient"))["reference"] for r in found}
    assert subjects == {f"Patient/{charted.other_patient.pk}"}


def test_it_searches_by_date(client_for: ClientFor, charted: World) -> None:
    client = client_for("practitioner")
    assert fhir_get(client, "/fhir/Observation?date=ge2000-01-01")["total"] == 6 + 2
    assert fhir_get(client, "/fhir/Observation?date=lt2000")["total"] == 0
    onset = charted.episode.onset_date.isoformat()
    assert fhir_get(client, f"/fhir/Condition?onset-date={onset}")["total"] == 2
    assert fhir_get(client, f"/fhir/Condition?onset-date=lt{onset}")["total"] == 0


def test_it_pages_a_search(client_for: ClientFor, charted: World) -> None:
    bundle = fhir_get(client_for("practitioner"), "/fhir/Observation?_count=2")
    assert len(entries(bundle)) == 2 and bundle["total"] == 6 + 2  # scores, health
    next_link = next(link["url"] for link in bundle["link"] if link["relation"] == "next")
    assert "_offset=2" in next_link


def test_it_finds_a_record_by_identifier(client_for: ClientFor, world: World) -> None:
    system = "https://acuback.org/fhir/sid/riverside/patient"
    bundle = fhir_get(client_for("practitioner"),
                      f"/fhir/Patient?identifier={system}|{world.other_patient.pk}")
    assert [r["id"] for r in entries(bundle)] == [str(world.other_patient.pk)]


def test_it_refuses_an_unknown_search_parameter(client_for: ClientFor, world: World) -> None:
    outcome = fhir_get(client_for("practitioner"), "/fhir/Condition?patinet=1", 400)
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["expression"] == ["patinet"]


def test_it_refuses_a_bad_date(client_for: ClientFor, world: World) -> None:
    outcome = fhir_get(client_for("practitioner"), "/fhir/Observation?date=2026-02-31", 400)
    assert "not a real date" in outcome["issue"][0]["diagnostics"]


@pytest.mark.parametrize("path", ["/fhir/Medication/1", "/fhir/Patient/999999",
                                  "/fhir/no/such/path", "/fhir/Patient/abc"])
def test_it_answers_404_with_an_operation_outcome(client_for: ClientFor, world: World,
                                                  path: str) -> None:
    outcome = fhir_get(client_for("practitioner"), path, 404)
    assert outcome["resourceType"] == "OperationOutcome"


def test_it_wants_a_login(client_for: ClientFor, world: World) -> None:
    response = client_for("anonymous").get("/fhir/Patient")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert response["Content-Type"] == "application/fhir+json"


def test_it_accepts_a_bearer_token(world: World) -> None:
    from django.test import Client

    from acuback.accounts.tokens import api_token_create

    secret = api_token_create(user=world.practitioner, name="fhir")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert fhir_get(client, f"/fhir/Patient/{world.patient.pk}")["id"] == str(world.patient.pk)


@pytest.mark.parametrize("resource_type", ["Patient", *CLINICAL])
def test_it_cannot_reach_another_clinics_records(
    client_for: ClientFor, charted: World, resource_type: str
) -> None:
    client = client_for("outsider")
    fhir_get(client, f"/fhir/{resource_type}/{_any_id(client_for, charted, resource_type)}", 404)
    bundle = fhir_get(client, f"/fhir/{resource_type}?patient={charted.patient.pk}"
                      if resource_type != "Patient" else f"/fhir/Patient?_id={charted.patient.pk}")
    assert bundle["total"] == 0


def _any_id(client_for: ClientFor, world: World, resource_type: str) -> str:
    bundle = fhir_get(client_for("practitioner"), f"/fhir/{resource_type}?_count=1")
    return entries(bundle)[0]["id"]


@pytest.mark.parametrize("resource_type", CLINICAL)
def test_it_shows_front_desk_no_clinical_content(
    client_for: ClientFor, charted: World, resource_type: str
) -> None:
    desk = client_for("front_desk")
    record_id = _any_id(client_for, charted, resource_type)
    assert fhir_get(desk, f"/fhir/{resource_type}/{record_id}", 403)["issue"][0]["code"] \
        == "forbidden"
    fhir_get(desk, f"/fhir/{resource_type}", 403)
    fhir_get(desk, f"/fhir/Patient/{charted.patient.pk}/$everything", 403)


def test_it_lets_front_desk_read_demographics(client_for: ClientFor, world: World) -> None:
    assert fhir_get(client_for("front_desk"), "/fhir/Patient")["total"] == 2


def test_it_shows_a_patient_only_their_own_record(client_for: ClientFor, charted: World) -> None:
    client = client_for("patient_user")
    assert [r["id"] for r in entries(fhir_get(client, "/fhir/Patient"))] == [
        str(charted.patient.pk)]
    observations = entries(fhir_get(client, "/fhir/Observation"))
    assert {r["subject"]["reference"] for r in observations} == {f"Patient/{charted.patient.pk}"}
    fhir_get(client, f"/fhir/Patient/{charted.other_patient.pk}", 404)


def test_it_audits_reads_and_searches(client_for: ClientFor, charted: World) -> None:
    client = client_for("practitioner")
    fhir_get(client, f"/fhir/Condition/{charted.episode.pk}")
    fhir_get(client, f"/fhir/Observation?patient={charted.patient.pk}")
    read = AuditEntry.objects.filter(action="read", object_type="episode").first()
    listed = AuditEntry.objects.filter(action="list", object_type="assessment").first()
    assert read is not None and read.object_id == str(charted.episode.pk)
    assert read.channel == "api"
    assert listed is not None and listed.detail["resource"] == "Observation"


def test_it_audits_a_refusal(client_for: ClientFor, charted: World) -> None:
    fhir_get(client_for("front_desk"), "/fhir/Condition", 403)
    assert AuditEntry.objects.filter(object_type="episode", outcome="denied").exists()


def test_it_gives_everything_about_a_patient(client_for: ClientFor, charted: World) -> None:
    bundle = fhir_get(client_for("practitioner"),
                      f"/fhir/Patient/{charted.patient.pk}/$everything")
    types = {r["resourceType"] for r in entries(bundle)}
    assert types == {"Patient", "EpisodeOfCare", "Condition", "QuestionnaireResponse",
                     "Observation", "DocumentReference", "Organization"}  # + its reports
    assert all(r.get("subject", r.get("patient", {"reference": "Patient/" + str(
        charted.patient.pk)}))["reference"] == f"Patient/{charted.patient.pk}"
        for r in entries(bundle) if r["resourceType"] != "Organization")


def test_it_publishes_the_acupoint_code_system(client_for: ClientFor, world: World) -> None:
    code_system = fhir_get(client_for("practitioner"), "/fhir/CodeSystem/acupoint")
    codes = {c["code"] for c in code_system["concept"]}
    assert {"BL23", "GV4", "EX-B2"} <= codes and code_system["count"] == len(codes)


def test_it_lists_patient_groups_for_clinicians(client_for: ClientFor, world: World) -> None:
    groups = entries(fhir_get(client_for("owner"), "/fhir/Group"))
    everyone = next(g for g in groups if g["id"] == "all")
    assert everyone["quantity"] == 2
    fhir_get(client_for("front_desk"), "/fhir/Group", 403)


def test_it_codes_the_condition_in_icd10_and_snomed(client_for: ClientFor, world: World) -> None:
    condition = fhir_get(client_for("practitioner"), f"/fhir/Condition/{world.episode.pk}")
    codings = {(c["system"], c["code"]) for c in condition["code"]["coding"]}
    assert codings == {("http://hl7.org/fhir/sid/icd-10-cm", "M54.50"),
                       ("http://snomed.info/sct", "161891005")}


@pytest.mark.parametrize("path", ["/fhir", "/fhir/"])
def test_it_answers_the_bare_base_with_an_operation_outcome(client_for: ClientFor, world: World,
                                                            path: str) -> None:
    assert fhir_get(client_for("practitioner"), path, 400)["resourceType"] == "OperationOutcome"
