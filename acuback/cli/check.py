"""`acuback check`: is this install ready to serve a clinic?

Runs Django's system checks with the deployment checks (`check --deploy`) and acuback's own
(acuback/checks.py). On a development install (SQLite, ACUBACK_SECURE off) problems that only
matter in production are listed as what production still needs, and the command passes; in
production (ACUBACK_DATABASE_URL or ACUBACK_SECURE set) each of them fails the check.
Exit 0 when clean, 1 when a check fails, 2 on a configuration error.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

# What to set for the findings of Django's deployment checks that acuback's settings control.
FIXES = {
    "security.W004": "ACUBACK_SECURE=true (HSTS)",
    "security.W008": "ACUBACK_SECURE=true (redirect plain HTTP to HTTPS)",
    "security.W012": "ACUBACK_SECURE=true (session cookie over HTTPS only)",
    "security.W016": "ACUBACK_SECURE=true (CSRF cookie over HTTPS only)",
    "security.W018": "ACUBACK_DEBUG=false",
    "security.W009": "ACUBACK_SECRET_KEY: 50 or more random characters",
    "security.W020": "ACUBACK_ALLOWED_HOSTS",
}


def _describe(message: Any) -> str:
    """`SETTING: why (check id)`, from our table or from the check's own hint."""
    fix = FIXES.get(message.id)
    if fix is None:
        hint = (message.hint or "").removeprefix("Set ")
        fix = f"{hint}: {message.msg}" if hint else str(message.msg).split("\n")[0]
    return f"{fix} [{message.id}]"


def main(argv: list[str]) -> int:
    argparse.ArgumentParser(prog="acuback check", description=__doc__).parse_args(argv)
    from acuback.cli.django_setup import setup

    setup()
    from django.conf import settings
    from django.core.checks import ERROR, WARNING, run_checks

    every = [m for m in run_checks() if not m.is_silenced() and m.level >= WARNING]
    deploy = [m for m in run_checks(include_deployment_checks=True)
              if not m.is_silenced() and m.level >= WARNING and m not in every]
    production = settings.PRODUCTION or settings.SECURE
    failed = every + (deploy if production else [])
    for message in failed:
        print(f"{'ERROR' if message.level >= ERROR else 'WARNING'} {message}", file=sys.stderr)
    if failed:
        return 1
    if production:
        print("acuback check: deployment checks passed")
        return 0
    database = settings.DATABASES["default"]["NAME"]
    print(f"acuback check: checks passed for a development install (SQLite at {database}, "
          "plain HTTP).")
    if deploy:
        print("Before it serves a clinic, production still needs:")
        for line in sorted({_describe(m) for m in deploy}):
            print(f"  - {line}")
    return 0
