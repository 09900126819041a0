"""An episode of care is two resources: the EpisodeOfCare (the care, its period and status) and
the Condition it treats (the back pain: ICD-10-CM code, region, side, onset).

What FHIR has no element for (side, radiation, suspected cause, surgery or pregnancy
association, acuback's own status) travels in acuback extensions, so a round trip loses nothing.
"""

from __future__ import annotations

from acuback.clinical import icd10
from acuback.episodes.models import Episode, EpisodeStatus, Region
from acuback.interop.resources.common import (
    CODE_SYSTEM,
    ICD10CM,
    SNOMED,
    US_CORE,
    Identities,
    Json,
    Kind,
    coding,
    concept,
    day,
    extension,
    reference,
    without_empty,
)

REGION_SYSTEM = f"{CODE_SYSTEM}/back-region"
CLINICAL_STATUS = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION_STATUS = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
DIAGNOSIS_ROLE = "http://terminology.hl7.org/CodeSystem/diagnosis-role"
# DOMAIN.md 2.2: SNOMED CT 161891005 is the back pain finding (preferred term "Backache").
SNOMED_BACK_PAIN = coding(SNOMED, "161891005", "Backache")

# FHIR EpisodeOfCare.status for acuback's statuses; acuback's own travels in an extension.
EPISODE_STATUS = {
    EpisodeStatus.ACTIVE: "active",
    EpisodeStatus.DISCHARGED: "finished",
    EpisodeStatus.REFERRED_OUT: "finished",
}

EXT_STATUS = "episode-status"
EXT_SIDE = "pain-side"
EXT_RADIATION = "pain-radiation"
EXT_CAUSE = "suspected-cause"
EXT_SURGERY = "surgery-associated"
EXT_PREGNANCY = "pregnancy-associated"


def episode_of_care(row: Episode, ids: Identities) -> Json:
    return without_empty({
        "resourceType": "EpisodeOfCare",
        "id": str(row.pk),
        "extension": [extension(EXT_STATUS, "Code", row.status)],
        "identifier": ids.identifiers(Kind.EPISODE, row.clinic_id, row.pk),
        "status": EPISODE_STATUS[EpisodeStatus(row.status)],
        "diagnosis": [{
            "condition": reference("Condition", row.pk),
            "role": concept(DIAGNOSIS_ROLE, "CC", "Chief complaint"),
            "rank": 1,
        }],
        "patient": reference("Patient", row.patient_id),
        "managingOrganization": reference("Organization", row.clinic_id),
        "period": without_empty({"start": day(row.opened_on), "end": day(row.closed_on)}),
    })


def condition(row: Episode, ids: Identities) -> Json:
    extensions = [
        extension(EXT_SIDE, "Code", row.side),
        extension(EXT_RADIATION, "Code", row.radiation),
        extension(EXT_SURGERY, "Boolean", row.surgery_associated),
        extension(EXT_PREGNANCY, "Boolean", row.pregnancy_associated),
    ]
    if row.suspected_cause:
        extensions.append(extension(EXT_CAUSE, "String", row.suspected_cause))
    known = icd10.code_list().codes.get(row.icd10_code)
    icd = {"system": ICD10CM, "version": row.icd10_version, "code": row.icd10_code}
    if known is not None:
        icd["display"] = known.title
    clinical = "active" if row.status == EpisodeStatus.ACTIVE else "inactive"
    return without_empty({
        "resourceType": "Condition",
        "id": str(row.pk),
        "meta": {"profile": [f"{US_CORE}/us-core-condition-problems-health-concerns"]},
        "extension": extensions,
        "identifier": ids.identifiers(Kind.EPISODE, row.clinic_id, row.pk),
        "clinicalStatus": concept(CLINICAL_STATUS, clinical),
        "verificationStatus": concept(VERIFICATION_STATUS, "confirmed"),
        "category": [concept(CONDITION_CATEGORY, "problem-list-item", "Problem List Item")],
        "code": {"coding": [without_empty(icd), SNOMED_BACK_PAIN],
                 "text": known.title if known else row.icd10_code},
        "bodySite": [concept(REGION_SYSTEM, row.region, Region(row.region).label)],
        "subject": reference("Patient", row.patient_id),
        "onsetDateTime": day(row.onset_date),
        "recordedDate": day(row.opened_on),
    })
