"""Logging out: POST only (a link or image cannot log someone out), and audited."""

from __future__ import annotations

from django.test import Client

from acuback.audit.models import AuditEntry
from tests.personas import World


def test_it_refuses_logout_by_get(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    assert client.get("/logout/").status_code == 405
    assert "_auth_user_id" in client.session


def test_it_logs_out_by_post(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    response = client.post("/logout/")
    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert "_auth_user_id" not in client.session


def test_it_ends_the_session_for_the_next_request(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    client.post("/logout/")
    assert client.get("/api/patients/").status_code == 401


def test_it_audits_the_logout(world: World, client_for) -> None:  # noqa: ANN001
    client_for("practitioner").post("/logout/", REMOTE_ADDR="203.0.113.9")
    entry = AuditEntry.objects.first()
    assert (entry.action, entry.actor_id, entry.outcome, entry.client_addr) == (
        "logout", world.practitioner.pk, "ok", "203.0.113.9")


def test_it_needs_the_csrf_token_to_log_out(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.practitioner)
    assert client.post("/logout/").status_code == 403
    assert "_auth_user_id" in client.session
