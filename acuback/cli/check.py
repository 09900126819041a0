"""`acuback check`: Django's deployment checks (`check --deploy`) on the production settings.

Run it with the environment of the deployment (ACUBACK_DATABASE_URL, ACUBACK_SECRET_KEY,
ACUBACK_ALLOWED_HOSTS...). Exit 0 when clean, 1 when a check fails, 2 on a configuration error.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str]) -> int:
    argparse.ArgumentParser(prog="acuback check", description=__doc__).parse_args(argv)
    from acuback.cli.django_setup import setup

    setup()
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=True, fail_level="WARNING")
    except SystemCheckError as exc:
        print(exc, file=sys.stderr)
        return 1
    print("acuback check: deployment checks passed")
    return 0
