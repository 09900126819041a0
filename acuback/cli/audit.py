"""`acuback audit verify`: check the audit trail's hash chain; exit 1 if it was tampered with."""

from __future__ import annotations

import argparse


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="acuback audit", description=__doc__)
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("verify", help="report changed, deleted or inserted entries")
    parser.parse_args(argv)

    from acuback.cli.django_setup import setup

    setup()
    from acuback.audit.models import AuditEntry
    from acuback.audit.services import audit_verify

    problems = list(audit_verify())
    total = AuditEntry.objects.count()
    for problem in problems:
        print(f"entry {problem.seq}: {problem.problem}")
    if problems:
        print(f"audit trail: {len(problems)} problem(s) in {total} entries: TAMPERED")
        return 1
    print(f"audit trail: {total} entries, chain intact")
    return 0
