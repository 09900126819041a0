"""Lockout: LOCKOUT_THRESHOLD failed logins in a row lock the account for LOCKOUT_MINUTES."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from acuback.accounts.models import User
from acuback.accounts.services import LOGIN_REFUSED
from acuback.audit.models import AuditEntry
from tests.personas import PASSWORD, World

WRONG = "not-the-password-1"


def _attempt(password: str) -> tuple[bool, str]:
    """Log in as the practitioner through the form; (logged in?, page text)."""
    client = Client()
    response = client.post("/login/", {"username": "prac", "password": password})
    return "_auth_user_id" in client.session, response.content.decode()


def _fail(times: int) -> None:
    for _ in range(times):
        assert _attempt(WRONG)[0] is False


def test_it_uses_the_documented_threshold_and_duration() -> None:
    assert (settings.LOCKOUT_THRESHOLD, settings.LOCKOUT_MINUTES) == (5, 15)


def test_it_does_not_lock_before_the_threshold(world: World) -> None:
    _fail(settings.LOCKOUT_THRESHOLD - 1)
    assert _attempt(PASSWORD)[0] is True


def test_it_refuses_even_the_right_password_once_locked(world: World) -> None:
    _fail(settings.LOCKOUT_THRESHOLD)
    logged_in, page = _attempt(PASSWORD)
    assert logged_in is False
    assert escape(LOGIN_REFUSED) in page


def test_it_records_when_the_lock_ends(world: World) -> None:
    before = timezone.now()
    _fail(settings.LOCKOUT_THRESHOLD)
    locked_until = User.objects.get(pk=world.practitioner.pk).locked_until
    expected = before + dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
    assert expected <= locked_until <= expected + dt.timedelta(seconds=30)


def test_it_stays_locked_just_before_the_lock_ends(world: World) -> None:
    _fail(settings.LOCKOUT_THRESHOLD)
    later = timezone.now() + dt.timedelta(minutes=settings.LOCKOUT_MINUTES - 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert _attempt(PASSWORD)[0] is False


def test_it_lets_the_right_password_in_after_the_lock_ends(world: World) -> None:
    _fail(settings.LOCKOUT_THRESHOLD)
    later = timezone.now() + dt.timedelta(minutes=settings.LOCKOUT_MINUTES, seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert _attempt(PASSWORD)[0] is True


def test_it_lets_in_once_locked_until_is_in_the_past(world: World) -> None:
    _fail(settings.LOCKOUT_THRESHOLD)
    User.objects.filter(pk=world.practitioner.pk).update(
        locked_until=timezone.now() - dt.timedelta(seconds=1))
    assert _attempt(PASSWORD)[0] is True


def test_it_resets_the_count_after_a_success(world: World) -> None:
    _fail(settings.LOCKOUT_THRESHOLD - 1)
    assert _attempt(PASSWORD)[0] is True
    assert User.objects.get(pk=world.practitioner.pk).failed_logins == 0
    _fail(settings.LOCKOUT_THRESHOLD - 1)
    assert _attempt(PASSWORD)[0] is True


def test_it_counts_failures_in_a_row_only_for_that_account(world: World) -> None:
    _fail(settings.LOCKOUT_THRESHOLD)
    other = Client()
    other.post("/login/", {"username": "desk", "password": PASSWORD})
    assert "_auth_user_id" in other.session


def test_it_audits_the_refusal_of_a_locked_account(world: World) -> None:
    _fail(settings.LOCKOUT_THRESHOLD)
    _attempt(PASSWORD)
    entry = AuditEntry.objects.filter(action="login").first()
    assert (entry.actor_id, entry.outcome, entry.detail) == (
        world.practitioner.pk, "denied", {"reason": "locked"})


def test_it_spends_a_password_check_on_a_locked_account_too(world: World) -> None:
    """A locked account must not answer faster than a wrong password (that would reveal that
    the username exists): both run the password hasher once."""
    from django.contrib.auth.hashers import identify_hasher

    hasher = type(identify_hasher(world.practitioner.password))  # the one that verifies it
    _fail(settings.LOCKOUT_THRESHOLD)
    with mock.patch.object(hasher, "verify", autospec=True,
                           side_effect=lambda self, p, e: False) as verify:
        _attempt(PASSWORD)
    assert verify.call_count == 1
