"""A copy of the built demo for the test modules that read it (the `demo_db` fixture).

Building the demo charts and signs every visit through the services, one by one: the slowest
setup of the suite. The modules that only read a built demo share one build per test run
instead: the first that asks builds it into the empty test database, a snapshot of the whole
database is kept in memory and saved for the run's other processes (pytest-xdist's workers,
whose test databases have the same schema: `save`, `load`), and every module (the first
included) gets it restored into an emptied database and flushed again after its tests. No
module depends on another having run: whichever comes first builds.

SQLite copies the database file's pages (sqlite3's online backup); PostgreSQL copies every
table with COPY and puts each sequence back where the build left it.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle  # noqa: S403 - our own snapshot, written by this run's processes
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction

from acuback.demo import demo_load
from tests.conftest import audit_guard_lifted

# The day every demo-reading module builds and checks the demo as of.
TODAY = dt.date(2026, 11, 21)


@dataclass
class Snapshot:
    sqlite: sqlite3.Connection | None = None
    tables: dict[str, bytes] = field(default_factory=dict)  # PostgreSQL: COPY of each table
    sequences: dict[str, tuple[int, bool]] = field(default_factory=dict)


def build() -> Snapshot:
    """Build the demo (as of TODAY) into the emptied test database, keep it, empty it again."""
    call_command("flush", interactive=False)
    demo_load(TODAY)
    snapshot = _take()
    call_command("flush", interactive=False)
    return snapshot


def restore(snapshot: Snapshot) -> None:
    """Make the test database what it was right after the build."""
    if snapshot.sqlite is not None:
        connection.ensure_connection()
        snapshot.sqlite.backup(connection.connection)
    else:
        _restore_postgres(snapshot)
    ContentType.objects.clear_cache()  # same rows, but read again rather than trusted


def save(snapshot: Snapshot, path: Path) -> None:
    """Write the snapshot to `path` for the run's other processes (renamed into place whole)."""
    partial = path.with_name(path.name + ".partial")
    if snapshot.sqlite is not None:
        with closing(sqlite3.connect(partial)) as file:
            snapshot.sqlite.backup(file)
    else:
        partial.write_bytes(pickle.dumps((snapshot.tables, snapshot.sequences)))
    os.replace(partial, path)


def load(path: Path) -> Snapshot:
    """The snapshot `save` wrote, for a test database of the same kind."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        with closing(sqlite3.connect(path)) as file:
            file.backup(copy)
        return Snapshot(sqlite=copy)
    tables, sequences = pickle.loads(path.read_bytes())  # noqa: S301 - see the import
    return Snapshot(tables=tables, sequences=sequences)


def _take() -> Snapshot:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        return Snapshot(sqlite=copy)
    snapshot = Snapshot()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table in _tables():
            with raw.copy(f'COPY "{table}" TO STDOUT') as copy:
                snapshot.tables[table] = b"".join(bytes(chunk) for chunk in copy)
        for sequence in _sequences(cursor):
            cursor.execute(f'SELECT last_value, is_called FROM "{sequence}"')  # noqa: S608
            snapshot.sequences[sequence] = tuple(cursor.fetchone())  # type: ignore[assignment]
    return snapshot


def _restore_postgres(snapshot: Snapshot) -> None:
    with audit_guard_lifted(), transaction.atomic(), connection.cursor() as cursor:
        _write_postgres(cursor.cursor, snapshot)


def restore_into(snapshot: Snapshot, url: str) -> None:
    """The PostgreSQL snapshot written into the scratch database at `url` (tests/served.py
    scratch_postgres, named test_...: the audit guard lets it be emptied), migrated to the
    schema of the test database it was taken from; for a served test's `acuback serve`."""
    import psycopg

    with psycopg.connect(url) as db, db.cursor() as cursor:  # one transaction, committed
        cursor.execute("SELECT set_config('acuback.audit_guard', 'off', true)")
        _write_postgres(cursor, snapshot)


def _write_postgres(raw: Any, snapshot: Snapshot) -> None:
    """Every table emptied and given the snapshot's rows, every sequence set where it was."""
    names = ", ".join(f'"{t}"' for t in snapshot.tables)
    raw.execute(f"TRUNCATE {names}")  # foreign keys are checked at commit (deferred)
    for table, rows in snapshot.tables.items():
        with raw.copy(f'COPY "{table}" FROM STDIN') as copy:
            copy.write(rows)
    for sequence, (value, called) in snapshot.sequences.items():
        raw.execute("SELECT setval(%s, %s, %s)", [f'"{sequence}"', value, called])


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True,
                                                              include_views=False))


def _sequences(cursor: object) -> list[str]:
    cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'S' "  # type: ignore[attr-defined]
                   "AND relnamespace = 'public'::regnamespace")
    return [name for (name,) in cursor.fetchall()]  # type: ignore[attr-defined]
