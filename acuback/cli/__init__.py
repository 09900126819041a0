"""The `acuback` command.

Each subcommand lives in its own module with `main(argv) -> int` and is imported only when
called, so the pure commands (score, points, screen, prescribe) never start Django.
Exit status: 0 success, 2 bad input (with a message on stderr), 1 anything else.
"""

from __future__ import annotations

import importlib
import sys

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("acuback.cli.serve", "migrate if needed and serve acuback over HTTP"),
    "worker": ("acuback.cli.worker", "run background tasks: confirmations and due reminders"),
    "reminders": ("acuback.cli.reminders", "send the reminders due now (idempotent)"),
    "demo": ("acuback.cli.demo", "load the demo clinics (idempotent) and print their logins"),
    "check": ("acuback.cli.check", "is this install ready for a clinic? (deployment checks)"),
    "audit": ("acuback.cli.audit", "verify, anchor or seal the audit trail's hash chain"),
    "backup": ("acuback.cli.backup", "write a consistent backup with the audit anchor"),
    "restore": ("acuback.cli.restore", "restore a backup into an empty install, then verify it"),
    "token": ("acuback.cli.token", "API tokens: create, list, revoke"),
    "invite": ("acuback.cli.invite", "invite someone to a clinic (a new clinic's first owner)"),
    "manage": ("acuback.cli.manage", "run a Django management command"),
    "score": ("acuback.cli.score", "score questionnaire responses (no database needed)"),
    "instruments": ("acuback.cli.instruments", "manage instrument wording (load-wording FILE)"),
    "points": ("acuback.cli.points", "look up the acupoint catalogue"),
    "screen": ("acuback.cli.screen", "red-flag screening of a patient (JSON in, JSON out)"),
    "prescribe": ("acuback.cli.prescribe", "propose acupoints for a patient (JSON in, JSON out)"),
    "visits": ("acuback.cli.visits", "import visits (JSON), verify signed visits' hashes"),
    "lots": ("acuback.cli.lots", "find every visit that used a needle lot (JSON)"),
    "coverage": ("acuback.cli.coverage", "Medicare NCD 30.3.3 coverage of the next visit (JSON)"),
    "analyze": ("acuback.cli.analyze", "analyses of outcome data (compare two groups, ...)"),
    "export": ("acuback.cli.export", "FHIR R4 bulk export of a clinic to NDJSON files"),
    "import": ("acuback.cli.import_", "import a FHIR R4 Bundle (all or nothing, idempotent)"),
}


def usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = ["usage: acuback COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name.ljust(width)}  {text}" for name, (_, text) in COMMANDS.items()]
    lines += ["", "Run `acuback COMMAND --help` for a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    if args[0] == "--version":
        from acuback import __version__

        print(f"acuback {__version__}")
        return 0
    entry = COMMANDS.get(args[0])
    if entry is None:
        print(f"acuback: unknown command {args[0]!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(entry[0])
    try:
        return int(module.main(args[1:]) or 0)
    except SystemExit as exc:  # argparse exits 2 on bad usage; keep its code
        return exc.code if isinstance(exc.code, int) else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
