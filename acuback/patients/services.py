"""Writes to the patient record. Each validates, writes and audits in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from acuback.accounts.access import AccessError, Forbidden, NotFound, membership_of
from acuback.accounts.models import CLINICAL_ROLES, STAFF_ROLES, Role, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.errors import ConflictError, InputError
from acuback.patients import search
from acuback.patients.consent import VERSIONS as CONSENT_VERSIONS
from acuback.patients.models import (
    Consent,
    HealthHistory,
    ImplantedDevice,
    Patient,
    PatientSearchTerm,
    Sex,
)


@dataclass
class PatientInput:
    given_name: str
    family_name: str
    date_of_birth: dt.date
    sex: str
    email: str = ""
    phone: str = ""
    address: str = ""
    practitioner_id: int | None = None


@dataclass
class HealthInput:
    pregnant: bool = False
    pregnancy_weeks: int | None = None
    anticoagulant: bool = False
    bleeding_disorder: bool = False
    implanted_device: str = ImplantedDevice.NONE
    needle_phobia: bool = False
    immunosuppressed: bool = False
    diabetes: bool = False
    epilepsy: bool = False
    metal_allergy: bool = False
    skin_conditions: str = ""
    skin_lesion_regions: list[str] = field(default_factory=list)
    medications: str = ""


def _today() -> dt.date:
    return timezone.localdate()


def _validate_patient(data: PatientInput, clinic_id: int) -> None:
    errors: dict[str, list[str]] = {}
    if not data.given_name.strip():
        errors["given_name"] = ["Enter the patient's given name."]
    if not data.family_name.strip():
        errors["family_name"] = ["Enter the patient's family name."]
    if data.date_of_birth > _today():
        errors["date_of_birth"] = ["Date of birth cannot be in the future."]
    elif data.date_of_birth < dt.date(1900, 1, 1):
        errors["date_of_birth"] = ["Date of birth must be after 1900."]
    if data.sex not in Sex.values:
        errors["sex"] = [f"Choose one of: {', '.join(Sex.values)}."]
    if data.practitioner_id is not None and not User.objects.filter(
        pk=data.practitioner_id,
        membership__clinic_id=clinic_id,
        membership__role__in=[Role.PRACTITIONER, Role.OWNER],
    ).exists():
        errors["practitioner_id"] = ["Choose a practitioner of this clinic."]
    if errors:
        raise InputError(errors)


def _validate_health(data: HealthInput) -> None:
    from acuback.clinical.regions import BODY_REGIONS

    errors: dict[str, list[str]] = {}
    if data.pregnancy_weeks is not None and not data.pregnant:
        errors["pregnancy_weeks"] = ["Weeks of pregnancy only apply when the patient is pregnant."]
    if data.pregnancy_weeks is not None and not 0 <= data.pregnancy_weeks <= 45:
        errors["pregnancy_weeks"] = ["Weeks of pregnancy must be between 0 and 45."]
    if data.implanted_device not in ImplantedDevice.values:
        errors["implanted_device"] = [f"Choose one of: {', '.join(ImplantedDevice.values)}."]
    unknown = [r for r in data.skin_lesion_regions if r not in BODY_REGIONS]
    if unknown:
        errors["skin_lesion_regions"] = [f"Unknown body region: {', '.join(unknown)}."]
    if errors:
        raise InputError(errors)


def _require_role(
    actor: User, roles: frozenset[str], *, action: str, object_type: str, object_id: object = "",
    patient: Patient | None = None,
) -> int:
    """The actor's clinic, or an audited refusal: NotFound for another clinic's patient,
    Forbidden for a role that may not. Call it before the write's transaction opens: a refusal
    raised inside it would roll its own audit entry back."""
    membership = membership_of(actor)
    clinic_id = membership.clinic_id if membership is not None else None
    if patient is not None and patient.clinic_id != clinic_id:
        refusal: AccessError = NotFound("patient not found")
    elif membership is None or membership.role not in roles:
        refusal = Forbidden("this role may not change patient records")
    else:
        return membership.clinic_id
    audit_record(
        actor=actor, action=action, object_type=object_type, object_id=object_id,
        outcome=Outcome.NOT_FOUND if isinstance(refusal, NotFound) else Outcome.DENIED,
        detail={"patient": patient.pk} if patient is not None else None,
    )
    raise refusal


def patient_create(*, actor: User, data: PatientInput) -> Patient:
    clinic_id = _require_role(actor, STAFF_ROLES, action=Action.CREATE, object_type="patient")
    with transaction.atomic():
        return _patient_create(actor, data, clinic_id)


def _patient_create(actor: User, data: PatientInput, clinic_id: int) -> Patient:
    _validate_patient(data, clinic_id)
    patient = Patient.objects.create(clinic_id=clinic_id, **_patient_fields(data))
    HealthHistory.objects.create(patient=patient)
    _index(patient)
    audit_record(
        actor=actor, action=Action.CREATE, object_type="patient", object_id=patient.pk,
        outcome=Outcome.OK, clinic_id=clinic_id,
    )
    return patient


def _patient_fields(data: PatientInput) -> dict[str, Any]:
    values = {f.name: getattr(data, f.name) for f in fields(data)}
    values["given_name"] = values["given_name"].strip()
    values["family_name"] = values["family_name"].strip()
    return values


def patient_update(*, actor: User, patient: Patient, data: PatientInput, version: int) -> Patient:
    """Update demographics. `version` is the one the editor read: a stale one is refused."""
    clinic_id = _require_role(actor, STAFF_ROLES, action=Action.UPDATE, object_type="patient",
                              object_id=patient.pk, patient=patient)
    with transaction.atomic():
        return _patient_update(actor, patient, data, version, clinic_id)


def _patient_update(
    actor: User, patient: Patient, data: PatientInput, version: int, clinic_id: int
) -> Patient:
    _validate_patient(data, clinic_id)
    values = _patient_fields(data)
    changed = sorted(k for k, v in values.items() if getattr(patient, k) != v)
    updated = Patient.objects.filter(pk=patient.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )
    if not updated:
        raise ConflictError("This patient was changed by someone else; reload and try again.")
    audit_record(
        actor=actor, action=Action.UPDATE, object_type="patient", object_id=patient.pk,
        outcome=Outcome.OK, clinic_id=clinic_id, detail={"fields": changed},
    )
    patient.refresh_from_db()
    if set(changed) & SEARCHED_FIELDS:
        _index(patient)
    return patient


# What a patient is found by (acuback.patients.search): a change to any of these re-indexes.
SEARCHED_FIELDS = {"given_name", "family_name", "phone", "email"}


def _index(patient: Patient) -> None:
    """Rewrite the patient's search terms, in the write's own transaction."""
    PatientSearchTerm.objects.filter(patient=patient).delete()
    PatientSearchTerm.objects.bulk_create(search_rows(patient))


def search_rows(patient: Patient) -> list[PatientSearchTerm]:
    found = search.terms(patient.given_name, patient.family_name, patient.phone, patient.email)
    return [PatientSearchTerm(clinic_id=patient.clinic_id, patient_id=patient.pk, kind=kind,
                              term=term) for kind, term in sorted(found)]


def health_history_update(*, actor: User, patient: Patient, data: HealthInput) -> HealthHistory:
    clinic_id = _require_role(actor, CLINICAL_ROLES, action=Action.UPDATE,
                              object_type="health_history", object_id=patient.pk, patient=patient)
    with transaction.atomic():
        return _health_history_update(actor, patient, data, clinic_id)


def _health_history_update(
    actor: User, patient: Patient, data: HealthInput, clinic_id: int
) -> HealthHistory:
    _validate_health(data)
    health, _ = HealthHistory.objects.select_for_update().get_or_create(patient=patient)
    changed = []
    for f in fields(data):
        value = getattr(data, f.name)
        if getattr(health, f.name) != value:
            changed.append(f.name)
            setattr(health, f.name, value)
    health.save()
    audit_record(
        actor=actor, action=Action.UPDATE, object_type="health_history", object_id=patient.pk,
        outcome=Outcome.OK, clinic_id=clinic_id, detail={"fields": changed},
    )
    return health


def consent_record(
    *, actor: User, patient: Patient, given_on: dt.date, witness: str = "",
    text_version: str | None = None,
) -> Consent:
    clinic_id = _require_role(actor, STAFF_ROLES, action=Action.CREATE, object_type="consent",
                              patient=patient)
    with transaction.atomic():
        return _consent_record(actor, patient, given_on, witness, text_version, clinic_id)


def _consent_record(
    actor: User, patient: Patient, given_on: dt.date, witness: str, text_version: str | None,
    clinic_id: int,
) -> Consent:
    from acuback.patients.consent import CURRENT_VERSION

    version = text_version or CURRENT_VERSION
    errors: dict[str, list[str]] = {}
    if version not in CONSENT_VERSIONS:
        errors["text_version"] = [f"Unknown consent text {version!r}."]
    if given_on > _today():
        errors["given_on"] = ["Consent cannot be dated in the future."]
    if errors:
        raise InputError(errors)
    consent = Consent.objects.create(
        patient=patient, text_version=version, given_on=given_on, witness=witness.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor, action=Action.CREATE, object_type="consent", object_id=consent.pk,
        outcome=Outcome.OK, clinic_id=clinic_id, detail={"patient": patient.pk},
    )
    return consent
