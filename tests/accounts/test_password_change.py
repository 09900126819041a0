"""Changing one's own password: the current one first (under the lockout), Django's rules for
the new one, audited, and this session stays logged in."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from acuback.accounts.models import User
from acuback.audit.models import AuditEntry
from tests.personas import PASSWORD, World

NEW = "river-stone-lantern-8"


def _change(client: Client, current: str, new: str = NEW, again: str | None = None) -> object:
    return client.post(reverse("password_change"), {
        "password": current, "new_password": new, "new_password2": new if again is None else again})


def test_it_shows_the_form(client_for) -> None:
    page = client_for("practitioner").get(reverse("password_change")).content.decode()
    assert 'name="password"' in page and 'name="new_password"' in page


def test_it_changes_the_password_and_keeps_this_session(world: World, client_for) -> None:
    client = client_for("practitioner")
    response = _change(client, PASSWORD)
    assert response.status_code == 302
    assert User.objects.get(pk=world.practitioner.pk).check_password(NEW)
    assert client.get("/patients/").status_code == 200


def test_it_audits_the_change(world: World, client_for) -> None:
    _change(client_for("practitioner"), PASSWORD)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.object_type, entry.actor_id, entry.detail) == (
        "update", "password", world.practitioner.pk, {"via": "own change"})


def test_it_ends_the_other_sessions(world: World, client_for) -> None:
    other = client_for("practitioner")
    other.get("/patients/")
    _change(client_for("practitioner"), PASSWORD)
    assert other.get("/patients/").status_code == 302


def test_it_refuses_a_wrong_current_password_beside_its_field(world: World, client_for) -> None:
    page = _change(client_for("practitioner"), "wrong-password-9").content.decode()
    assert "That password is not correct" in page
    assert User.objects.get(pk=world.practitioner.pk).check_password(PASSWORD)


def test_it_refuses_a_weak_new_password_and_keeps_the_old(world: World, client_for) -> None:
    page = _change(client_for("practitioner"), PASSWORD, new="password").content.decode()
    assert "too common" in page or "too short" in page
    assert User.objects.get(pk=world.practitioner.pk).check_password(PASSWORD)


def test_it_refuses_two_different_new_passwords(world: World, client_for) -> None:
    page = _change(client_for("practitioner"), PASSWORD, again=NEW + "x").content.decode()
    assert "The two new passwords differ." in page
    assert User.objects.get(pk=world.practitioner.pk).check_password(PASSWORD)


def test_it_needs_a_login(db: None) -> None:
    assert Client().get(reverse("password_change")).status_code == 302
