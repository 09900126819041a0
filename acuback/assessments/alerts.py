"""Reads of open safety alerts for pages that list patients or greet a clinician.

    open_alerts_sql()                     # the patient list's `open_alerts` (an int) column
    alerts_needing_attention(actor=...)   # the start page's "needs your attention today"

Only clinicians may see alerts: they are clinical content. Callers annotate only for a clinician
(`acuback.accounts.access.is_clinical`); `alerts_needing_attention` returns nothing for anyone
else. This module imports models only, so the patients app can use it without a cycle.
"""

from __future__ import annotations

from acuback.accounts.access import is_clinical, membership_of
from acuback.accounts.models import User
from acuback.assessments.models import SafetyAlert
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record

# The start page lists at most this many; more than that and the page says how many more.
ATTENTION_LIMIT = 50


def open_alerts_sql(patient: str = "p") -> str:
    """SQL counting the unacknowledged safety alerts of the patient aliased `patient` in the
    enclosing statement (the patient list's rows, acuback.patients.listing): a correlated
    subquery, one statement whatever the page size, on the (patient, acknowledged_at) index."""
    return (f"(SELECT COUNT(*) FROM {SafetyAlert._meta.db_table} sa "  # noqa: S608
            f"WHERE sa.patient_id = {patient}.id AND sa.acknowledged_at IS NULL)")


def alerts_needing_attention(*, actor: User) -> tuple[list[SafetyAlert], int]:
    """The clinic's open alerts for a clinician's start page, with the total count: the actor's
    own patients (of record) first, then the longest-waiting first. Audited when any is shown.
    Two queries whatever the number of alerts."""
    membership = membership_of(actor)
    if membership is None or not is_clinical(actor):
        return [], 0
    qs = SafetyAlert.objects.filter(clinic_id=membership.clinic_id, acknowledged_at__isnull=True)
    total = qs.count()
    if not total:
        return [], 0
    found = sorted(
        qs.select_related("patient", "raised_by", "assessment", "screening")
        .order_by("raised_at", "id")[:ATTENTION_LIMIT],
        key=lambda a: (a.patient.practitioner_id != actor.pk, a.raised_at, a.pk),
    )
    audit_record(
        actor=actor, action=Action.LIST, object_type="safety_alert", outcome=Outcome.OK,
        clinic_id=membership.clinic_id, detail={"ids": [a.pk for a in found], "open": total},
    )
    return found, total


def attention_section(actor: User) -> dict[str, object]:
    """The start page's first section (`acuback.web.start`): always shown to clinicians, so an
    empty list says plainly that nothing is waiting."""
    alerts, total = alerts_needing_attention(actor=actor)
    return {"alerts": alerts, "total": total, "more": total - len(alerts)}
