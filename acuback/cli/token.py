"""`acuback token USERNAME [--name NAME]`: create an API token; the secret is printed once."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="acuback token", description=__doc__)
    parser.add_argument("username")
    parser.add_argument("--name", default="cli")
    args = parser.parse_args(argv)

    from acuback.cli.django_setup import setup

    setup()
    from acuback.accounts.models import User
    from acuback.accounts.services import api_token_create
    from acuback.audit.context import audit_context

    user = User.objects.filter(username=args.username, is_active=True).first()
    if user is None:
        print(f"acuback token: no active user {args.username!r}", file=sys.stderr)
        return 2
    with audit_context("cli"):
        print(api_token_create(user=user, name=args.name))
    return 0
