"""The commit of a request's read entries does not wait for the disk, and only that commit;
SQLite's flusher then syncs the log within the stated bound (acuback/audit/durability.py).

Each statement's setting is read on the same database session just before the statement runs:
SQLite's `PRAGMA synchronous` (1 NORMAL, 2 FULL), PostgreSQL's `SHOW synchronous_commit`.
Shown failing without the change: with audit_flush writing through `_append` as before, the
page's audit insert runs at FULL / on and the first test fails; with the flusher's
`sync_soon` left out, the last one finds no sync of the log."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from acuback.audit import durability
from acuback.audit.models import Action, AuditEntry
from tests.personas import World
from tests.web.test_patient_edit import ada, edit

pytestmark = pytest.mark.django_db(transaction=True)  # the commits themselves are the subject

WRITES = ("INSERT", "UPDATE", "DELETE")


def _synchronous(raw: Any) -> str:
    """The session's setting, as the database names it."""
    cursor = raw.cursor()
    try:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW synchronous_commit")
            return str(cursor.fetchone()[0])
        cursor.execute("PRAGMA synchronous")
        return {0: "off", 1: "normal", 2: "full", 3: "extra"}[cursor.fetchone()[0]]
    finally:
        cursor.close()


SYNCED = {"postgresql": "on", "sqlite": "full"}
UNSYNCED = {"postgresql": "off", "sqlite": "normal"}


@contextmanager
def settings_seen() -> Iterator[list[tuple[str, str]]]:
    """(statement, the session's synchronous setting when it ran) for every write statement."""
    seen: list[tuple[str, str]] = []

    def watch(execute: Callable[..., Any], sql: str, params: Any, many: bool,
              context: dict[str, Any]) -> Any:
        if sql.lstrip().upper().startswith(WRITES):
            seen.append((sql, _synchronous(context["connection"].connection)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield seen


def _audit_inserts(seen: list[tuple[str, str]]) -> list[str]:
    return [setting for sql, setting in seen if sql.startswith('INSERT INTO "audit_auditentry"')]


def test_a_pages_read_entries_commit_without_waiting_for_the_disk(world: World,
                                                                   client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    reads = AuditEntry.objects.filter(action=Action.READ, object_id=str(world.patient.pk))
    before = reads.count()
    with settings_seen() as seen:
        assert client.get(f"/patients/{world.patient.pk}/").status_code == 200
    assert reads.count() > before  # the chart's read entries were written
    assert _audit_inserts(seen) == [UNSYNCED[connection.vendor]]
    # Nothing else the request wrote went through the relaxed commit.
    assert {s for sql, s in seen if not sql.startswith('INSERT INTO "audit_auditentry"')
            } <= {SYNCED[connection.vendor]}
    # The session is back to the full sync for whatever it runs next.
    connection.ensure_connection()
    assert _synchronous(connection.connection) == SYNCED[connection.vendor]


def test_writes_and_their_entries_keep_the_full_sync(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("front_desk")
    with settings_seen() as seen:
        response = client.post(edit(world), ada(phone="(202) 555-0199"))
    assert response.status_code == 302
    world.patient.refresh_from_db()
    assert world.patient.phone == "+12025550199"
    assert any('"patients_patient"' in sql for sql, _ in seen)  # the write itself
    assert _audit_inserts(seen)  # and its audit entry
    assert {setting for _, setting in seen} == {SYNCED[connection.vendor]}


# --- SQLite's flusher --------------------------------------------------------------------------


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[Path]:
    """The default connection, for this test, on a real SQLite file in WAL mode and with
    acuback's own options (the test database is in memory, which has no log to sync)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's log; PostgreSQL's WAL writer is the server's")
    path = tmp_path / "acuback.sqlite3"
    original = connections["default"]
    settings = {**original.settings_dict, "NAME": str(path)}
    settings["OPTIONS"] = {**settings["OPTIONS"]}
    on_file = original.__class__(settings, alias="default")
    connections["default"] = on_file
    try:
        with on_file.cursor() as cursor:
            cursor.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY, what TEXT)")
        yield path
    finally:
        on_file.close()
        connections["default"] = original


# On a SQLite file of its own, not the database under test: the PostgreSQL pass leaves it out
# (nodb) rather than collecting it to skip it, since CI runs nothing skipped.
@pytest.mark.nodb
def test_the_flusher_syncs_a_relaxed_commits_log_within_the_bound(
        sqlite_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []  # inodes of the files synced
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        real_fsync(fd)
        synced.append(os.fstat(fd).st_ino)

    monkeypatch.setattr(durability.os, "fsync", recording_fsync)
    with durability.unsynced_commit():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 1  # NORMAL for this commit
            cursor.execute("INSERT INTO entry (what) VALUES ('a read')")
    started = time.monotonic()
    assert durability.flusher.wait(durability.FLUSH_BOUND_SECONDS)
    assert time.monotonic() - started <= durability.FLUSH_BOUND_SECONDS
    wal = Path(f"{sqlite_file}-wal")
    assert wal.stat().st_ino in synced
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL again
    # What was committed is there for another connection (committed, not only synced).
    with sqlite3.connect(sqlite_file) as other:
        assert other.execute("SELECT what FROM entry").fetchall() == [("a read",)]
