"""`acuback instruments`: a clinic's licensed questionnaire wording.

  acuback instruments load-wording FILE [--clinic SLUG] [--user USERNAME]
      Check FILE (JSON, shape in acuback/clinical/instruments/wording.py) against the
      instrument's structure and store it for the clinic; its forms then show that wording.
      --clinic is required when more than one clinic exists.
  acuback instruments template INSTRUMENT
      Print an empty wording file for INSTRUMENT, to fill in from the licensed copy.

Exit status 2, with the reason on stderr and nothing stored, when the file does not fit.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

PROG = "acuback instruments"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load-wording", help="load a clinic's licensed wording")
    load.add_argument("file", type=Path)
    load.add_argument("--clinic", help="the clinic's slug (required with several clinics)")
    load.add_argument("--user", help="the owner or practitioner loading it (recorded)")
    template = commands.add_parser("template", help="print an empty wording file")
    template.add_argument("instrument")
    return parser


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.command == "template":
        return _template(args.instrument)
    return _load(args.file, args.clinic, args.user)


def _template(instrument: str) -> int:
    from acuback.clinical import instruments
    from acuback.clinical.instruments.wording import wording_template

    try:
        definition = instruments.get(instrument)
    except instruments.UnknownInstrumentError as exc:
        return _fail(str(exc))
    print(json.dumps(wording_template(definition), indent=2, ensure_ascii=False))
    return 0


def _read(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text)


def _load(path: Path, slug: str | None, username: str | None) -> int:
    try:
        data = _read(path)
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(f"cannot read {path}: {exc}")
    except json.JSONDecodeError as exc:
        return _fail(f"{path}: not valid JSON: {exc}")

    from acuback.cli.django_setup import setup

    setup()
    from acuback.accounts.access import AccessError
    from acuback.assessments.services import licensed_wording_load
    from acuback.audit.context import audit_context
    from acuback.clinical.instruments import WordingError

    try:
        clinic = _clinic(slug)
        user = _user(username)
    except LookupError as exc:
        return _fail(str(exc))
    try:
        with audit_context("cli"):
            row = licensed_wording_load(clinic=clinic, data=data, loaded_by=user)
    except WordingError as exc:
        return _fail(f"{path}: {exc}")
    except AccessError as exc:
        return _fail(str(exc))
    print(f"Loaded {row.instrument} wording ({row.language}) for {clinic.name} "
          f"[{clinic.slug}], from {row.source}.")
    return 0


def _clinic(slug: str | None) -> Any:
    from acuback.accounts.models import Clinic

    if slug:
        clinic = Clinic.objects.filter(slug=slug).first()
        if clinic is None:
            raise LookupError(f"no clinic with slug {slug!r}")
        return clinic
    clinics = list(Clinic.objects.order_by("slug")[:2])
    if not clinics:
        raise LookupError("no clinic exists yet")
    if len(clinics) > 1:
        slugs = ", ".join(Clinic.objects.order_by("slug").values_list("slug", flat=True))
        raise LookupError(f"several clinics exist: choose one with --clinic ({slugs})")
    return clinics[0]


def _user(username: str | None) -> Any:
    from acuback.cli.django_setup import active_user

    if not username:
        return None
    user = active_user(username)
    if user is None:
        raise LookupError(f"no active user {username!r}")
    return user
