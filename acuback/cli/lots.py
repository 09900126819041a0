"""`acuback lots find LOT`: every visit that used a needle of LOT, as a JSON array of
{visit_id, date, patient_id, practitioner}, oldest first; an unknown lot prints []. For a
maker's recall: it reads every clinic on this installation (`--clinic SLUG` for one)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="acuback lots", description=__doc__)
    sub = parser.add_subparsers(dest="action", required=True)
    find = sub.add_parser("find", help="the visits that used a needle lot")
    find.add_argument("lot")
    find.add_argument("--clinic", help="only this clinic (its slug)")
    args = parser.parse_args(argv)

    from acuback.cli.django_setup import setup

    setup()
    from acuback.accounts.models import Clinic
    from acuback.audit.context import audit_context
    from acuback.audit.models import Action, Outcome
    from acuback.audit.services import audit_record
    from acuback.cli.jsonio import write_json
    from acuback.visits.selectors import lot_uses

    clinic_id = None
    if args.clinic:
        clinic = Clinic.objects.filter(slug=args.clinic).first()
        if clinic is None:
            print(f"acuback lots: no clinic {args.clinic!r}", file=sys.stderr)
            return 2
        clinic_id = clinic.pk
    uses = lot_uses(args.lot, clinic_id)
    with audit_context("cli"):
        audit_record(actor=None, action=Action.EXPORT, object_type="lot_recall",
                     outcome=Outcome.OK, clinic_id=clinic_id,
                     detail={"lot": args.lot[:60], "visits": [u.visit_id for u in uses]})
    write_json([u.to_dict() for u in uses])
    return 0
