"""Suite-wide fixtures and markers.

Tests under tests/clinical/ are the pure core: they are marked `pure` and need no database.
Tests that need a real service (PostgreSQL, Chromium) skip on a laptop without it and fail
under CI=true, where nothing may be skipped.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
TESTS = Path(__file__).parent
# A test that uses none of these never touches the database, so the PostgreSQL pass skips it.
DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server", "world",
               "client_for", "django_user_model", "admin_user", "admin_client", "demo_db"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    clinical = TESTS / "clinical"
    for item in items:
        if clinical in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.pure)
        fixtures = set(getattr(item, "fixturenames", ()))
        if not fixtures & DB_FIXTURES and item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.nodb)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> None:
    """Cheap Argon2 parameters in tests (production keeps Django's); see tests/hashers.py."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher",
                                 *settings.PASSWORD_HASHERS]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: records' ids repeat from one test's database to
    the next, so a result cached by what it was computed from could outlive its test."""
    from django.core.cache import cache

    cache.clear()


@contextmanager
def audit_guard_lifted(using: str = "default") -> Iterator[None]:
    """The one way around the database's audit guard (acuback/audit/guard.py), on this test
    connection only: for emptying the test database between transactional tests, and for the
    tests that play someone who tampers with the trail (as if they had dropped the triggers)."""
    from django.db import DatabaseError, connections

    from acuback.audit.guard import SQLITE_SWITCH

    conn = connections[using]
    conn.ensure_connection()
    postgres = conn.vendor == "postgresql"

    def switch(off: bool) -> None:
        if postgres:
            with conn.cursor() as cursor:
                cursor.execute("SELECT set_config('acuback.audit_guard', %s, false)",
                               ["off" if off else ""])
        else:
            setattr(conn, SQLITE_SWITCH, off)

    switch(True)
    try:
        yield
    finally:
        try:
            switch(False)
        except DatabaseError:  # an aborted transaction; its rollback undoes the setting too
            pass


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_audit_guard() -> Iterator[None]:
    """pytest-django empties the database after each transactional test with Django's flush,
    which the audit guard would refuse; the harness, and only it, lifts the guard for that."""
    from django.core.management.commands import flush

    original = flush.Command.handle

    def handle(self: flush.Command, **options: object) -> object:
        with audit_guard_lifted(str(options.get("database") or "default")):
            return original(self, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flush.Command, "handle", handle)
        yield


@contextmanager
def shared_by_the_run(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """A folder `name` shared by every process of this test run (pytest-xdist's workers; just
    this one without xdist), held under a lock for the block: the first process to get here
    makes what belongs in it, the others wait for that, then find it made."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # the run's own
    folder = root / name
    folder.mkdir(exist_ok=True)
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield folder


@pytest.fixture(scope="session")
def _demo_snapshot(django_db_setup: None, django_db_blocker: Any,
                   tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The demo as of tests.demo_copy.TODAY, built once per test run: the first process that
    asks builds it and saves the snapshot, the others load that (tests/demo_copy.py)."""
    from django.db import connection

    from tests.demo_copy import build, load, save

    with django_db_blocker.unblock(), shared_by_the_run(tmp_path_factory,
                                                        "demo-snapshot") as folder:
        saved = folder / connection.vendor
        if saved.exists():
            return load(saved)
        snapshot = build()
        save(snapshot, saved)
        return snapshot


@pytest.fixture(scope="module")
def demo_db(_demo_snapshot: Any, django_db_blocker: Any) -> Iterator[None]:
    """The built demo in the test database for this module's tests (a copy of the one build;
    emptied after the module). Its tests still need the django_db mark."""
    from django.core.management import call_command

    from tests.demo_copy import restore

    with django_db_blocker.unblock():
        restore(_demo_snapshot)
        yield
        call_command("flush", interactive=False)


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite data dir where `acuback demo` ran (as of today) in a fresh data dir, once per
    test run (its processes share it), for the modules that serve or command a built demo in a
    subprocess. Copy it (`copy_demo_data`): never write to it. What the command printed:
    `demo_printed`."""
    from tests.test_settings import acuback

    with shared_by_the_run(tmp_path_factory, "demo-data") as folder:
        data, printed = folder / "data", folder / "printed.txt"
        if not printed.exists():  # written last: a build that failed is tried again
            shutil.rmtree(data, ignore_errors=True)
            data.mkdir()
            result = acuback(data, "demo")
            assert result.returncode == 0, result.stderr
            printed.write_text(result.stdout)
    return data


def demo_printed(demo_data: Path) -> str:
    """What `acuback demo` printed when it built `demo_data` (its standard output)."""
    return (demo_data.parent / "printed.txt").read_text()


def copy_demo_data(demo_data: Path, into: Path) -> Path:
    """A copy of the built demo's data dir at `into` (which must not exist yet)."""
    shutil.copytree(demo_data, into)
    return into


def require_service(available: bool, what: str) -> None:
    """Skip a test whose service is missing, except in CI where that is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI (CI=true) but is not available")
    pytest.skip(f"{what} not available on this machine")


pytest_plugins = ["tests.personas", "tests.served"]
