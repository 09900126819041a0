"""`acuback audit verify|anchor|seal`: the audit trail's hash chain, checked and anchored.

verify [--anchor FILE]  seal what is waiting, then check every entry; with an anchor (from
                        `acuback audit anchor` or a backup) also check that the chain still
                        holds the head it recorded, which catches cut-off or re-hashed
                        entries. Exit 1 if anything is wrong.
anchor                  seal what is waiting and print the chain's head as JSON; keep it
                        outside the database (another machine, a ticket, a backup).
seal                    seal what is waiting (acuback serve does this as it goes; for
                        servers run some other way, run it from cron).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def read_anchor(path: str) -> Any:
    """The Anchor in FILE (or '-' for stdin); SystemExit(2) with a message if unreadable."""
    from acuback.audit.services import Anchor

    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
        return Anchor.parse(json.loads(text))
    except (OSError, ValueError) as exc:  # JSONDecodeError is a ValueError
        print(f"acuback audit: cannot read the anchor {path}: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def verify_and_report(anchors: list[Any]) -> int:
    """Verify the trail (against `anchors`), print every problem and a summary; exit status."""
    from acuback.audit.services import audit_counts, audit_verify

    problems = list(audit_verify(anchors=anchors))
    sealed, waiting = audit_counts()
    for problem in problems:
        print(problem)
    if problems:
        print(f"audit trail: {len(problems)} problem(s) in {sealed} entries: TAMPERED")
        return 1
    heads = ", ".join(str(anchor.chain_seq) for anchor in anchors)
    against = f", and holds the anchored head (chain position {heads})" if anchors else ""
    more = f" ({waiting} written since, not yet sealed)" if waiting else ""
    print(f"audit trail: {sealed} entries, chain intact{against}{more}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="acuback audit", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    verify = sub.add_parser("verify", help="report changed, deleted or inserted entries")
    verify.add_argument("--anchor", metavar="FILE",
                        help="an anchor (JSON) the chain must still hold; '-' reads stdin")
    sub.add_parser("anchor", help="print the chain's head as JSON")
    sub.add_parser("seal", help="seal entries written but not yet sealed")
    args = parser.parse_args(argv)

    from acuback.cli.django_setup import require_migrated, setup

    setup()
    require_migrated("audit")
    from acuback.audit.services import audit_anchor, audit_seal

    if args.action == "verify":
        return verify_and_report([read_anchor(args.anchor)] if args.anchor else [])
    if args.action == "anchor":
        print(json.dumps(audit_anchor().as_dict(), indent=2))
        return 0
    print(f"sealed {audit_seal()} entries")
    return 0
