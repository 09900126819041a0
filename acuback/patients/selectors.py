"""The one read path for patients, scoped to the actor's clinic and role, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import CharField, Func, Q, QuerySet

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.models import CLINICAL_ROLES, STAFF_ROLES, Role, User
from acuback.assessments.alerts import annotate_open_alerts
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.patients.models import HealthHistory, Patient

PAGE_SIZE = 25


def patient_queryset(actor: User) -> QuerySet[Patient]:
    """Every patient this actor may know exists: their clinic's, or for a patient, themself."""
    membership = membership_of(actor)
    if membership is None:
        return Patient.objects.none()
    qs = Patient.objects.filter(clinic_id=membership.clinic_id)
    if membership.role == Role.PATIENT:
        qs = qs.filter(user=actor)
    return qs


def patient_get(*, actor: User, patient_id: object, what: str = "patient") -> Patient:
    """One patient's demographics; 404 for anything outside the actor's scope."""
    try:
        pk = int(str(patient_id))
    except ValueError:
        pk = None
    patient = (
        patient_queryset(actor).select_related("practitioner").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if patient is None:
        audit_record(
            actor=actor, action=Action.READ, object_type=what, object_id=patient_id,
            outcome=Outcome.NOT_FOUND,
        )
        raise NotFound("patient not found")
    audit_record(
        actor=actor, action=Action.READ, object_type=what, object_id=patient.pk,
        outcome=Outcome.OK, clinic_id=patient.clinic_id,
    )
    return patient


def patient_get_clinical(*, actor: User, patient_id: object, what: str) -> Patient:
    """A patient whose clinical content (`what`) the actor wants: 404 outside scope, 403 for
    front desk, allowed for clinicians and for the patient themself."""
    membership = membership_of(actor)
    if membership is not None and membership.role == Role.FRONT_DESK:
        exists = patient_queryset(actor).filter(pk=_as_int(patient_id)).exists()
        audit_record(
            actor=actor, action=Action.READ, object_type=what, object_id=patient_id,
            outcome=Outcome.DENIED if exists else Outcome.NOT_FOUND,
        )
        raise Forbidden("front desk may not see clinical content") if exists else NotFound()
    return patient_get(actor=actor, patient_id=patient_id, what=what)


def _as_int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def can_see_clinical(actor: User, patient: Patient) -> bool:
    membership = membership_of(actor)
    if membership is None or membership.clinic_id != patient.clinic_id:
        return False
    if membership.role in CLINICAL_ROLES:
        return True
    return membership.role == Role.PATIENT and patient.user_id == actor.pk


def can_edit_demographics(actor: User) -> bool:
    membership = membership_of(actor)
    return membership is not None and membership.role in STAFF_ROLES


@dataclass(frozen=True)
class PatientSearch:
    text: str = ""
    date_of_birth: dt.date | None = None
    page: int = 1


def patient_search(*, actor: User, search: PatientSearch) -> Page[Patient]:
    membership = membership_of(actor)
    if membership is None or membership.role not in STAFF_ROLES:
        audit_record(
            actor=actor, action=Action.LIST, object_type="patient", outcome=Outcome.DENIED
        )
        raise Forbidden("only clinic staff may list patients")
    qs = _name_filter(patient_queryset(actor).select_related("practitioner"), search.text)
    if membership.role in CLINICAL_ROLES:  # alerts are clinical: front desk sees no badge
        qs = annotate_open_alerts(qs)
    if search.date_of_birth:
        qs = qs.filter(date_of_birth=search.date_of_birth)
    page = Paginator(qs, PAGE_SIZE).get_page(search.page)
    audit_record(
        actor=actor, action=Action.LIST, object_type="patient", outcome=Outcome.OK,
        detail={
            "text": search.text, "date_of_birth": search.date_of_birth, "page": page.number,
            "ids": [p.pk for p in page.object_list],
        },
    )
    return page


class _Casefold(Func):
    function = "acuback_casefold"
    output_field = CharField()


def _name_filter(qs: QuerySet[Patient], text: str) -> QuerySet[Patient]:
    """Every word must occur in the given or family name, ignoring case.

    PostgreSQL's icontains (UPPER ... LIKE) folds every alphabet; SQLite's LIKE and LOWER fold
    ASCII only, so "émile" would never find "Émile". There we fold in Python instead.
    """
    words = text.split()
    if not words:
        return qs
    if connection.vendor != "sqlite":
        for word in words:
            qs = qs.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
        return qs
    connection.ensure_connection()
    connection.connection.create_function(
        "acuback_casefold", 1, lambda v: v.casefold() if v else v, deterministic=True
    )
    qs = qs.annotate(given_fold=_Casefold("given_name"), family_fold=_Casefold("family_name"))
    for word in words:
        folded = word.casefold()
        qs = qs.filter(Q(given_fold__contains=folded) | Q(family_fold__contains=folded))
    return qs


def health_history_get(*, actor: User, patient_id: object) -> HealthHistory:
    patient = patient_get_clinical(actor=actor, patient_id=patient_id, what="health_history")
    health, _ = HealthHistory.objects.get_or_create(patient=patient)
    return health


RECENT_LIMIT = 5


def patients_recent(*, actor: User, limit: int = RECENT_LIMIT) -> list[Patient]:
    """The clinic's most recently registered patients (demographics), for staff; audited."""
    if not can_edit_demographics(actor):
        return []
    found = list(patient_queryset(actor).order_by("-created_at", "-id")[:limit])
    audit_record(
        actor=actor, action=Action.LIST, object_type="patient", outcome=Outcome.OK,
        detail={"recent": True, "ids": [p.pk for p in found]},
    )
    return found


def find_section(actor: User) -> dict[str, object]:
    """The start page's "find a patient" section (`acuback.web.start`)."""
    return {"recent": patients_recent(actor=actor)}
