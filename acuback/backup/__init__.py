"""Backups that restore: a consistent copy of the database, its audit anchor and a checksum.

A backup is one tar file, readable by its owner only, holding two members:

    manifest.json       what this is: database kind, payload name, size and SHA-256, the audit
                        chain's head at the moment of the copy (the anchor), time, version
    acuback.sqlite3     SQLite: a page-by-page copy made with SQLite's online backup API inside
      or                one read transaction, so it is one moment's database even while the
    acuback.pgdump      server keeps writing; PostgreSQL: `pg_dump --format=custom`, run in a
                        snapshot exported by the transaction that read the anchor

Restoring checks the checksum, refuses a data directory or database that already holds data
(unless forced), puts the copy in place, migrates it to this version, and verifies the whole
audit chain against the anchor: a restored trail that lost or changed entries fails.
"""

from acuback.backup.archive import BackupError, Manifest

__all__ = ["BackupError", "Manifest"]
