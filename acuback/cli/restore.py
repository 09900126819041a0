"""`acuback restore FILE [--force] [--anchor ANCHOR]`: put a backup back, then prove it whole.

Restores into an empty data directory (SQLite) or an empty database (PostgreSQL); one that
holds data is refused unless --force (stop acuback first). The backup's checksum is checked
before anything is touched; afterwards the database is migrated to this version and the whole
audit chain is verified against the anchor recorded in the backup, and against ANCHOR too if
given (one kept elsewhere, e.g. from `acuback audit anchor`). Exit 1 if the chain fails.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from acuback.cli.progress import progress_bars


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="acuback restore", description=__doc__)
    parser.add_argument("file", type=Path, help="a backup written by `acuback backup`")
    parser.add_argument("--force", action="store_true",
                        help="replace a data directory or database that already holds data")
    parser.add_argument("--anchor", metavar="ANCHOR",
                        help="an anchor file the restored chain must also hold")
    args = parser.parse_args(argv)

    from acuback.cli.audit import read_anchor
    from acuback.cli.django_setup import migrate, setup

    setup()
    from acuback.backup import BackupError

    outside = read_anchor(args.anchor) if args.anchor else None
    try:
        manifest = _restore(args.file.resolve(), force=args.force)
    except BackupError as exc:
        print(f"acuback restore: {exc}", file=sys.stderr)
        return 2
    migrate()
    return _verify(manifest, outside)


def _restore(archive: Path, *, force: bool) -> Any:
    from django.conf import settings
    from django.db import connection

    from acuback.backup.archive import BackupError, extract_payload, read_manifest
    from acuback.backup.postgres import postgres_is_empty, postgres_restore
    from acuback.backup.sqlite import not_empty, sqlite_is_empty, sqlite_restore

    manifest = read_manifest(archive)
    if manifest.database != connection.vendor:
        raise BackupError(f"this is a {manifest.database} backup and acuback is configured for "
                          f"{connection.vendor} (ACUBACK_DATABASE_URL)")
    with progress_bars() as bar:
        if connection.vendor == "sqlite":
            database = Path(settings.DATABASES["default"]["NAME"])
            if not force and not sqlite_is_empty(database):
                raise BackupError(not_empty(f"the data directory {database.parent}"))
            payload = database.with_name(f".{database.name}.restoring")
            extract_payload(archive, manifest, payload, bar("Checking the backup"))
            sqlite_restore(payload, database, force=force)
            return manifest
        if not force and not postgres_is_empty():
            raise BackupError(not_empty(f"the database {connection.settings_dict['NAME']}"))
        with tempfile.TemporaryDirectory(prefix="acuback-restore-") as work:
            payload = Path(work) / manifest.payload
            extract_payload(archive, manifest, payload, bar("Checking the backup"))
            postgres_restore(payload, force=force, progress=bar("Restoring"))
    return manifest


def _verify(manifest: Any, outside: Any) -> int:
    from acuback.audit.services import Anchor
    from acuback.cli.audit import verify_and_report

    print("restored; verifying the audit trail against the backup's anchor"
          + (" and the one given" if outside else ""))
    return verify_and_report([Anchor.parse(manifest.anchor), *([outside] if outside else [])])
