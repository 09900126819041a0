"""Logging in through the real form at /login/."""

from __future__ import annotations

import re

from django.test import Client
from django.utils.html import escape

from acuback.accounts.models import User
from acuback.accounts.services import LOGIN_REFUSED
from acuback.audit.models import AuditEntry
from tests.personas import PASSWORD, World


def _login(client: Client, username: str, password: str, next_url: str = "") -> object:
    url = f"/login/?next={next_url}" if next_url else "/login/"
    return client.post(url, {"username": username, "password": password})


def test_it_shows_the_login_form(db: None) -> None:
    response = Client().get("/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_it_logs_in_with_the_right_password(world: World) -> None:
    client = Client()
    response = _login(client, "prac", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.practitioner.pk)


def test_it_accepts_the_username_in_another_case(world: World) -> None:
    client = Client()
    assert _login(client, "PRAC", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(world.practitioner.pk)


def test_it_refuses_a_wrong_password_with_the_generic_message(world: World) -> None:
    client = Client()
    response = _login(client, "prac", "wrong-password-1")
    assert response.status_code == 200
    assert escape(LOGIN_REFUSED) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_says_the_same_for_an_unknown_user_as_for_a_wrong_password(world: World) -> None:
    unknown = _login(Client(), "nobody-here", "wrong-password-1")
    wrong = _login(Client(), "prac", "wrong-password-1")
    assert _page_without_secrets(unknown, "nobody-here") == _page_without_secrets(wrong, "prac")


def _page_without_secrets(response: object, username: str) -> str:
    """The page minus what legitimately differs: CSRF tokens and the username typed."""
    page = response.content.decode()  # type: ignore[attr-defined]
    page = re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', r"\1T", page)
    return page.replace(f'value="{username}"', 'value="U"')


def test_it_redirects_to_a_local_next_page(world: World) -> None:
    response = _login(Client(), "prac", PASSWORD, next_url="/patients/")
    assert response["Location"] == "/patients/"


def test_it_ignores_a_next_page_on_another_site(world: World) -> None:
    response = _login(Client(), "prac", PASSWORD, next_url="https://evil.example/")
    assert "evil.example" not in response["Location"]


def test_it_audits_a_successful_login_with_the_client_address(world: World) -> None:
    Client(REMOTE_ADDR="198.51.100.20").post(
        "/login/", {"username": "prac", "password": PASSWORD})
    entry = AuditEntry.objects.filter(action="login").first()
    assert (entry.actor_id, entry.outcome, entry.channel, entry.client_addr) == (
        world.practitioner.pk, "ok", "web", "198.51.100.20")


def test_it_audits_a_refused_login_of_an_unknown_user(world: World) -> None:
    _login(Client(), "nobody-here", "wrong-password-1")
    entry = AuditEntry.objects.filter(action="login").first()
    assert (entry.actor_id, entry.outcome, entry.detail) == (
        None, "denied", {"username": "nobody-here"})


def test_it_refuses_an_inactive_user(world: World) -> None:
    world.practitioner.is_active = False
    world.practitioner.save()
    client = Client()
    response = _login(client, "prac", PASSWORD)
    assert escape(LOGIN_REFUSED) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_does_not_strand_a_login_without_a_clinic(db: None) -> None:
    User.objects.create_user("admin-only", password=PASSWORD)  # e.g. from createsuperuser
    client = Client()
    client.post("/login/", {"username": "admin-only", "password": PASSWORD})
    response = client.get("/", follow=True)
    assert response.status_code == 200, response.redirect_chain
