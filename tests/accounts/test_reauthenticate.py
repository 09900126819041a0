"""Asking a logged-in user for their password again (before a signature): the login's check,
lockout and audit."""

from __future__ import annotations

import pytest

from acuback.accounts.services import ReauthenticationFailed, reauthenticate
from acuback.audit.models import AuditEntry
from tests.personas import PASSWORD, World


def test_it_accepts_the_right_password(world: World) -> None:
    reauthenticate(user=world.practitioner, password=PASSWORD)
    assert AuditEntry.objects.filter(action="login", outcome="ok",
                                     actor_id=world.practitioner.pk).exists()


def test_it_refuses_a_wrong_password_and_audits_it(world: World) -> None:
    with pytest.raises(ReauthenticationFailed):
        reauthenticate(user=world.practitioner, password="wrong")
    assert AuditEntry.objects.filter(action="login", outcome="denied",
                                     actor_id=world.practitioner.pk).exists()


def test_it_locks_the_account_like_failed_logins(world: World, settings) -> None:  # noqa: ANN001
    for _ in range(settings.LOCKOUT_THRESHOLD):
        with pytest.raises(ReauthenticationFailed):
            reauthenticate(user=world.practitioner, password="wrong")
    world.practitioner.refresh_from_db()
    assert world.practitioner.locked_until is not None
    with pytest.raises(ReauthenticationFailed):
        reauthenticate(user=world.practitioner, password=PASSWORD)
