"""Bearer tokens: `Authorization: Bearer <secret>`, no CSRF needed, revocable."""

from __future__ import annotations

import hashlib

from django.test import Client
from django.utils import timezone

from acuback.accounts.models import ApiToken
from acuback.accounts.tokens import api_token_create
from acuback.patients.models import Patient
from tests.api import payloads
from tests.api.payloads import problem
from tests.personas import World


def _script(secret: str) -> Client:
    """A client that is not a browser: no cookies, CSRF enforced, the token in a header."""
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_it_reads_with_a_token(world: World) -> None:
    secret = api_token_create(user=world.practitioner, name="script")
    response = _script(secret).get(f"/api/patients/{world.patient.pk}")
    assert response.json()["family_name"] == "Lovelace"


def test_it_writes_with_a_token_and_no_csrf_token(world: World) -> None:
    secret = api_token_create(user=world.practitioner, name="script")
    response = _script(secret).post("/api/patients/", payloads.new_patient(),
                                    content_type="application/json")
    assert response.status_code == 201


def test_it_scopes_a_token_to_its_users_clinic(world: World) -> None:
    secret = api_token_create(user=world.outsider, name="script")
    problem(_script(secret).get(f"/api/patients/{world.patient.pk}"), 404)


def test_it_scopes_a_token_to_its_users_role(world: World) -> None:
    secret = api_token_create(user=world.front_desk, name="script")
    problem(_script(secret).get(f"/api/patients/{world.patient.pk}/health"), 403)


def test_it_refuses_a_revoked_token(world: World) -> None:
    secret = api_token_create(user=world.practitioner, name="script")
    ApiToken.objects.update(revoked_at=timezone.now())
    response = _script(secret).get("/api/patients/")
    problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_it_answers_401_to_a_write_with_a_revoked_token(world: World) -> None:
    secret = api_token_create(user=world.practitioner, name="script")
    ApiToken.objects.update(revoked_at=timezone.now())
    response = _script(secret).post("/api/patients/", payloads.new_patient(),
                                    content_type="application/json")
    problem(response, 401)
    assert not Patient.objects.filter(family_name="Shelley").exists()


def test_it_refuses_an_unknown_token(world: World) -> None:
    problem(_script("acb_made-up").get("/api/patients/"), 401)


def test_it_refuses_the_token_of_a_deactivated_user(world: World) -> None:
    secret = api_token_create(user=world.practitioner, name="script")
    world.practitioner.is_active = False
    world.practitioner.save()
    problem(_script(secret).get("/api/patients/"), 401)


def test_it_refuses_another_scheme(world: World) -> None:
    secret = api_token_create(user=world.practitioner, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Token {secret}")
    problem(client.get("/api/patients/"), 401)


def test_it_stores_only_a_digest_of_the_secret(world: World) -> None:
    secret = api_token_create(user=world.practitioner, name="script")
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.name, token.prefix, token.digest}


def test_it_records_when_a_token_was_last_used(world: World) -> None:
    secret = api_token_create(user=world.practitioner, name="script")
    _script(secret).get("/api/patients/")
    assert ApiToken.objects.get().last_used_at is not None
