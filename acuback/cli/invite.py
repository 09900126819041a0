"""`acuback invite USERNAME --email E --clinic SLUG [--role R] ...`: invite someone to a clinic.

The way to start a new clinic without a superuser: with --clinic-name the clinic is created if
its slug is new, and the first owner is invited. The invitation link is e-mailed (see
ACUBACK_EMAIL_URL) and printed here; its address is ACUBACK_SITE_URL. The invitee chooses their
own password through it. Later colleagues are best invited by an owner on the staff pages.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from acuback.accounts.models import Clinic, User


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="acuback invite", description=__doc__)
    parser.add_argument("username")
    parser.add_argument("--email", required=True)
    parser.add_argument("--clinic", required=True, metavar="SLUG")
    parser.add_argument("--clinic-name", help="create the clinic with this name if it is new")
    parser.add_argument("--role", default="owner",
                        choices=["owner", "practitioner", "front_desk"])
    parser.add_argument("--first-name", default="")
    parser.add_argument("--last-name", default="")
    args = parser.parse_args(argv)

    from acuback.cli.django_setup import migrate, setup

    setup()
    migrate()
    from django.conf import settings
    from django.db import transaction

    from acuback.audit.context import audit_context
    from acuback.errors import InputError

    try:
        with audit_context("cli"), transaction.atomic():
            clinic, user = _invite(args)
    except InputError as exc:  # raised inside the transaction: a new clinic is not kept
        print(f"acuback invite: {exc.message}", file=sys.stderr)
        return 2
    from acuback.accounts.links import link_path

    print(f"acuback invite: {user.username} ({args.role}, {clinic.name}) is invited; the link "
          f"went to {user.email}:\n{settings.SITE_URL.rstrip('/')}{link_path(user)}")
    return 0


def _invite(args: argparse.Namespace) -> tuple[Clinic, User]:
    from django.conf import settings

    from acuback.accounts.models import Clinic
    from acuback.accounts.staff import Invitee, account_invite
    from acuback.audit.models import Action, Outcome
    from acuback.audit.services import audit_record
    from acuback.errors import InputError

    clinic = Clinic.objects.filter(slug=args.clinic).first()
    if clinic is None and args.clinic_name:
        clinic = Clinic.objects.create(slug=args.clinic, name=args.clinic_name)
        audit_record(actor=None, action=Action.CREATE, object_type="clinic",
                     object_id=clinic.pk, outcome=Outcome.OK, clinic_id=clinic.pk,
                     detail={"slug": clinic.slug, "name": clinic.name})
    if clinic is None:
        raise InputError(f"no clinic {args.clinic!r} (give --clinic-name to create it)")
    invitee = Invitee(username=args.username, email=args.email, role=args.role,
                      first_name=args.first_name, last_name=args.last_name)
    user = account_invite(clinic=clinic, invitee=invitee, actor=None, base_url=settings.SITE_URL)
    return clinic, user
