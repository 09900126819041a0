"""The one read path for patients, scoped to the actor's clinic and role, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.models import (
    CLINICAL_ROLES,
    STAFF_ROLES,
    USER_NAME_FIELDS,
    Clinic,
    Role,
    User,
)
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
from acuback.sqlrows import Columns, fetch, key, starts, table

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


_PATIENT = Columns(Patient, "p")
_PRACTITIONER = Columns(User, "d")
_LOGIN = Columns(User, "u")
_CLINIC = Columns(Clinic, "c")


def patient_get(*, actor: User, patient_id: object, what: str = "patient") -> Patient:
    """One patient's demographics; 404 for anything outside the actor's scope."""
    pk = key(patient_id)
    patient = _patient_read(actor, pk) if pk is not None else None
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


def _patient_read(actor: User, pk: int) -> Patient | None:
    """`patient_queryset(actor)`'s patient `pk` with its practitioner, login and clinic, as
    `select_related("practitioner", "user", "clinic")` reads them, in a hand-written statement:
    every chart and patient page reads it, and compiling the ORM's query cost more than
    running it."""
    membership = membership_of(actor)
    if membership is None:
        return None
    own = " AND p.user_id = %s" if membership.role == Role.PATIENT else ""
    parts = (_PATIENT, _PRACTITIONER, _LOGIN, _CLINIC)
    rows = fetch(
        f"SELECT {', '.join(c.sql() for c in parts)} FROM {table(Patient)} p "  # noqa: S608
        f"JOIN {table(Clinic)} c ON c.id = p.clinic_id "
        f"LEFT JOIN {table(User)} d ON d.id = p.practitioner_id "
        f"LEFT JOIN {table(User)} u ON u.id = p.user_id "
        "WHERE p.id = %s AND p.clinic_id = %s" + own,
        [pk, membership.clinic_id, *([actor.pk] if own else [])])
    if not rows:
        return None
    (_, _), (_, at_practitioner), (_, at_login), (_, at_clinic) = starts(parts)
    row = rows[0]
    patient = _PATIENT.build(row)
    Patient.clinic.field.set_cached_value(patient, _CLINIC.build(row, at_clinic))
    Patient.practitioner.field.set_cached_value(
        patient, _PRACTITIONER.build(row, at_practitioner) if patient.practitioner_id else None)
    # The login is the reverse side of User.patient too: set both, as select_related does.
    login = _LOGIN.build(row, at_login) if patient.user_id else None
    Patient.user.field.set_cached_value(patient, login)
    if login is not None:
        Patient.user.field.remote_field.set_cached_value(login, patient)
    return patient


def patient_get_clinical(*, actor: User, patient_id: object, what: str) -> Patient:
    """A patient whose clinical content (`what`) the actor wants: 404 outside scope, 403 for
    front desk, allowed for clinicians and for the patient themself."""
    membership = membership_of(actor)
    if membership is not None and membership.role == Role.FRONT_DESK:
        exists = patient_queryset(actor).filter(pk=key(patient_id)).exists()
        audit_record(
            actor=actor, action=Action.READ, object_type=what, object_id=patient_id,
            outcome=Outcome.DENIED if exists else Outcome.NOT_FOUND,
        )
        raise Forbidden("front desk may not see clinical content") if exists else NotFound()
    return patient_get(actor=actor, patient_id=patient_id, what=what)


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
    health = health_history_row(patient.pk)
    return health if health is not None else HealthHistory(patient=patient)


_HEALTH = Columns(HealthHistory, "h")


def health_history_row(patient_id: int) -> HealthHistory | None:
    """The health history of a patient the caller already holds from a scoped selector (a
    patient has at most one: a one-to-one), in one hand-written statement: the chart and the
    visit page read it on every open."""
    rows = fetch(f"SELECT {_HEALTH.sql()} FROM {table(HealthHistory)} h "  # noqa: S608
                 "WHERE h.patient_id = %s", [patient_id])
    return _HEALTH.build(rows[0]) if rows else None


_CONSENT = Columns(Consent, "c")
_RECORDER = Columns(User, "r", USER_NAME_FIELDS)  # of who recorded it, the name alone


def latest_consent(patient: Patient) -> Consent | None:
    """The newest consent (Consent.Meta.ordering) of a patient the caller already holds from a
    scoped selector, with who recorded it, in one hand-written statement (the chart's)."""
    rows = fetch(
        f"SELECT {_CONSENT.sql()}, {_RECORDER.sql()} FROM {table(Consent)} c "  # noqa: S608
        f"JOIN {table(User)} r ON r.id = c.recorded_by_id WHERE c.patient_id = %s "
        "ORDER BY c.given_on DESC, c.id DESC LIMIT 1", [patient.pk])
    if not rows:
        return None
    consent = _CONSENT.build(rows[0])
    Consent.recorded_by.field.set_cached_value(consent, _RECORDER.build(rows[0], _CONSENT.width))
    return consent


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
