"""Start Django for the commands that need the database."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any


def setup() -> None:
    """Start Django, without the garbage collector scanning what start-up makes (modules,
    classes, models: about 150 collections otherwise), and what it made then left out of every
    later collection (acuback.loading). Only the first time in a process: a test calling a
    command in-process has Django started, and its objects are the tests' to collect."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acuback.settings")
    import django
    from django.apps import apps

    from acuback.config import ConfigError
    from acuback.loading import loading

    with loading(frozen=True) if not apps.ready else contextlib.nullcontext():
        try:
            django.setup()
        except ConfigError as exc:
            print(f"acuback: configuration error: {exc}", file=sys.stderr)
            raise SystemExit(2) from exc


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def analyze(*, bulk: bool = False) -> None:
    """Refresh the query planner's statistics. Without them SQLite guesses, and at tens of
    thousands of patients it can guess a whole-list scan where the search index would read a
    few rows; with a sampling limit the analysis takes milliseconds whatever the size. Run by
    `acuback serve` before serving and after a bulk load; PostgreSQL's autovacuum keeps its own
    statistics, so there it is run only after a bulk load (`bulk=True`), with VACUUM so that
    the search index answers from the index alone (its visibility map is set)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("ANALYZE")
        elif bulk:
            cursor.execute("VACUUM ANALYZE")


def require_migrated(command: str) -> None:
    """Exit 2 with a clear message if the database lacks migrations this version needs (after
    an upgrade, before `acuback serve` or `acuback manage migrate` has run)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in pending[:3])
        print(f"acuback {command}: the database is not migrated to this version ({names}"
              f"{', ...' if len(pending) > 3 else ''}); run `acuback manage migrate` first",
              file=sys.stderr)
        raise SystemExit(2)


def active_user(username: str) -> Any:
    """The active account a command acts as (`--user USERNAME`), or None: every command that
    acts for someone looks them up this one way, so a deactivated account can do nothing from
    the command line either."""
    from acuback.accounts.models import User

    return User.objects.filter(username=username, is_active=True).first()
