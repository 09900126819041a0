"""`acuback serve` on PostgreSQL holds 20 concurrent logged-in users from its first second.

The master process migrates before it forks its workers. A database connection left open
there is inherited by every worker; with persistent connections (`conn_max_age`) they then
talk over one socket at once, and answers cross: 500s, 400s, sessions read back empty. This
starts a real server on a scratch database and logs 20 people in as soon as /healthz answers.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tests.served import Browser, Served, run_acuback, scratch_postgres
from tests.test_postgres import _on_postgres_pass
from tests.test_settings import LONG_KEY, clean_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

USERS = 20
ROUNDS = 5  # per user, each round three pages: bounded, 300 requests in all
PASSWORD = "load-test-password-2026"
PAGES = ("/patients/", "/api/patients/", "/healthz")

# One Argon2 hash for all, so making 20 users costs one hash, not twenty.
MAKE_USERS = f"""
from django.contrib.auth.hashers import make_password
from acuback.accounts.models import Clinic, Membership, Role, User
clinic = Clinic.objects.create(name="Load Clinic", slug="load")
hashed = make_password({PASSWORD!r})
for n in range({USERS}):
    user = User.objects.create(username=f"user{{n}}", password=hashed)
    Membership.objects.create(user=user, clinic=clinic, role=Role.PRACTITIONER)
"""


def _one_user(base: str, n: int, failures: list[str]) -> None:
    try:
        _browse(Browser(base), n, failures)
    except OSError as exc:  # a timeout or a dropped connection is a failure too
        failures.append(f"user{n}: {exc!r}")


def _browse(browser: Browser, n: int, failures: list[str]) -> None:
    answer = browser.login(f"user{n}", PASSWORD)
    if answer.status != 302 or "/login" in answer.location:
        failures.append(f"user{n} login: {answer.status} {answer.location} {answer.body[:200]}")
        return
    for round_ in range(ROUNDS):
        for page in PAGES:
            answer = browser.get(page)
            if answer.status >= 500:
                failures.append(f"user{n} {page}: server error {answer.status}")
            elif answer.status == 302 and "/login" in answer.location:
                failures.append(f"user{n} {page} round {round_}: session lost")
            elif answer.status != 200:
                failures.append(f"user{n} {page}: {answer.status} {answer.body[:200]}")


def test_it_serves_20_logged_in_users_from_the_first_second(tmp_path: Path,
                                                           migrated_postgres: str) -> None:
    _on_postgres_pass()
    with scratch_postgres("serve_load", template=migrated_postgres) as url:
        env = clean_env(tmp_path, ACUBACK_DATABASE_URL=url, ACUBACK_SECRET_KEY=LONG_KEY,
                        ACUBACK_SECURE="false")
        done = run_acuback(env, "manage", "shell", "-c", MAKE_USERS)
        assert done.returncode == 0, done.stderr
        server = Served(env, workers=3)
        server.start()
        failures: list[str] = []
        try:
            users = [threading.Thread(target=_one_user, args=(server.base, n, failures))
                     for n in range(USERS)]
            started = time.monotonic()
            for user in users:
                user.start()
            for user in users:
                user.join(timeout=120)
            took = time.monotonic() - started
        finally:
            server.stop()
        # The figure, for whoever runs this with -s: never asserted (speed lives in bench/).
        requests = USERS * (2 + ROUNDS * len(PAGES))  # the login form, its post, the pages
        print(f"\n{USERS} users, {requests} requests in {took:.1f} s "
              f"({requests / took:.0f}/s), {len(failures)} failures")
        assert failures == [], f"{len(failures)} failures, first: {failures[:5]}"
