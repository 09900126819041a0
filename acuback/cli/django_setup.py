"""Start Django for the commands that need the database."""

from __future__ import annotations

import os
import sys


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acuback.settings")
    import django

    from acuback.config import ConfigError

    try:
        django.setup()
    except ConfigError as exc:
        print(f"acuback: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
