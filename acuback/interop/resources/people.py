"""Patient, Practitioner, PractitionerRole, Organization."""

from __future__ import annotations

from acuback.accounts.models import CLINICAL_ROLES, Clinic, Membership, User
from acuback.interop.resources.common import (
    CODE_SYSTEM,
    NPI,
    SID,
    US_CORE,
    Identities,
    Json,
    Kind,
    concept,
    fhir_text,
    reference,
    without_empty,
)
from acuback.patients.models import Patient

ROLE_SYSTEM = f"{CODE_SYSTEM}/clinic-role"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"


def patient(row: Patient, ids: Identities) -> Json:
    telecom = [{"system": "phone", "value": row.phone}] if row.phone else []
    if row.email:
        telecom.append({"system": "email", "value": row.email})
    return without_empty({
        "resourceType": "Patient",
        "id": str(row.pk),
        "meta": {"profile": [f"{US_CORE}/us-core-patient"]},
        "identifier": ids.identifiers(Kind.PATIENT, row.clinic_id, row.pk),
        "active": True,
        "name": [{"use": "official", "family": fhir_text(row.family_name),
                  "given": [fhir_text(row.given_name)]}],
        "telecom": telecom,
        # acuback's Sex values are FHIR's AdministrativeGender codes (patients.models.Sex).
        "gender": row.sex,
        "birthDate": row.date_of_birth.isoformat(),
        "address": [{"text": fhir_text(row.address)}] if row.address else [],
        "generalPractitioner": [reference("Practitioner", row.practitioner_id)]
        if row.practitioner_id else [],
        "managingOrganization": reference("Organization", row.clinic_id),
    })


def is_practitioner(membership: Membership | None) -> bool:
    return membership is not None and membership.role in CLINICAL_ROLES


def practitioner(user: User, clinic_slug: str) -> Json:
    profile = getattr(user, "practitioner", None)
    identifiers = []
    if profile is not None and profile.npi:
        identifiers.append({"system": NPI, "value": profile.npi})
    identifiers.append({"system": f"{SID}/{clinic_slug}/practitioner", "value": str(user.pk)})
    name = {"family": user.last_name, "given": [user.first_name] if user.first_name else []}
    qualification = []
    if profile is not None and profile.licence_number:
        state = profile.licence_state or "unknown"
        qualification.append({
            "identifier": [{"system": f"{SID}/licence/{state}", "value": profile.licence_number}],
            "code": {"text": profile.credentials or "Licensed practitioner"},
        })
    return without_empty({
        "resourceType": "Practitioner",
        "id": str(user.pk),
        "meta": {"profile": [f"{US_CORE}/us-core-practitioner"]},
        "identifier": identifiers,
        "active": user.is_active,
        "name": [without_empty(name) if user.last_name else {"text": user.get_username()}],
        "qualification": qualification,
    })


def practitioner_role(membership: Membership) -> Json:
    return {
        "resourceType": "PractitionerRole",
        # One membership per user: the role shares the practitioner's id.
        "id": str(membership.user_id),
        "active": membership.user.is_active,
        "practitioner": reference("Practitioner", membership.user_id),
        "organization": reference("Organization", membership.clinic_id),
        "code": [concept(ROLE_SYSTEM, membership.role, membership.get_role_display())],
    }


def organization(clinic: Clinic) -> Json:
    return {
        "resourceType": "Organization",
        "id": str(clinic.pk),
        "identifier": [{"system": f"{SID}/clinic", "value": clinic.slug}],
        "active": True,
        "type": [concept(ORGANIZATION_TYPE, "prov", "Healthcare Provider")],
        "name": clinic.name,
    }
