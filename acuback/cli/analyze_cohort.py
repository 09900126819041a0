"""`acuback analyze cohort --user USERNAME [filters] [--compare-by DIM --groups A,B]`

The clinic's cohort report (issue 11 item 6) as JSON, with the same access rules and audit as
the dashboard: an owner reports on their clinic, a practitioner on their own patients.

Filters: --opened-from/--opened-to (YYYY-MM-DD, episodes opened in that range), --practitioner
USER_ID (practitioner of record), --protocol manual|electro|no_plan (the current plan's
e-stim), --startback low|medium|high|not_screened (baseline risk group), --chronicity
acute|subacute|chronic (at opening).

With --compare-by (protocol, startback or chronicity), --groups A,B and --instrument, prints
instead the comparison `acuback analyze compare` makes of a CSV (per-group means and responder
rates, the ANCOVA difference adjusted for baseline), B being the treatment group.
With --export FILE.csv or FILE.parquet, also writes the cohort's de-identified rows.
Exit status 2, with the reason on stderr, on bad input or a refused user.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PROG = "acuback analyze cohort"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--user", required=True, help="the owner or practitioner reporting")
    for name in ("opened-from", "opened-to", "practitioner", "protocol", "startback",
                 "chronicity"):
        parser.add_argument(f"--{name}", default="")
    parser.add_argument("--compare-by", default="", help="protocol, startback or chronicity")
    parser.add_argument("--groups", default="", help="the two groups, A,B (B: treatment)")
    parser.add_argument("--instrument", default="odi", help="what to compare on (default odi)")
    parser.add_argument("--responder-drop", type=float, default=None,
                        help="for --compare-by: a responder's follow-up is at most (1 - drop) "
                        "x baseline (default 0.30)")
    parser.add_argument("--export", type=Path, default=None,
                        help="write the cohort's de-identified rows (.csv or .parquet)")
    return parser


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.export is not None and args.export.suffix not in (".csv", ".parquet"):
        return _fail("--export needs a file name ending in .csv or .parquet")
    groups = tuple(g.strip() for g in args.groups.split(",")) if args.groups else ()
    if args.compare_by and len(groups) != 2:
        return _fail("--compare-by needs --groups A,B (two groups)")

    from acuback.cli.django_setup import setup

    setup()
    from acuback.accounts.access import AccessError
    from acuback.audit.context import audit_context
    from acuback.cli.django_setup import active_user
    from acuback.cli.jsonio import write_json
    from acuback.cohort import selectors
    from acuback.cohort.filters import parse_filter
    from acuback.errors import InputError

    user = active_user(args.user)
    if user is None:
        return _fail(f"no active user {args.user!r}")
    raw = {k: getattr(args, k) for k in ("opened_from", "opened_to", "practitioner",
                                         "protocol", "startback", "chronicity")}
    with audit_context("cli"):
        try:
            filters = parse_filter(raw)
            if args.compare_by:
                result = selectors.cohort_compare(
                    actor=user, filters=filters, by=args.compare_by,
                    groups=(groups[0], groups[1]), instrument=args.instrument,
                    responder_drop=args.responder_drop).as_dict()
            else:
                result = selectors.cohort_report(actor=user, filters=filters).as_dict()
            if args.export is not None:
                from acuback.cohort.export import cohort_export

                result["export"] = cohort_export(actor=user, filters=filters,
                                                 path=args.export).as_dict()
        except InputError as exc:
            return _fail(exc.message)
        except AccessError as exc:
            return _fail(str(exc) or "not allowed")
    write_json(result)
    return 0
