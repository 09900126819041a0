"""Text no database can store (a NUL byte, half a surrogate pair) answers 422 problem+json from
every API field and query, and 400 on pages, on SQLite and PostgreSQL alike; the refusal is
audited. Every server error under /api is problem+json; both spellings of a path (with and
without the final slash) answer the same."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import path

from acuback import urls as project_urls
from acuback.api import api
from acuback.audit.models import AuditEntry
from acuback.patients.models import Patient
from tests.api import payloads
from tests.api.payloads import problem
from tests.personas import World

NUL = "\x00"
SURROGATE = "\ud800"


def _operations() -> list[tuple[str, str]]:
    """(method, path with ids filled in as 1) of every operation in the OpenAPI document."""
    schema = api.get_openapi_schema()
    return [(method.upper(), re.sub(r"\{[^}]+\}", "1", route))
            for route, item in schema["paths"].items() for method in item]


OPERATIONS = _operations()


def test_it_knows_the_operations() -> None:
    assert ("POST", "/api/patients/") in OPERATIONS and len(OPERATIONS) > 15


@pytest.mark.parametrize(("method", "route"), OPERATIONS)
def test_it_answers_422_to_a_nul_in_the_query_of_every_operation(
        world: World, client_for, method: str, route: str) -> None:  # noqa: ANN001
    response = client_for("practitioner").generic(method, f"{route}?q=a%00b")
    problem(response, 422)


@pytest.mark.parametrize(("method", "route"), [op for op in OPERATIONS if op[0] != "GET"])
def test_it_answers_422_to_a_nul_in_the_body_of_every_write(
        world: World, client_for, method: str, route: str) -> None:  # noqa: ANN001
    body = json.dumps({"note": f"a{NUL}b", "nested": [{"why": "fine"}]})
    response = client_for("practitioner").generic(method, route, body,
                                                  content_type="application/json")
    assert problem(response, 422)["errors"] == {"body": [problem(response, 422)["detail"]]}


def test_it_refuses_a_nul_in_a_field_without_storing_anything(world: World, client_for) -> None:  # noqa: ANN001
    before = Patient.objects.count()
    response = client_for("practitioner").post(
        "/api/patients/", payloads.new_patient(family_name=f"Shel{NUL}ley"),
        content_type="application/json")
    problem(response, 422)
    assert Patient.objects.count() == before


def test_it_refuses_a_nul_in_a_key(world: World, client_for) -> None:  # noqa: ANN001
    body = {**payloads.new_patient(), f"sex{NUL}": "female"}
    problem(client_for("practitioner").post("/api/patients/", body,
                                            content_type="application/json"), 422)


def test_it_refuses_half_a_surrogate_pair(world: World, client_for) -> None:  # noqa: ANN001
    body = json.dumps(payloads.new_patient(given_name=f"M{SURROGATE}ry"))  # "\ud800" escaped
    assert "\\ud800" in body
    problem(client_for("practitioner").post("/api/patients/", body,
                                            content_type="application/json"), 422)


def test_it_answers_422_to_a_nul_in_the_path_without_a_login(db: None) -> None:
    response = Client().get("/api/instruments/%00/fhir/questionnaire")
    problem(response, 422)


def test_it_audits_the_refusal_with_the_nul_made_visible(db: None) -> None:
    Client(REMOTE_ADDR="198.51.100.3").get("/api/instruments/%00/fhir/questionnaire")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.object_type, entry.outcome, entry.client_addr) == (
        "request", "invalid", "198.51.100.3")
    assert entry.object_id == "/api/instruments/\ufffd/fhir/questionnaire"
    # An anonymous refusal: later ones from this address in its window are only counted.
    assert entry.detail.items() >= {"method": "GET", "reason": "unstorable text in path"}.items()
    assert "more_counted_until" in entry.detail


def test_it_still_accepts_ordinary_text(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("practitioner").post(
        "/api/patients/", payloads.new_patient(family_name="Ṡhelley-Ó Brien ✓ \t"),
        content_type="application/json")
    assert response.status_code == 201


def test_it_does_not_crash_on_a_deeply_nested_body(world: World, client_for) -> None:  # noqa: ANN001
    body = "[" * 100_000 + "]" * 100_000
    response = client_for("practitioner").post("/api/patients/", body,
                                               content_type="application/json")
    assert 400 <= response.status_code < 500


# --- pages ---------------------------------------------------------------------------------------


def test_it_answers_400_to_a_nul_in_a_page_query(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("practitioner").get("/patients/?q=Lov%00")
    assert response.status_code == 400
    assert "cannot be stored" in response.content.decode()


def test_it_answers_400_to_a_nul_in_a_form(world: World, client_for) -> None:  # noqa: ANN001
    before = Patient.objects.count()
    response = client_for("practitioner").post("/patients/new/", {
        "given_name": "Mary", "family_name": f"Shel{NUL}ley", "date_of_birth": "1979-08-30",
        "sex": "female"})
    assert response.status_code == 400
    assert Patient.objects.count() == before


def test_it_answers_400_to_a_nul_on_the_login_page(db: None) -> None:
    response = Client().post("/login/", {"username": f"prac{NUL}", "password": "x"})
    assert response.status_code == 400


# --- server errors and trailing slashes ------------------------------------------------------


def test_it_answers_a_server_error_in_an_endpoint_with_a_problem(world: World, client_for,
                                                                 monkeypatch) -> None:  # noqa: ANN001
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("acuback.patients.selectors.patient_search", broken)
    response = client_for("practitioner").get("/api/patients/")
    body = problem(response, 500)
    assert "a bug" not in json.dumps(body)


def _explode(request: object) -> None:
    raise RuntimeError("outside any endpoint")


# A URL configuration with one failing view and the project's own handler500.
urlpatterns = [path("api/explode", _explode), path("explode", _explode)]
handler500 = project_urls.handler500


@pytest.mark.urls(__name__)
def test_it_answers_a_server_error_outside_the_endpoints_with_a_problem(db: None) -> None:
    response = Client(raise_request_exception=False).get("/api/explode")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert "outside any endpoint" not in response.content.decode()


@pytest.mark.urls(__name__)
def test_it_answers_a_server_error_on_a_page_with_a_page(db: None) -> None:
    response = Client(raise_request_exception=False).get("/explode")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_it_answers_collections_without_the_final_slash(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    with_slash = client.get("/api/patients/")
    without = client.get("/api/patients")
    assert (without.status_code, without.json()) == (200, with_slash.json())


def test_it_writes_through_either_spelling(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("practitioner").post("/api/patients", payloads.new_patient(),
                                               content_type="application/json")
    assert response.status_code == 201


def test_it_answers_records_with_a_final_slash(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("practitioner").get(f"/api/patients/{world.patient.pk}/")
    assert response.status_code == 200 and response.json()["family_name"] == "Lovelace"


def test_it_keeps_scoping_through_the_other_spelling(world: World, client_for) -> None:  # noqa: ANN001
    problem(client_for("outsider").get(f"/api/patients/{world.patient.pk}/"), 404)


def test_it_still_answers_404_to_an_unknown_path(world: World, client_for) -> None:  # noqa: ANN001
    problem(client_for("practitioner").get("/api/no-such-thing/"), 404)
