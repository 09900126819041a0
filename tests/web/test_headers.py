"""Response headers: a strict Content-Security-Policy on every answer, nothing with patient data
cached, X-Forwarded-Proto believed only from a proxy we were told to trust, HSTS preload only
when asked for."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client, override_settings

from acuback.web.headers import CONTENT_SECURITY_POLICY
from tests.personas import World
from tests.test_settings import LONG_KEY, settings_of

PATIENT_PAGES = [
    lambda w: f"/patients/{w.patient.pk}/",
    lambda w: "/patients/",
    lambda w: f"/episodes/{w.episode.pk}/",
    lambda w: "/audit/",
]
PATIENT_API = [
    lambda w: f"/api/patients/{w.patient.pk}",
    lambda w: "/api/patients/",
    lambda w: f"/api/patients/{w.patient.pk}/health",
]


def test_it_sends_a_policy_without_inline_script_or_style() -> None:
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", PATIENT_PAGES)
def test_it_puts_the_policy_on_every_page(client_for, world: World, path) -> None:  # noqa: ANN001
    response = client_for("owner").get(path(world))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", PATIENT_PAGES)
def test_it_never_lets_a_patient_page_be_stored(client_for, world: World, path) -> None:  # noqa: ANN001
    assert "no-store" in client_for("owner").get(path(world))["Cache-Control"]


@pytest.mark.parametrize("path", PATIENT_API)
def test_it_never_lets_an_api_answer_be_stored(client_for, world: World, path) -> None:  # noqa: ANN001
    response = client_for("practitioner").get(path(world))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_it_never_lets_an_error_be_stored(client_for, world: World) -> None:
    response = client_for("outsider").get(f"/api/patients/{world.patient.pk}")
    assert response.status_code == 404 and "no-store" in response["Cache-Control"]


def test_it_keeps_the_login_page_out_of_caches_too(db: None) -> None:
    assert "no-store" in Client().get("/login/")["Cache-Control"]


def test_it_writes_no_inline_script_or_style_into_pages(client_for, world: World) -> None:
    for path in PATIENT_PAGES:
        page = client_for("owner").get(path(world)).content.decode()
        assert "<script>" not in page and " style=" not in page and "hx-on" not in page


# --- the proxy header and HSTS, in a fresh process ----------------------------------------------


def test_it_ignores_x_forwarded_proto_unless_told_to_trust_a_proxy(tmp_path: Path) -> None:
    production = {"ACUBACK_DATABASE_URL": "postgresql://u:p@db.example/acuback",
                  "ACUBACK_SECRET_KEY": LONG_KEY}
    assert settings_of(tmp_path, "SECURE_PROXY_SSL_HEADER", **production) == ["None"]
    trusted = settings_of(tmp_path, "SECURE_PROXY_SSL_HEADER", ACUBACK_TRUST_PROXY="true",
                          **production)
    assert trusted == ["('HTTP_X_FORWARDED_PROTO', 'https')"]


def test_it_leaves_hsts_preload_off_unless_asked(tmp_path: Path) -> None:
    production = {"ACUBACK_DATABASE_URL": "postgresql://u:p@db.example/acuback",
                  "ACUBACK_SECRET_KEY": LONG_KEY}
    assert settings_of(tmp_path, "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD",
                       **production) == ["31536000", "False"]
    assert settings_of(tmp_path, "SECURE_HSTS_PRELOAD", ACUBACK_HSTS_PRELOAD="true",
                       **production) == ["True"]


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=None)
def test_it_redirects_a_client_that_only_claims_https(db: None) -> None:
    response = Client().get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301 and response["Location"].startswith("https://")


@override_settings(TRUST_PROXY=False)
def test_it_audits_the_real_address_not_a_claimed_one(world: World) -> None:
    from acuback.audit.models import AuditEntry
    from tests.personas import PASSWORD

    Client(REMOTE_ADDR="198.51.100.7").post(
        "/login/", {"username": "prac", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert AuditEntry.objects.filter(action="login").first().client_addr == "198.51.100.7"


@override_settings(TRUST_PROXY=True)
def test_it_audits_the_address_a_trusted_proxy_appended(world: World) -> None:
    from acuback.audit.models import AuditEntry
    from tests.personas import PASSWORD

    Client(REMOTE_ADDR="10.0.0.2").post(
        "/login/", {"username": "prac", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7")
    assert AuditEntry.objects.filter(action="login").first().client_addr == "198.51.100.7"
