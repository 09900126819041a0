"""One login path: the admin, `authenticate()` from anywhere and `reauthenticate` all count
toward the same lockout and leave the same audit entries as the login page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse

from acuback.accounts.models import User
from acuback.accounts.services import ReauthenticationFailed, reauthenticate
from acuback.audit.models import AuditEntry
from tests.personas import PASSWORD, World

WRONG = "not-the-password-1"


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _lock(username: str) -> None:
    for _ in range(settings.LOCKOUT_THRESHOLD):
        Client().post("/login/", {"username": username, "password": WRONG})


def test_it_sends_the_admin_login_page_to_ours(db: None) -> None:
    response = Client().get("/admin/login/?next=/admin/patients/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/patients/"


def test_it_does_not_log_in_through_the_admin_login_form(world: World) -> None:
    client = Client()
    response = client.post("/admin/login/", {"username": "owner", "password": PASSWORD,
                                             "next": "/admin/"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not _logged_in(client)


def test_it_keeps_a_locked_owner_out_of_the_admin_and_the_app(world: World) -> None:
    _lock("owner")
    client = Client()
    client.post("/login/?next=/admin/", {"username": "owner", "password": PASSWORD})
    assert not _logged_in(client)
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/patients/").status_code == 401


def test_it_lets_an_owner_reach_the_admin_through_our_login(world: World) -> None:
    client = Client()
    response = client.post("/login/?next=/admin/", {"username": "owner", "password": PASSWORD})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_it_shows_our_403_page_to_a_logged_in_role_the_admin_is_not_for(client_for) -> None:
    response = client_for("practitioner").get("/admin/", follow=True)
    assert response.status_code == 403
    assert "This page is not open to you" in response.content.decode()


def test_it_logs_out_of_the_admin_through_our_audited_logout(world: World, client_for) -> None:
    client = client_for("owner")
    response = client.post(reverse("admin:logout"))
    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert AuditEntry.objects.order_by("-seq").first().action == "logout"


def test_it_sends_the_admins_password_change_to_ours(client_for) -> None:
    response = client_for("owner").get(reverse("admin:password_change"))
    assert response["Location"] == reverse("password_change")


def test_it_puts_authenticate_from_anywhere_under_the_lockout(world: World) -> None:
    for _ in range(settings.LOCKOUT_THRESHOLD):
        assert authenticate(username="prac", password=WRONG) is None
    assert authenticate(username="prac", password=PASSWORD) is None
    assert User.objects.get(pk=world.practitioner.pk).locked_until is not None
    reasons = list(AuditEntry.objects.filter(action="login", actor_id=world.practitioner.pk)
                   .order_by("seq").values_list("detail__reason", flat=True))
    assert reasons == ["bad password"] * 4 + ["locked now", "locked"]


def test_it_returns_the_user_from_authenticate_with_the_right_password(world: World) -> None:
    assert authenticate(username="prac", password=PASSWORD) == world.practitioner


# --- asking again for the password -------------------------------------------------------------


def test_it_confirms_the_right_password_and_audits_why(world: World) -> None:
    reauthenticate(user=world.practitioner, password=PASSWORD, purpose="sign visit")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.object_type, entry.outcome, entry.detail) == (
        "login", "password_check", "ok", {"purpose": "sign visit"})


def test_it_refuses_a_wrong_password_beside_the_password_field(world: World) -> None:
    with pytest.raises(ReauthenticationFailed) as caught:
        reauthenticate(user=world.practitioner, password=WRONG, purpose="sign visit")
    assert list(caught.value.errors) == ["password"]
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.outcome, entry.detail) == (
        "denied", {"purpose": "sign visit", "reason": "bad password"})


def test_it_counts_wrong_passwords_asked_again_toward_the_lockout(world: World) -> None:
    for _ in range(settings.LOCKOUT_THRESHOLD):
        with pytest.raises(ReauthenticationFailed):
            reauthenticate(user=world.practitioner, password=WRONG, purpose="sign visit")
    client = Client()
    client.post("/login/", {"username": "prac", "password": PASSWORD})
    assert not _logged_in(client)


def test_it_refuses_the_right_password_of_a_locked_account_when_asked_again(world: World) -> None:
    _lock("prac")
    with pytest.raises(ReauthenticationFailed):
        reauthenticate(user=User.objects.get(pk=world.practitioner.pk), password=PASSWORD,
                       purpose="sign visit")


def test_it_ends_the_session_that_locks_the_account_by_guessing(world: World, client_for) -> None:
    client = client_for("practitioner")
    for _ in range(settings.LOCKOUT_THRESHOLD):
        response = client.post(reverse("password_change"), {
            "password": WRONG, "new_password": "a-new-secret-22",
            "new_password2": "a-new-secret-22"})
    assert response["Location"] == "/login/"
    assert not _logged_in(client)
