"""Argon2 with the cheapest parameters, for tests only.

Hashes still say `argon2` and verify with the production hasher; they just take microseconds
instead of ~100 ms, which matters when every test builds a world of seven logins."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8
    parallelism = 1
