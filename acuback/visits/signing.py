"""Signing a visit, and amending it afterwards.

Signing asks for the practitioner's password again (the login's lockout and audit), refuses
while the needle counts differ without a recorded reason, stores the CPT lines with their rule
version, and fixes the content hash. A reason that leaves open whether a needle is still in the
patient files a "retained needle" adverse event in the same transaction.

After signing, the record changes only by amendments (CMS Program Integrity Manual, ch. 3,
3.3.2.5: an amendment is clearly identified as such, dated, signed by its author, and keeps the
original readable): an addendum, a late entry (with when it happened), a correction (of one
part, with the corrected text) or "entered in error" (the whole visit, with why). Each is a new
row pointing at the visit; the visit's row is never updated again.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from acuback.accounts.models import User
from acuback.accounts.services import reauthenticate
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.billing.claims import claim_lines_on_amendment, claim_lines_on_sign
from acuback.clinical.needles import REASONS, NeedleCheck, needle_check
from acuback.cohort.summaries import refresh_episode_summary
from acuback.errors import ConflictError, InputError
from acuback.visits.access import is_in_error, require_author, require_clinician, require_draft
from acuback.visits.adverse import AdverseEventInput, adverse_event_write
from acuback.visits.content import amendment_hash, visit_hash
from acuback.visits.inputs import TEXT_MAX
from acuback.visits.models import (
    AdverseEventType,
    AeOutcome,
    Amendment,
    AmendmentKind,
    Causality,
    Reporter,
    Severity,
    Visit,
    VisitStatus,
)
from acuback.visits.services import visit_cpt, write_versioned

# The parts of a visit a correction may replace, with their names in words.
SECTIONS: dict[str, str] = {
    "subjective": "Subjective", "objective": "Objective", "assessment": "Assessment",
    "plan_note": "Plan", "next_visit": "Next-visit plan", "points": "Points needled",
    "needles": "Needle count", "pain": "Pain scores", "mobility": "Mobility",
    "painkillers": "Painkillers", "times": "Times and minutes", "adjuncts": "Adjuncts",
}


def visit_needle_check(visit: Visit) -> NeedleCheck:
    return needle_check(visit.needles_in, visit.needles_out, visit.needle_mismatch_reason,
                        visit.needle_mismatch_note)


def visit_sign(*, actor: User, visit: Visit, password: str, version: int,
               request: HttpRequest | None = None) -> Visit:
    """Sign the draft as it stood at `version`; then it is locked. A wrong password is an
    InputError on `password`, counted towards the login lockout (with `request`, a session
    that locks the account is logged out)."""
    require_author(actor, visit)
    require_draft(actor, visit)
    reauthenticate(user=actor, password=password, purpose="sign visit", request=request)
    return sign_checked(actor=actor, visit=visit, version=version, attested="password")


def sign_checked(*, actor: User, visit: Visit, version: int, attested: str) -> Visit:
    """Everything signing does once the signer is confirmed: the needle count, the lock, the
    hash, the audit entry (which names how the signer was confirmed: `attested`). Only
    `visit_sign` (password asked again) and the demo's synthetic records (`attested="demo"`,
    acuback.visits.demo) call it."""
    require_author(actor, visit)
    require_draft(actor, visit)
    check = visit_needle_check(visit)
    if check.problem:
        audit_record(actor=actor, action=Action.UPDATE, object_type="visit", object_id=visit.pk,
                     outcome=Outcome.INVALID, clinic_id=visit.clinic_id,
                     detail={"sign": "refused", "why": "needle count"})
        raise InputError({"needles": [check.problem]})
    with transaction.atomic():
        return _sign(actor, visit, version, check, attested)


def _sign(actor: User, visit: Visit, version: int, check: NeedleCheck,
          attested: str) -> Visit:
    now = timezone.now()
    cpt = visit_cpt(visit)
    write_versioned(visit, version, {
        "signed_at": now, "signed_by": actor, "ended_at": visit.ended_at or now,
        "cpt": cpt.to_dict(), "cpt_rule_version": cpt.rule_version})
    # The row as stored now; its points and painkillers are those `visit` was read with,
    # unchanged since: any change to them bumps the version the write above just checked.
    signed = Visit.objects.select_related("episode__patient", "practitioner",
                                          "signed_by").get(pk=visit.pk)
    points, painkillers = list(visit.points.all()), list(visit.painkillers.all())
    content_hash = visit_hash(signed, points, painkillers)
    Visit.objects.filter(pk=visit.pk, status=VisitStatus.DRAFT).update(
        status=VisitStatus.SIGNED, content_hash=content_hash)
    if check.may_be_retained:
        _file_retained_needle(actor, signed, check)
    refresh_episode_summary(visit.episode_id)  # the cohort report's treatments and events
    audit_record(actor=actor, action=Action.UPDATE, object_type="visit", object_id=visit.pk,
                 outcome=Outcome.OK, clinic_id=visit.clinic_id,
                 detail={"sign": "signed", "hash": content_hash, "cpt": cpt.to_dict()["lines"],
                         "needles": [check.inserted, check.removed], "attested": attested})
    signed.status, signed.content_hash = VisitStatus.SIGNED, content_hash  # as just stored
    claim_lines_on_sign(signed, actor)  # billing: the lines of the signed content, same transaction
    return signed  # its points, painkillers and amendments are read when asked for


def _file_retained_needle(actor: User, visit: Visit, check: NeedleCheck) -> None:
    assert check.reason is not None
    missing = check.inserted - check.removed
    data = AdverseEventInput(
        kind=AdverseEventType.RETAINED_NEEDLE, severity=Severity.MILD, serious=False,
        causality=Causality.POSSIBLE, onset_at=visit.ended_at or timezone.now(),
        reporter=Reporter.PRACTITIONER, outcome=AeOutcome.UNKNOWN,
        action="Check the patient for a needle left in; ask them to look and to call.",
        description=(f"Signed with {check.inserted} needles in and {check.removed} out "
                     f"({missing} unaccounted for). {REASONS[check.reason].words}. "
                     f"{visit.needle_mismatch_note}").strip(),
    )
    lots = sorted({p.lot for p in visit.points.all() if p.lot})
    adverse_event_write(actor, visit, data, [], lots, from_needle_count=True)


def visit_amend(
    *, actor: User, visit: Visit, kind: str, reason: str, text: str = "", section: str = "",
    refers_to: dt.datetime | None = None,
) -> Amendment:
    """Add an amendment under the actor's name. Any practitioner or owner of the clinic may
    add one; "entered in error" also applies to a draft started by mistake."""
    require_clinician(actor, clinic_id=visit.clinic_id, what="amendment",
                      detail={"visit": visit.pk})
    check_amendment(visit, kind, reason, text, section, refers_to)
    with transaction.atomic():
        amendment = add_amendment(actor, visit, Amendment(
            kind=kind, section=section, text=text.strip(), reason=reason.strip(),
            refers_to=refers_to, author=actor, at=timezone.now()))
        claim_lines_on_amendment(amendment, actor)  # a correction re-derives, in error withdraws
    return amendment


def add_amendment(actor: User, visit: Visit, amendment: Amendment) -> Amendment:
    """Store a checked amendment (its author and time set), chained to the visit's hash, and
    audit it; callers hold the transaction."""
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    if is_in_error(locked):
        raise ConflictError("This visit is already marked entered in error.")
    amendment.visit = locked
    amendment.content_hash = amendment_hash(amendment, locked.content_hash)
    amendment.save()
    refresh_episode_summary(locked.episode_id)  # entered in error: out of the cohort's counts
    audit_record(actor=actor, action=Action.CREATE, object_type="amendment",
                 object_id=amendment.pk, outcome=Outcome.OK, clinic_id=visit.clinic_id,
                 detail={"visit": visit.pk, "kind": amendment.kind, "section": amendment.section,
                         **({} if amendment.author_id == actor.pk
                            else {"author": amendment.author_id})})
    return amendment


def check_amendment(visit: Visit, kind: str, reason: str, text: str, section: str,
                     refers_to: dt.datetime | None) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in AmendmentKind.values:
        errors["kind"] = [f"Choose one of: {', '.join(AmendmentKind.values)}."]
    elif kind != AmendmentKind.ENTERED_IN_ERROR and not visit.is_signed:
        errors["kind"] = ["The visit is still a draft: change it directly, then sign it."]
    if not reason.strip():
        errors["reason"] = ["Say why you are amending the signed record."]
    if kind != AmendmentKind.ENTERED_IN_ERROR and not text.strip():
        errors["text"] = ["Write the addition or the corrected text."]
    if len(text) > TEXT_MAX or len(reason) > TEXT_MAX:
        errors["text"] = [f"Keep this under {TEXT_MAX} characters."]
    if kind == AmendmentKind.CORRECTION and section not in SECTIONS:
        errors["section"] = [f"Say which part you correct: {', '.join(SECTIONS)}."]
    if kind == AmendmentKind.LATE_ENTRY:
        if refers_to is None:
            errors["refers_to"] = ["Say when what you are entering late happened."]
        elif refers_to > timezone.now():
            errors["refers_to"] = ["A late entry tells of something that already happened."]
    if errors:
        raise InputError(errors)
