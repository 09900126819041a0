"""`acuback export DIR`: the FHIR Bulk Data export, written to a folder.

  acuback export DIR --user USERNAME [--type Patient,Condition,...] [--since ISO-INSTANT]
                     [--group all|practitioner-ID]

One NDJSON file per resource type (FHIR R4, the Bulk Data Access file format), exactly what
`GET /fhir/$export` produces, with the same access rules (an owner or practitioner exports
their own clinic) and one audit entry. Prints a JSON summary; a progress bar on stderr.
Exit status 2, with the reason on stderr, on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PROG = "acuback export"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("directory", type=Path, help="folder for the NDJSON files")
    parser.add_argument("--user", required=True, help="the owner or practitioner exporting")
    parser.add_argument("--type", default="", help="comma-separated resource types")
    parser.add_argument("--since", default="", help="only what changed after this instant")
    parser.add_argument("--group", help="a patient group (see GET /fhir/Group)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.directory.exists() and not args.directory.is_dir():
        return _fail(f"{args.directory} is not a folder")

    from acuback.cli.django_setup import setup

    setup()
    from acuback.accounts.access import AccessError
    from acuback.audit.context import audit_context
    from acuback.cli.django_setup import active_user
    from acuback.errors import InputError
    from acuback.interop import export, repository

    user = active_user(args.user)
    if user is None:
        return _fail(f"no active user {args.user!r}")
    with audit_context("cli"):
        try:
            members = repository.group_members(user, args.group) if args.group else None
            request = export.export_request(types=args.type, since=args.since,
                                            patient_ids=members)
            written = _run(user, request, args.directory, quiet=args.quiet)
        except InputError as exc:
            return _fail(exc.message)
        except AccessError as exc:
            return _fail(str(exc) or "not allowed")
    print(json.dumps({"directory": str(args.directory), "output": written}, indent=2))
    return 0


def _run(user: object, request: object, directory: Path, *, quiet: bool) -> list[dict]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from acuback.interop import export

    total = export.export_size(user, request)  # type: ignore[arg-type]
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn())
    console = Console(stderr=True)
    with Progress(*columns, console=console, disable=quiet, transient=False) as bar:
        task = bar.add_task("exporting", total=total, rate="")

        def advance(resource_type: str, done: int) -> None:
            bar.update(task, advance=done, description=f"exporting {resource_type}")
            elapsed = bar.tasks[0].elapsed or 0
            if elapsed:
                bar.update(task, rate=f"{bar.tasks[0].completed / elapsed:,.0f} resources/s")

        return export.export_write(actor=user, request=request,  # type: ignore[arg-type]
                                   directory=directory, progress=advance)
