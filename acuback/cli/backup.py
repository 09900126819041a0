"""`acuback backup FILE`: a consistent copy of the database with its audit anchor and checksum.

SQLite is copied with its online backup API, PostgreSQL with pg_dump; the server may keep
running. FILE is created readable by its owner only. What was written is printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from acuback.cli.progress import progress_bars


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="acuback backup", description=__doc__)
    parser.add_argument("file", type=Path, help="the backup file to write (a tar)")
    parser.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    args = parser.parse_args(argv)
    target: Path = args.file.resolve()
    if target.exists() and not args.overwrite:
        print(f"acuback backup: {target} exists; pass --overwrite to replace it", file=sys.stderr)
        return 2
    if not target.parent.is_dir():
        print(f"acuback backup: no folder {target.parent}", file=sys.stderr)
        return 2

    from acuback.cli.django_setup import setup

    setup()
    from acuback.backup import BackupError

    try:
        manifest = _backup(target)
    except BackupError as exc:
        print(f"acuback backup: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"backup": str(target), "database": manifest.database,
                      "size": manifest.size, "sha256": manifest.sha256,
                      "anchor": manifest.anchor}, indent=2))
    return 0


def _backup(target: Path):  # noqa: ANN202 - a Manifest, imported once Django is up
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from acuback import __version__
    from acuback.audit.services import audit_anchor, audit_seal
    from acuback.backup.archive import BackupError, Manifest, sha256_of, write_archive
    from acuback.backup.postgres import postgres_backup, postgres_is_empty
    from acuback.backup.sqlite import django_alias, sqlite_backup, sqlite_is_empty
    from acuback.cli.django_setup import require_migrated

    database = Path(settings.DATABASES["default"]["NAME"])
    empty = sqlite_is_empty(database) if connection.vendor == "sqlite" else postgres_is_empty()
    if empty:
        raise BackupError(f"{database} holds no data to back up")
    require_migrated("backup")
    audit_seal()  # so the anchor covers everything written until now
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".acuback-backup-") as work, \
            progress_bars() as bar:
        if connection.vendor == "sqlite":
            payload = Path(work) / "acuback.sqlite3"
            sqlite_backup(database, payload, bar("Copying the database"))
            with django_alias(payload) as alias:
                anchor = audit_anchor(seal=False, using=alias).as_dict()
        else:
            payload = Path(work) / "acuback.pgdump"
            anchor = postgres_backup(payload, bar("Dumping tables"))
        manifest = Manifest(database=connection.vendor, payload=payload.name,
                            size=payload.stat().st_size,
                            sha256=sha256_of(payload, bar("Checksum")), anchor=anchor,
                            created_at=timezone.now().isoformat(), acuback_version=__version__)
        write_archive(target, payload, manifest)
    return manifest
