"""The owners' read of the audit trail: their clinic's entries only, and the read is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from acuback.accounts.access import Forbidden, membership_of
from acuback.accounts.models import Role, User
from acuback.audit.models import Action, AuditEntry, Outcome
from acuback.audit.services import audit_record

AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""  # username, exact but case-insensitive
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    outcome: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    page: int = 1


def _owner_clinic(actor: User) -> int:
    membership = membership_of(actor)
    if membership is None or membership.role != Role.OWNER:
        audit_record(actor=actor, action=Action.READ, object_type="audit",
                     outcome=Outcome.DENIED)
        raise Forbidden("only owners may read the audit trail")
    return membership.clinic_id


def _filtered(qs: QuerySet[AuditEntry], f: AuditFilter) -> QuerySet[AuditEntry]:
    if f.actor.strip():
        qs = qs.filter(actor_username__iexact=f.actor.strip())
    exact = {"action": f.action, "object_type": f.object_type.strip(),
             "object_id": f.object_id.strip(), "outcome": f.outcome}
    qs = qs.filter(**{name: value for name, value in exact.items() if value})
    if f.date_from:
        qs = qs.filter(at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(at__date__lte=f.date_to)
    return qs


def audit_search(*, actor: User, filters: AuditFilter) -> Page[AuditEntry]:
    """One page of the owner's clinic's trail, newest first. The entries are read before this
    read records itself, so a page never shows its own entry."""
    clinic_id = _owner_clinic(actor)
    qs = _filtered(AuditEntry.objects.filter(clinic_id=clinic_id), filters).order_by("-seq")
    page = Paginator(qs, AUDIT_PAGE_SIZE).get_page(filters.page)
    seqs = [entry.seq for entry in page.object_list]  # evaluates (and caches) the page
    detail = {k: v for k, v in asdict(filters).items() if v not in ("", None)}
    audit_record(actor=actor, action=Action.READ, object_type="audit", outcome=Outcome.OK,
                 clinic_id=clinic_id,
                 detail={**detail, "page": page.number, "seqs": seqs[:1] + seqs[-1:]})
    return page


def audit_object_types(*, actor: User) -> list[str]:
    """The kinds of object the clinic's trail mentions, for the filter's suggestions."""
    clinic_id = _owner_clinic(actor)
    types = AuditEntry.objects.filter(clinic_id=clinic_id).values_list("object_type", flat=True)
    return list(types.order_by("object_type").distinct())
