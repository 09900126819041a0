"""`acuback import FILE --user USERNAME`: import a FHIR R4 Bundle (transaction or collection).

The same import as `POST /fhir`: validated first, then all or nothing, through the same
services (access, audit). Importing the same file twice creates nothing twice. Prints a JSON
summary (created, existing, warnings); on a refused Bundle exits 2 and prints the
OperationOutcome, naming each bad element, on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PROG = "acuback import"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("file", type=Path, help="a FHIR R4 Bundle (JSON)")
    parser.add_argument("--user", required=True, help="the owner or practitioner importing")
    return parser


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    from acuback.cli.jsonio import JsonInputError, read_json_input

    try:
        bundle = read_json_input(str(args.file))
    except JsonInputError as exc:
        return _fail(str(exc))

    from acuback.cli.django_setup import setup

    setup()
    from acuback.accounts.access import AccessError
    from acuback.audit.context import audit_context
    from acuback.cli.django_setup import active_user
    from acuback.interop.importer import ImportRefused, bundle_import
    from acuback.interop.resources.outcome import operation_outcome
    from acuback.web.unstorable import unstorable_json

    if unstorable_json(bundle):  # what the web's guard refuses at the door for POST /fhir
        return _fail(f"{args.file}: holds a character that cannot be stored (a NUL byte or "
                     "half of a surrogate pair); nothing was imported")
    user = active_user(args.user)
    if user is None:
        return _fail(f"no active user {args.user!r}")
    with audit_context("cli"):
        try:
            result = bundle_import(actor=user, bundle=bundle)
        except ImportRefused as refused:
            print(json.dumps(operation_outcome(refused.issues), indent=2), file=sys.stderr)
            return _fail(f"{args.file}: refused, nothing imported "
                         f"({len(refused.issues)} problem(s) above)")
        except AccessError as exc:
            return _fail(str(exc) or "not allowed")
    print(json.dumps({"created": result.created, "existing": result.existing,
                      "issues": [i.as_json() for i in result.issues]}, indent=2))
    return 0
