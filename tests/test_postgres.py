"""The PostgreSQL pass really runs on PostgreSQL, and what only PostgreSQL can show holds there.

`make test-postgres` runs the database tests with ACUBACK_DATABASE_URL set to
ACUBACK_TEST_POSTGRES_URL. On a laptop without that URL these tests skip; under CI=true a
missing URL is a failure (tests.conftest.require_service). In the SQLite pass of the same run
they skip: the PostgreSQL pass that follows runs them.
"""

from __future__ import annotations

import os
import threading
from urllib.parse import urlparse

import pytest
from django.db import connection, connections

from tests.conftest import require_service

POSTGRES_URL = os.environ.get("ACUBACK_TEST_POSTGRES_URL", "")

pytestmark = pytest.mark.postgres


def _on_postgres_pass() -> None:
    require_service(bool(POSTGRES_URL), "PostgreSQL (ACUBACK_TEST_POSTGRES_URL)")
    if os.environ.get("ACUBACK_DATABASE_URL") != POSTGRES_URL:
        pytest.skip("this is the SQLite pass; `make test-postgres` runs this on PostgreSQL")


@pytest.mark.django_db
def test_it_runs_on_postgresql() -> None:
    _on_postgres_pass()
    assert connection.vendor == "postgresql"


@pytest.mark.django_db
def test_it_runs_on_the_server_and_database_it_was_given() -> None:
    _on_postgres_pass()
    url = urlparse(POSTGRES_URL)
    # pytest-django gives each parallel process its own database: test_acuback_gw0, ...
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    expected = f"test_{url.path.lstrip('/')}" + (f"_{worker}" if worker else "")
    settings = connection.settings_dict
    assert (settings["HOST"], settings["NAME"]) == (url.hostname, expected)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        assert cursor.fetchone()[0] == expected


@pytest.mark.django_db
def test_it_runs_postgresql_15_or_newer() -> None:
    _on_postgres_pass()
    assert connection.pg_version >= 150000


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_audit_chain_under_concurrent_writers() -> None:
    """Each append reads the last entry and links to it; without the advisory lock two
    connections would read the same last entry and fork the chain (or collide on seq)."""
    _on_postgres_pass()
    from acuback.audit.services import audit_record, audit_verify

    writers, each, failures = 8, 10, []
    start = threading.Barrier(writers)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                audit_record(actor=None, action="read", object_type="patient",
                             object_id=f"{n}-{i}", outcome="ok")
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    from acuback.audit.models import AuditEntry

    assert failures == []
    assert AuditEntry.objects.count() == writers * each
    assert list(audit_verify()) == []
