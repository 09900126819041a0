"""Session authentication for the API, with CSRF enforced on unsafe methods."""

from __future__ import annotations

from django.test import Client

from acuback.patients.models import Patient
from tests.api import payloads
from tests.api.payloads import problem
from tests.personas import World


def _browser(world: World) -> Client:
    """A logged-in browser that enforces CSRF like a real one, holding the CSRF cookie."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.practitioner)
    client.get("/login/")  # any page with a form sets the csrftoken cookie
    return client


def test_it_reads_with_the_session_alone(world: World) -> None:
    assert _browser(world).get("/api/patients/").status_code == 200


def test_it_refuses_a_post_without_the_csrf_token(world: World) -> None:
    response = _browser(world).post("/api/patients/", payloads.new_patient(),
                                    content_type="application/json")
    problem(response, 403)
    assert not Patient.objects.filter(family_name="Shelley").exists()


def test_it_refuses_a_put_without_the_csrf_token(world: World) -> None:
    response = _browser(world).put(
        f"/api/patients/{world.patient.pk}", payloads.patient_update(1, phone="(202) 555-0199"),
        content_type="application/json")
    problem(response, 403)
    assert Patient.objects.get(pk=world.patient.pk).phone == ""


def test_it_refuses_a_post_with_a_wrong_csrf_token(world: World) -> None:
    response = _browser(world).post("/api/patients/", payloads.new_patient(),
                                    content_type="application/json",
                                    HTTP_X_CSRFTOKEN="x" * 64)
    problem(response, 403)


def test_it_accepts_a_post_with_the_csrf_token(world: World) -> None:
    client = _browser(world)
    response = client.post("/api/patients/", payloads.new_patient(),
                           content_type="application/json",
                           HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert response.status_code == 201
    assert Patient.objects.filter(family_name="Shelley", clinic=world.clinic_a).exists()


def test_it_answers_401_not_403_to_an_anonymous_post(db: None) -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/api/patients/", payloads.new_patient(), content_type="application/json")
    problem(response, 401)
