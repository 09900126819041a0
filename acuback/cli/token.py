"""`acuback token`: API tokens from the command line.

  acuback token USERNAME [--name N] [--expires DAYS]   create one; the secret is printed once
  acuback token create USERNAME [--name N] [--expires DAYS]   the same, spelt out
  acuback token list [USERNAME]                        tokens as JSON (never their secrets)
  acuback token revoke ID                              revoke one at once

Tokens expire after --expires days (90 unless told, at most 365).
"""

from __future__ import annotations

import argparse
import json
import sys

ACTIONS = ("create", "list", "revoke")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="acuback token", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    create = sub.add_parser("create", help="create a token (the secret is printed once)")
    create.add_argument("username")
    create.add_argument("--name", default="cli")
    create.add_argument("--expires", type=int, default=90, metavar="DAYS",
                        help="days until the token stops working (1-365, default 90)")
    listing = sub.add_parser("list", help="list tokens as JSON")
    listing.add_argument("username", nargs="?")
    revoke = sub.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("id", type=int)
    return parser


def main(argv: list[str]) -> int:
    # `acuback token USERNAME` (no action word) keeps meaning "create".
    if argv and argv[0] not in (*ACTIONS, "-h", "--help"):
        argv = ["create", *argv]
    args = _parser().parse_args(argv)

    from acuback.cli.django_setup import setup

    setup()
    from acuback.audit.context import audit_context

    with audit_context("cli"):
        return {"create": _create, "list": _list, "revoke": _revoke}[args.action](args)


def _create(args: argparse.Namespace) -> int:
    from acuback.accounts.tokens import api_token_create
    from acuback.cli.django_setup import active_user
    from acuback.errors import InputError

    user = active_user(args.username)
    if user is None:
        print(f"acuback token: no active user {args.username!r}", file=sys.stderr)
        return 2
    try:
        print(api_token_create(user=user, name=args.name, days=args.expires))
    except InputError as exc:
        print(f"acuback token: {exc.message}", file=sys.stderr)
        return 2
    return 0


def _list(args: argparse.Namespace) -> int:
    from acuback.accounts.models import ApiToken

    tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
    if args.username:
        tokens = tokens.filter(user__username=args.username)
    rows = [{"id": t.pk, "user": t.user.username, "name": t.name, "prefix": t.prefix,
             "created_at": t.created_at.isoformat(), "expires_at": t.expires_at.isoformat(),
             "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
             "uses": t.uses, "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
             "usable": t.is_usable and t.user.is_active} for t in tokens]
    json.dump(rows, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from acuback.accounts.models import ApiToken
    from acuback.accounts.tokens import api_token_revoke

    token = ApiToken.objects.select_related("user").filter(pk=args.id).first()
    if token is None:
        print(f"acuback token: no token with id {args.id}", file=sys.stderr)
        return 2
    api_token_revoke(actor=None, token=token)
    print(f"acuback token: token {token.pk} ({token.name}, {token.user.username}) is revoked")
    return 0
