"""Adverse events of a visit: record one, follow it up (action, outcome), or mark it entered in
error. An event is its own record beside the visit, so it can be reported after the visit is
signed (a patient calling about a bruise the next day); it is never deleted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from acuback.accounts.models import User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.cohort.summaries import refresh_episode_summary
from acuback.errors import ConflictError, InputError
from acuback.visits.access import StaleVersion, require_clinician
from acuback.visits.inputs import CLOCK_SKEW, TEXT_MAX
from acuback.visits.models import (
    AdverseEvent,
    AdverseEventType,
    AeOutcome,
    Causality,
    Reporter,
    Severity,
    Visit,
)


@dataclass(frozen=True)
class AdverseEventInput:
    kind: str
    severity: str
    serious: bool
    causality: str
    onset_at: dt.datetime
    reporter: str = Reporter.PRACTITIONER
    action: str = ""
    outcome: str = AeOutcome.UNKNOWN
    description: str = ""
    points: list[str] = field(default_factory=list)  # labels of the visit's points
    lots: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FollowUp:
    action: str
    outcome: str
    severity: str
    serious: bool


def _check_choices(data: AdverseEventInput | FollowUp, errors: dict[str, list[str]]) -> None:
    pairs: list[tuple[str, type]] = [("severity", Severity), ("outcome", AeOutcome)]
    if isinstance(data, AdverseEventInput):
        pairs += [("kind", AdverseEventType), ("causality", Causality), ("reporter", Reporter)]
    for name, choices in pairs:
        if getattr(data, name) not in choices.values:  # type: ignore[attr-defined]
            errors[name] = [f"Choose one of: {', '.join(choices.values)}."]  # type: ignore[attr-defined]
    if not isinstance(data.serious, bool):
        errors["serious"] = ["Say whether the event is serious (yes or no)."]
    if len(data.action) > TEXT_MAX:
        errors["action"] = [f"Keep this under {TEXT_MAX} characters."]


def check_event(visit: Visit, data: AdverseEventInput) -> tuple[list[str], list[str]]:
    errors: dict[str, list[str]] = {}
    _check_choices(data, errors)
    if data.onset_at > timezone.now() + CLOCK_SKEW:
        errors["onset_at"] = ["The onset cannot be in the future."]
    elif data.onset_at < visit.started_at - CLOCK_SKEW:
        errors["onset_at"] = ["An event of this visit cannot begin before the visit did."]
    labels = {p.label: p for p in visit.points.all()}
    unknown = sorted(set(data.points) - set(labels))
    if unknown:
        errors["points"] = [f"Not points of this visit: {', '.join(unknown)}."]
    lots_of_points = {labels[p].lot for p in data.points if p in labels and labels[p].lot}
    known_lots = {p.lot for p in labels.values() if p.lot}
    strange = sorted(set(data.lots) - known_lots)
    if strange:
        errors["lots"] = [f"No needle of this visit came from lot(s) {', '.join(strange)}."]
    if errors:
        raise InputError(errors)
    return sorted(set(data.points)), sorted(lots_of_points | set(data.lots))


def adverse_event_record(*, actor: User, visit: Visit, data: AdverseEventInput) -> AdverseEvent:
    """File an adverse event against a visit, its points and their needle lots."""
    require_clinician(actor, clinic_id=visit.clinic_id, what="adverse_event",
                      detail={"visit": visit.pk})
    points, lots = check_event(visit, data)
    with transaction.atomic():
        return adverse_event_write(actor, visit, data, points, lots)


def adverse_event_write(actor: User, visit: Visit, data: AdverseEventInput, points: list[str],
                        lots: list[str], *, from_needle_count: bool = False,
                        recorded_by: User | None = None,
                        recorded_at: dt.datetime | None = None) -> AdverseEvent:
    """The insert and its audit entry; callers hold the transaction and have checked input.
    Recorded by the actor now, unless an import names who recorded it and when."""
    event = AdverseEvent.objects.create(
        clinic_id=visit.clinic_id, episode_id=visit.episode_id, visit=visit, kind=data.kind,
        severity=data.severity, serious=data.serious, causality=data.causality,
        onset_at=data.onset_at, action=data.action.strip(), outcome=data.outcome,
        reporter=data.reporter, description=data.description.strip(), points=points, lots=lots,
        from_needle_count=from_needle_count, recorded_by=recorded_by or actor,
        recorded_at=recorded_at or timezone.now(),
    )
    refresh_episode_summary(visit.episode_id)  # the cohort report's adverse events
    audit_record(actor=actor, action=Action.CREATE, object_type="adverse_event",
                 object_id=event.pk, outcome=Outcome.OK, clinic_id=visit.clinic_id,
                 detail={"visit": visit.pk, "kind": event.kind, "severity": event.severity,
                         "serious": event.serious, "from_needle_count": from_needle_count})
    return event


def adverse_event_follow_up(*, actor: User, event: AdverseEvent, data: FollowUp,
                            version: int) -> AdverseEvent:
    """Record what was done and how it ended; the audit entry keeps the values it replaced."""
    require_clinician(actor, clinic_id=event.clinic_id, what="adverse_event",
                      action=Action.UPDATE, object_id=event.pk)
    errors: dict[str, list[str]] = {}
    _check_choices(data, errors)
    if event.in_error_at is not None:
        errors["__all__"] = ["This event is marked entered in error."]
    if errors:
        raise InputError(errors)
    fields = {"action": data.action.strip(), "outcome": data.outcome,
              "severity": data.severity, "serious": data.serious}
    before = {k: getattr(event, k) for k in fields if getattr(event, k) != fields[k]}
    with transaction.atomic():
        updated = AdverseEvent.objects.filter(pk=event.pk, version=version).update(
            version=F("version") + 1, **fields)
        if not updated:
            event.refresh_from_db()
            raise StaleVersion(event, "adverse event")
        refresh_episode_summary(event.episode_id)  # serious or not
        audit_record(actor=actor, action=Action.UPDATE, object_type="adverse_event",
                     object_id=event.pk, outcome=Outcome.OK, clinic_id=event.clinic_id,
                     detail={"replaced": before})
    event.refresh_from_db()
    return event


def adverse_event_mark_in_error(*, actor: User, event: AdverseEvent, reason: str) -> AdverseEvent:
    """An event recorded by mistake stays, marked so, with who, when and why."""
    require_clinician(actor, clinic_id=event.clinic_id, what="adverse_event",
                      action=Action.UPDATE, object_id=event.pk)
    if not reason.strip():
        raise InputError({"reason": ["Say why this event was entered in error."]})
    with transaction.atomic():
        updated = AdverseEvent.objects.filter(pk=event.pk, in_error_at__isnull=True).update(
            in_error_reason=reason.strip()[:TEXT_MAX], in_error_by=actor,
            in_error_at=timezone.now(), version=F("version") + 1)
        if not updated:
            raise ConflictError("This event is already marked entered in error.")
        refresh_episode_summary(event.episode_id)  # out of the counts
        audit_record(actor=actor, action=Action.UPDATE, object_type="adverse_event",
                     object_id=event.pk, outcome=Outcome.OK, clinic_id=event.clinic_id,
                     detail={"entered_in_error": reason.strip()[:500]})
    event.refresh_from_db()
    return event
