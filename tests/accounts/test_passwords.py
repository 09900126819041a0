"""Passwords are hashed with Argon2; older hashes are upgraded when their owner logs in."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.test import Client

from acuback.accounts.models import Role, User
from acuback.accounts.services import member_create
from tests.personas import PASSWORD, World


def test_it_hashes_passwords_with_argon2(world: World) -> None:
    assert world.practitioner.password.startswith("argon2")


def test_it_upgrades_an_old_pbkdf2_hash_on_login(world: World) -> None:
    User.objects.filter(pk=world.practitioner.pk).update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    response = Client().post("/login/", {"username": "prac", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=world.practitioner.pk).password.startswith("argon2")


def test_it_configures_argon2_first_for_production() -> None:
    # The suite swaps in cheap Argon2 parameters (tests/conftest.py); the settings module
    # itself is what a clinic runs.
    import acuback.settings

    assert acuback.settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher")


def test_it_stores_a_password_hashed_beforehand_as_it_is(world: World) -> None:
    """member_create(password_hash=...): the demo's one hash for all its logins."""
    hashed = make_password("one-password-for-many-2026")
    users = [member_create(clinic=world.clinic_a, username=f"many{i}", role=Role.PRACTITIONER,
                           password="one-password-for-many-2026", password_hash=hashed)
             for i in range(2)]
    for user in users:
        stored = User.objects.get(pk=user.pk)
        assert stored.password == hashed
        assert stored.check_password("one-password-for-many-2026")
        assert not stored.check_password("another-password-2026")
