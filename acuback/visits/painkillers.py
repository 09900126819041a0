"""Painkillers recorded at intake (before any visit), and marking one entered in error.

At a visit, painkillers are part of the visit (written with it, signed with it); at intake
they belong to the episode. Rows are never deleted: a wrong one is marked entered in error,
with why, and no longer counts."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from acuback.accounts.models import User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.episodes.models import Episode
from acuback.errors import ConflictError, InputError
from acuback.visits.access import require_clinician
from acuback.visits.inputs import TEXT_MAX, PainkillerInput, check_painkillers
from acuback.visits.models import PainkillerUse
from acuback.visits.services import painkiller_row


def painkillers_record_intake(*, actor: User, episode: Episode,
                              uses: list[PainkillerInput]) -> list[PainkillerUse]:
    """The analgesics the patient took in the week before care began."""
    require_clinician(actor, clinic_id=episode.clinic_id, what="painkiller",
                      detail={"episode": episode.pk})
    errors: dict[str, list[str]] = {}
    check_painkillers(uses, errors, taken=True)
    if errors:
        raise InputError(errors)
    now = timezone.now()
    with transaction.atomic():
        rows = PainkillerUse.objects.bulk_create(
            [painkiller_row(actor, episode, None, use, now) for use in uses])
        audit_record(actor=actor, action=Action.CREATE, object_type="painkiller",
                     outcome=Outcome.OK, clinic_id=episode.clinic_id,
                     detail={"episode": episode.pk, "drugs": [r.drug for r in rows]})
    return list(PainkillerUse.objects.filter(pk__in=[r.pk for r in rows]))


def painkiller_mark_in_error(*, actor: User, use: PainkillerUse, reason: str) -> PainkillerUse:
    """An intake row entered by mistake; a visit's rows are corrected by amending the visit."""
    require_clinician(actor, clinic_id=use.clinic_id, what="painkiller", action=Action.UPDATE,
                      object_id=use.pk)
    if use.visit_id is not None:
        raise ConflictError("This painkiller belongs to a visit: correct it on the visit.")
    if not reason.strip():
        raise InputError({"reason": ["Say why this entry is wrong."]})
    with transaction.atomic():
        updated = PainkillerUse.objects.filter(pk=use.pk, in_error_at__isnull=True).update(
            in_error_reason=reason.strip()[:TEXT_MAX], in_error_by=actor,
            in_error_at=timezone.now())
        if not updated:
            raise ConflictError("This entry is already marked entered in error.")
        audit_record(actor=actor, action=Action.UPDATE, object_type="painkiller",
                     object_id=use.pk, outcome=Outcome.OK, clinic_id=use.clinic_id,
                     detail={"entered_in_error": reason.strip()[:500]})
    use.refresh_from_db()
    return use
