"""SQLite: an online copy with the backup API, and putting one back."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from acuback.backup.archive import BackupError, Progress, no_progress, private_create

PAGES_PER_STEP = 1024


def sqlite_is_empty(database: Path) -> bool:
    """No file, an empty file (acuback creates one, private, on first start) or no tables."""
    if not database.exists() or database.stat().st_size == 0:
        return True
    with _read_only(database) as db:
        return db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                          ).fetchone()[0] == 0


@contextmanager
def _read_only(database: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True, timeout=20)
    try:
        yield db
    finally:
        db.close()


def sqlite_backup(database: Path, dest: Path, progress: Progress = no_progress) -> None:
    """Copy `database` to `dest` page by page while the server goes on writing.

    The copy runs inside one read transaction on the source: in WAL mode that is a snapshot
    writers never disturb, so the copy is one moment's database and the backup API never
    has to start over because a page changed under it."""
    os.close(private_create(dest))
    source = sqlite3.connect(database, timeout=20, isolation_level=None)
    target = sqlite3.connect(dest)
    try:
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()  # takes the snapshot
        source.backup(target, pages=PAGES_PER_STEP,
                      progress=lambda _status, remaining, total: progress(total - remaining,
                                                                          total))
        source.execute("COMMIT")
        check = target.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        target.close()
        source.close()
    if check != "ok":
        raise BackupError(f"the copy of {database} failed SQLite's check: {check}")


@contextmanager
def django_alias(database: Path) -> Iterator[str]:
    """A Django connection alias on another SQLite file (a copy being backed up), so the code
    that reads the audit trail reads the copy exactly as it reads the live database."""
    from django.db import connections

    alias = "acuback_backup_copy"
    connections.settings[alias] = {**connections.settings["default"], "NAME": str(database)}
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def sqlite_restore(payload: Path, database: Path, *, force: bool) -> None:
    """Put `payload` (a checked copy, beside `database`) in place of the database."""
    if not force and not sqlite_is_empty(database):
        raise BackupError(not_empty(str(database)))
    # A log left by the database being replaced would be replayed onto the restored one.
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    os.replace(payload, database)


def not_empty(where: str) -> str:
    return (f"{where} already holds data; restore puts a backup only into an empty one. "
            "Stop acuback and pass --force to replace what is there.")
