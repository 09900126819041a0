from __future__ import annotations

from acuback import settings as production


def test_it_hashes_with_argon2_first_in_production_settings() -> None:
    # Tests swap in cheaper Argon2 parameters (tests/conftest.py); the shipped settings must not.
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
