"""`acuback visits import FILE --user USERNAME` and `acuback visits verify`.

import: a JSON array of visits charted elsewhere, each `{"external_id": ..., "episode_id":
..., <the fields of PUT /api/visits/{id}>}`, written as drafts by USERNAME (their own
visits), one visit at a time through the services: the same checks, the lock and the audit.
The file is imported whole or not at all: a record refused (exit 2, naming it) undoes those
before it, and the refusal is audited. Importing the same file again rewrites those drafts and
creates nothing twice; a visit signed since is refused, as every write to a signed visit is.
Text no database can store (a NUL byte) is refused before anything is read. Prints a JSON
summary.

verify: check every signed visit against the hash taken when it was signed (and its
amendments against theirs); exit 1 listing any that no longer match.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="acuback visits", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    load = sub.add_parser("import", help="import visits charted elsewhere (JSON)")
    load.add_argument("file", help="a JSON file, or - for standard input")
    load.add_argument("--user", required=True, help="the practitioner whose visits they are")
    sub.add_parser("verify", help="check signed visits against their hashes")
    args = parser.parse_args(argv)

    from acuback.cli.django_setup import setup

    setup()
    from acuback.audit.context import audit_context

    with audit_context("cli"):
        return _import(args.file, args.user) if args.action == "import" else _verify()


def _import(name: str, username: str) -> int:
    from django.db import transaction
    from pydantic import ValidationError

    from acuback.accounts.access import AccessError
    from acuback.audit.models import Action
    from acuback.audit.services import audit_record
    from acuback.cli.django_setup import active_user
    from acuback.cli.jsonio import JsonInputError, read_json_input, write_json
    from acuback.errors import ConflictError, InputError
    from acuback.visits.imports import visit_import
    from acuback.visits.schemas import VisitImportIn
    from acuback.web.unstorable import unstorable_json

    user = active_user(username)
    if user is None:
        print(f"acuback visits: no active user {username!r}", file=sys.stderr)
        return 2
    try:
        records = read_json_input(name)
        if not isinstance(records, list):
            raise JsonInputError("the file must hold a JSON array of visits")
        if unstorable_json(records):
            raise JsonInputError("the file holds a character that cannot be stored (a NUL "
                                 "byte or half of a surrogate pair); nothing was imported")
    except JsonInputError as exc:
        print(f"acuback visits: {exc}", file=sys.stderr)
        return 2
    done: list[dict[str, Any]] = []
    try:
        with transaction.atomic():  # the whole file or nothing: a refusal undoes those before
            for number, record in enumerate(records, start=1):
                try:
                    parsed = VisitImportIn.model_validate(record)
                    imported = visit_import(actor=user, episode_id=parsed.episode_id,
                                            external_id=parsed.external_id,
                                            data=parsed.to_input())
                except (ValidationError, InputError, ConflictError, AccessError,
                        OverflowError) as exc:
                    raise _Refused(number, record, exc) from exc
                done.append({"external_id": parsed.external_id, "visit_id": imported.visit.pk,
                             "created": imported.created})
    except _Refused as refused:
        why = _why(refused.exc)
        audit_record(actor=user, action=Action.CREATE, object_type="visit_import",
                     outcome=_outcome(refused.exc),
                     detail={"record": refused.number, "external_id": _key(refused.record),
                             "why": why[:500]})
        print(f"acuback visits: record {refused.number} ({_key(refused.record)}) not imported: "
              f"{why}\n(nothing was imported; fix it and import the file again)",
              file=sys.stderr)
        return 2
    write_json(done)
    return 0


class _Refused(Exception):
    """A record of the file not imported: the transaction of the whole file rolls back."""

    def __init__(self, number: int, record: object, exc: Exception) -> None:
        super().__init__(number)
        self.number, self.record, self.exc = number, record, exc


def _outcome(exc: Exception) -> str:
    from acuback.accounts.access import AccessError, NotFound
    from acuback.audit.models import Outcome
    from acuback.errors import ConflictError

    if isinstance(exc, NotFound):
        return Outcome.NOT_FOUND
    if isinstance(exc, AccessError | ConflictError):  # a role that may not, a signed visit
        return Outcome.DENIED
    return Outcome.INVALID


def _key(record: object) -> str:
    return str(record.get("external_id", "no external_id")) if isinstance(
        record, dict) else "not an object"


def _why(exc: Exception) -> str:
    from pydantic import ValidationError

    from acuback.accounts.access import NotFound
    from acuback.errors import InputError

    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                         for e in exc.errors())
    if isinstance(exc, InputError):
        return exc.message
    if isinstance(exc, NotFound | OverflowError):  # an id too large for the database
        return "no such episode in your clinic"
    return str(exc)


def _verify() -> int:
    from acuback.visits.content import visit_integrity
    from acuback.visits.models import Visit, VisitStatus

    signed = Visit.objects.filter(status=VisitStatus.SIGNED).prefetch_related(
        "points", "painkillers", "amendments").order_by("id")
    count, bad = 0, 0
    for visit in signed.iterator(chunk_size=500):
        count += 1
        integrity = visit_integrity(visit)
        for problem in integrity.problems:
            print(f"visit {visit.pk}: {problem}")
        bad += not integrity.ok
    if bad:
        print(f"signed visits: {bad} of {count} no longer match their hash: TAMPERED")
        return 1
    print(f"signed visits: {count}, every one matches its hash")
    return 0
