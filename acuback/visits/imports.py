"""Importing visits charted in another system: one service call per visit, the same checks,
lock and audit as any other write.

Each record names the other system's id for the visit (`external_id`). Importing it the first
time starts a draft and writes it; importing it again rewrites that draft, so the same file
imported twice creates nothing twice; once the visit is signed, its import is refused like any
other write to a signed visit (it changes only by amendments).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from acuback.accounts.access import membership_of
from acuback.accounts.models import CLINICAL_ROLES, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical.needles import needle_check
from acuback.cohort.summaries import refresh_episode_summary
from acuback.episodes.models import Episode
from acuback.errors import InputError
from acuback.plans.selectors import plan_proposal
from acuback.screening.selectors import clinical_episode_get
from acuback.visits.access import require_clinician, require_draft, require_needling_allowed
from acuback.visits.adverse import AdverseEventInput, adverse_event_write, check_event
from acuback.visits.content import visit_hash
from acuback.visits.inputs import CLOCK_SKEW, TEXT_MAX, VisitInput, check_visit
from acuback.visits.models import AdverseEvent, Amendment, StartedFrom, Visit, VisitStatus
from acuback.visits.services import (
    insert_draft,
    visit_reload,
    visit_start,
    visit_update,
    write_draft,
    write_versioned,
)
from acuback.visits.signing import add_amendment, check_amendment


@dataclass(frozen=True)
class Imported:
    visit: Visit
    created: bool


def visit_import(*, actor: User, episode_id: int, external_id: str,
                 data: VisitInput) -> Imported:
    external_id = external_id.strip()
    if not external_id or len(external_id) > 100:
        raise InputError({"external_id": ["Give the visit's id in the other system "
                                          "(1-100 characters)."]})
    episode = clinical_episode_get(actor=actor, episode_id=episode_id, what="visit",
                                   action=Action.CREATE)
    existing = Visit.objects.filter(clinic_id=episode.clinic_id,
                                    external_id=external_id).first()
    if existing is not None and existing.episode_id != episode.pk:
        raise InputError({"episode_id": [f"Visit {external_id} was imported into another "
                                         "episode."]})
    if existing is not None:
        require_draft(actor, existing)  # audited here, outside the import's transaction
    with transaction.atomic():  # a record refused half-way leaves no empty draft behind
        visit = existing or visit_start(actor=actor, episode=episode, source=StartedFrom.BLANK,
                                        started_at=data.started_at, room=data.room,
                                        external_id=external_id)
        visit = visit_update(actor=actor, visit=visit, data=data, version=visit.version)
    return Imported(visit, existing is None)


# --- visits as another system recorded them (FHIR) -------------------------------------------


@dataclass(frozen=True)
class SourceSignature:
    """How the source system says a visit was signed."""

    signed_at: dt.datetime
    signer: User  # the clinician of this clinic with the signer's NPI, else the importing user
    source_hash: str = ""  # the SHA-256 the source sealed (hex); kept, never checked here
    source_signer: str = ""  # who signed at the source, when no clinician here has the NPI


@dataclass(frozen=True)
class Recorded:
    visit: Visit
    cautions: dict[str, list[str]]  # what the patient's safety view now says against it


def visit_record_imported(*, actor: User, episode: Episode, practitioner: User,
                          data: VisitInput, signature: SourceSignature | None) -> Recorded:
    """A visit that already happened elsewhere, recorded through the same checks, write and
    audit as a visit charted here (`write_draft`): the practitioner's (matched by NPI, else the
    importing user's), marked imported; with `signature`, signed as the source signed it and
    locked at once, sealed by our own hash over what is stored. The episode's screen gates it
    like any needling, though the episode may have closed since (`recorded_needling_status`).
    What the patient's safety view now says against its points is returned as cautions (and
    audited), not refused: the visit happened. Claim lines are not derived: the source billed
    its own visits."""
    require_clinician(actor, clinic_id=episode.clinic_id, what="visit",
                      detail={"episode": episode.pk, "import": True})
    for person in {practitioner, *([signature.signer] if signature else [])}:
        membership = membership_of(person)
        if membership is None or membership.clinic_id != episode.clinic_id or (
                membership.role not in CLINICAL_ROLES):
            raise InputError({"practitioner": ["Not a clinician of this clinic."]})
    require_needling_allowed(actor, episode, recorded=True)
    if data.started_at is None:
        raise InputError({"started_at": ["Say when the visit started."]})
    checked = check_visit(data, plan_proposal(episode, pattern=None, estim_requested=True),
                          data.started_at, recorded=True)
    if signature is not None:
        check = needle_check(data.needles_in, data.needles_out, data.needle_mismatch_reason,
                             data.needle_mismatch_note)
        if check.problem:  # the rule signing has here holds for a signature made elsewhere
            raise InputError({"needles": [check.problem]})
    with transaction.atomic():
        visit = insert_draft(actor, episode, StartedFrom.BLANK, None, None, [], {},
                             data.room.strip()[:40], data.started_at, practitioner=practitioner,
                             imported_at=timezone.now())
        visit = write_draft(actor, visit, checked, visit.version)
        if signature is not None:
            visit = _seal(actor, visit, signature)
        if checked.cautions:
            audit_record(actor=actor, action=Action.CREATE, object_type="visit",
                         object_id=visit.pk, outcome=Outcome.OK, clinic_id=visit.clinic_id,
                         detail={"import": "cautions", "cautions": checked.cautions})
    return Recorded(visit, checked.cautions)


def _seal(actor: User, visit: Visit, signature: SourceSignature) -> Visit:
    write_versioned(visit, visit.version, {
        "signed_at": signature.signed_at, "signed_by": signature.signer,
        "ended_at": visit.ended_at or signature.signed_at,
        "imported_hash": signature.source_hash, "imported_signer": signature.source_signer[:200]})
    points, painkillers = list(visit.points.all()), list(visit.painkillers.all())
    stored = Visit.objects.get(pk=visit.pk)
    content_hash = visit_hash(stored, points, painkillers)
    Visit.objects.filter(pk=visit.pk, status=VisitStatus.DRAFT).update(
        status=VisitStatus.SIGNED, content_hash=content_hash)
    audit_record(actor=actor, action=Action.UPDATE, object_type="visit", object_id=visit.pk,
                 outcome=Outcome.OK, clinic_id=visit.clinic_id,
                 detail={"sign": "imported", "hash": content_hash,
                         "source_hash": signature.source_hash, "signed_by": signature.signer.pk,
                         "source_signer": signature.source_signer, "attested": "import"})
    return visit_reload(visit)


def amendment_record_imported(*, actor: User, visit: Visit, kind: str, reason: str, text: str,
                              section: str, refers_to: dt.datetime | None, author: User,
                              at: dt.datetime) -> Amendment:
    """An amendment made elsewhere, with its own author (matched by NPI, else the importing
    user) and time; the same checks and hash chain as `visit_amend`, no claim-line change."""
    require_clinician(actor, clinic_id=visit.clinic_id, what="amendment",
                      detail={"visit": visit.pk, "import": True})
    check_amendment(visit, kind, reason, text, section, refers_to)
    if at > timezone.now() + CLOCK_SKEW:
        raise InputError({"at": ["An amendment cannot be dated in the future."]})
    with transaction.atomic():
        return add_amendment(actor, visit, Amendment(
            kind=kind, section=section, text=text.strip(), reason=reason.strip(),
            refers_to=refers_to, author=author, at=at))


def adverse_event_record_imported(*, actor: User, visit: Visit, data: AdverseEventInput,
                                  recorded_by: User, recorded_at: dt.datetime,
                                  from_needle_count: bool, in_error_reason: str = ""
                                  ) -> AdverseEvent:
    """An adverse event recorded elsewhere, keeping who recorded it and when; the same checks
    as `adverse_event_record`."""
    require_clinician(actor, clinic_id=visit.clinic_id, what="adverse_event",
                      detail={"visit": visit.pk, "import": True})
    points, lots = check_event(visit, data)
    with transaction.atomic():
        event = adverse_event_write(actor, visit, data, points, lots,
                                    from_needle_count=from_needle_count,
                                    recorded_by=recorded_by, recorded_at=recorded_at)
        if in_error_reason.strip():
            AdverseEvent.objects.filter(pk=event.pk).update(
                in_error_reason=in_error_reason.strip()[:TEXT_MAX], in_error_by=actor,
                in_error_at=timezone.now())
            refresh_episode_summary(event.episode_id)  # imported as entered in error
            event.refresh_from_db()
    return event
