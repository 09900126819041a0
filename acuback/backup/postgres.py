"""PostgreSQL: pg_dump in the snapshot the anchor was read in, and pg_restore."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from acuback.backup.archive import BackupError, Progress, no_progress, private_create
from acuback.backup.sqlite import not_empty


def _client_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed: it comes with PostgreSQL's client tools "
                          "(Debian and Ubuntu: apt install postgresql-client)")
    return found


def _environment() -> dict[str, str]:
    """Connection settings for the client tools, passed in the environment: a password on
    the command line would show in every user's process list."""
    db = connection.settings_dict
    env = {**os.environ, "PGHOST": str(db.get("HOST") or ""), "PGPORT": str(db.get("PORT") or ""),
           "PGUSER": str(db.get("USER") or ""), "PGPASSWORD": str(db.get("PASSWORD") or "")}
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(command: list[str], total: int, is_step: Callable[[str], bool],
         progress: Progress) -> None:
    """Run a client tool, counting the --verbose lines that mark a step as progress."""
    lines: list[str] = []
    done = 0
    with subprocess.Popen(command, env=_environment(), stdout=subprocess.DEVNULL,  # noqa: S603
                          stderr=subprocess.PIPE, text=True) as tool:
        assert tool.stderr is not None
        for line in tool.stderr:
            lines.append(line.rstrip())
            if is_step(line):
                done = min(done + 1, total)
                progress(done, total)
    if tool.returncode != 0:
        errors = [line for line in lines if "error" in line.lower()] or lines
        raise BackupError(f"{Path(command[0]).name} failed: " + " / ".join(errors[-5:]))
    progress(total, total)


def _count(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.fetchone()[0])


def postgres_is_empty() -> bool:
    return _count("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") == 0


def postgres_backup(dest: Path, progress: Progress = no_progress) -> dict[str, Any]:
    """Dump the database to `dest`; return the audit anchor of exactly what was dumped.

    The anchor is read in a REPEATABLE READ transaction that exports its snapshot, and pg_dump
    runs in that same snapshot while the transaction stays open: the dump holds the anchored
    head and every entry before it, whatever the server writes meanwhile."""
    from acuback.audit.services import audit_anchor

    pg_dump = _client_tool("pg_dump")
    os.close(private_create(dest))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        anchor = audit_anchor(seal=False).as_dict()
        tables = _count("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", "--verbose",
              f"--file={dest}", f"--dbname={connection.settings_dict['NAME']}"],
             tables, lambda line: "dumping contents of table" in line, progress)
    return anchor


def postgres_restore(payload: Path, *, force: bool, progress: Progress = no_progress) -> None:
    """Load a dump into the configured database: an empty one, or (force) over what is there,
    dropping each object the dump holds first. One transaction: all of it or nothing."""
    if not force and not postgres_is_empty():
        raise BackupError(not_empty(f"the database {connection.settings_dict['NAME']}"))
    pg_restore = _client_tool("pg_restore")
    listing = subprocess.run([pg_restore, "--list", str(payload)], env=_environment(),  # noqa: S603
                             capture_output=True, text=True, check=False)
    if listing.returncode != 0:
        raise BackupError(f"pg_restore cannot read the dump: {listing.stderr.strip()}")
    items = sum(1 for line in listing.stdout.splitlines() if line and not line.startswith(";"))
    connection.close()
    clean = ["--clean", "--if-exists"] if force else []
    _run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          "--verbose", *clean, f"--dbname={connection.settings_dict['NAME']}", str(payload)],
         items, lambda line: line.startswith(("pg_restore: creating", "pg_restore: processing",
                                              "pg_restore: executing")), progress)
