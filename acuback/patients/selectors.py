"""The one read path for patients, scoped to the actor's clinic and role, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.models import CLINICAL_ROLES, STAFF_ROLES, Role, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.paging import KeysetPage, page_of
from acuback.patients import listing, search_sql
from acuback.patients import search as search_query
from acuback.patients.models import (
    Consent,
    HealthHistory,
    HealthHistoryVersion,
    Patient,
)

PAGE_SIZE = 25
COUNT_LIMIT = 1000  # a list longer than this says "more than 1,000" instead of counting


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
        patient_queryset(actor).select_related("practitioner", "user", "clinic").filter(pk=pk)
        .first()
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
    """What a staff member typed (`acuback.patients.search` says what it finds), an optional
    date of birth, and where the page starts: just after, or just before, a patient's id."""

    text: str = ""
    date_of_birth: dt.date | None = None
    after: int | None = None
    before: int | None = None


def patient_search(*, actor: User, search: PatientSearch, columns: bool = False
                   ) -> KeysetPage[Patient]:
    """One page of the clinic's patients matching the search, exact matches before those found
    despite a typo, then by name. With `columns`, each patient carries the list's columns
    (`acuback.patients.listing`), the clinical ones for clinicians only."""
    membership = membership_of(actor)
    if membership is None or membership.role not in STAFF_ROLES:
        audit_record(
            actor=actor, action=Action.LIST, object_type="patient", outcome=Outcome.DENIED
        )
        raise Forbidden("only clinic staff may list patients")
    query = search_query.parse(search.text)
    clinical = membership.role in CLINICAL_ROLES

    select = listing.row_select(listing.visible_columns(clinical=clinical) if columns else [])
    dates = [*query.dates, *([search.date_of_birth] if search.date_of_birth else [])]
    if search_sql.searchable(query):
        found = search_sql.search_rows(clinic_id=membership.clinic_id, query=query, dates=dates,
                                       size=PAGE_SIZE, select=select, after=search.after,
                                       before=search.before)
    else:  # the whole clinic, or its patients born on a date
        found = search_sql.listed_rows(clinic_id=membership.clinic_id, dates=dates,
                                       size=PAGE_SIZE, count_limit=COUNT_LIMIT, select=select,
                                       after=search.after, before=search.before)
    select.load(found.rows)
    page = page_of(found.rows, count=found.count, count_limit=COUNT_LIMIT, size=PAGE_SIZE,
                   backwards=found.continued and search.before is not None,
                   continued=found.continued)
    audit_record(
        actor=actor, action=Action.LIST, object_type="patient", outcome=Outcome.OK,
        detail={
            "text": search.text, "date_of_birth": search.date_of_birth, "after": search.after,
            "before": search.before, "ids": [p.pk for p in page.rows],
        },
    )
    return page


def consent_queryset(actor: User) -> QuerySet[Consent]:
    """The consents of the patients the actor may know exist (clinical content: the caller
    keeps front desk out, as /fhir does)."""
    return Consent.objects.filter(patient__in=patient_queryset(actor))


def health_history_queryset(actor: User) -> QuerySet[HealthHistory]:
    """The health histories of the patients the actor may know exist (clinical content: the
    caller keeps front desk out, as /fhir does)."""
    return HealthHistory.objects.filter(patient__in=patient_queryset(actor))


def health_history_get(*, actor: User, patient_id: object) -> HealthHistory:
    """The patient's health history; one never written is returned unsaved, nothing asked."""
    patient = patient_get_clinical(actor=actor, patient_id=patient_id, what="health_history")
    health = HealthHistory.objects.filter(patient=patient).first()
    return health if health is not None else HealthHistory(patient=patient)


def health_history_versions(*, actor: User, patient_id: object) -> list[HealthHistoryVersion]:
    """Every version of the patient's health history, newest first, with who wrote it."""
    patient = patient_get_clinical(actor=actor, patient_id=patient_id, what="health_history")
    return list(HealthHistoryVersion.objects.filter(history__patient=patient)
                .select_related("recorded_by"))


def health_history_of(*, actor: User, patient: Patient) -> HealthHistory:
    """The health history of a patient the actor already holds from `patient_get` (the chart),
    without reading the patient again; audited like `health_history_get`."""
    if not can_see_clinical(actor, patient):
        audit_record(actor=actor, action=Action.READ, object_type="health_history",
                     object_id=patient.pk, outcome=Outcome.DENIED)
        raise Forbidden("this role may not see the health history")
    audit_record(actor=actor, action=Action.READ, object_type="health_history",
                 object_id=patient.pk, outcome=Outcome.OK, clinic_id=patient.clinic_id)
    health = HealthHistory.objects.filter(patient=patient).first()
    return health if health is not None else HealthHistory(patient=patient)


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
