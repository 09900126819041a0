"""The CapabilityStatement /fhir/metadata answers: what this server reads, searches, exports
and imports."""

from __future__ import annotations

from acuback import __version__
from acuback.interop.resources.common import FHIR_VERSION, Json


def capability_statement(*, base_url: str, searches: dict[str, list[str]], date: str) -> Json:
    """`searches`: resource type -> its search parameters (from the live search table)."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date,
        "publisher": "acuback",
        "kind": "instance",
        "software": {"name": "acuback", "version": __version__},
        "implementation": {"description": "acuback FHIR R4 server", "url": base_url},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "instantiates": ["http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"],
        "rest": [{
            "mode": "server",
            "documentation": "Session or 'Authorization: Bearer <token>' (acuback token), as "
                             "for /api. Records outside your clinic answer 404; clinical "
                             "content answers 403 to front desk.",
            "security": {"description": "Bearer tokens from `acuback token USERNAME`."},
            "interaction": [{"code": "transaction"}],
            "operation": [
                {"name": "export",
                 "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"},
            ],
            "resource": [_resource(t, params) for t, params in searches.items()],
        }],
    }


# What each resource type holds, where one type carries several of acuback's records.
DOCUMENTATION = {
    "Encounter": (
        "A visit. Import: each Encounter, with the Procedure, Observation (visit-<id>), note, "
        "Provenance, MedicationStatements, amendments and AdverseEvents referring to it, "
        "becomes one visit; one a Provenance targets arrives signed and locked (the source's "
        "hash kept beside acuback's own seal) and is never written again by a later import. "
        "Imported visits carry meta.tag record-origin|imported."),
    "Observation": (
        "Five kinds, by id: a questionnaire score (<id>, derived from its "
        "QuestionnaireResponse), a visit's measurements (visit-<id>: pain before and after, "
        "mobility, needle counts), a red-flag screen (screening-<id>, code red-flag-screen: "
        "the decision clear/routine/urgent/emergency as its value, one component per "
        "red-flag question, yes/no as valueBoolean or not asked as dataAbsentReason "
        "not-asked; who screened in performer, the day in effectiveDateTime), each referral "
        "outcome recorded after a screen (referral-<id>, code referral-outcome, derivedFrom "
        "its screen; a physician's clearance carries its grounds in note), and the health "
        "history (health-<id>, code "
        "health-history): one component per safety question, tri-state: yes and no are "
        "values (valueBoolean; for the implanted device a code, where 'none' is the no), a "
        "question never asked has no value and dataAbsentReason not-asked, never false. "
        "Import reads it back the same way (a not-asked component stays not asked) and "
        "never writes over a health history the clinic has already taken. A screen and its "
        "referral outcomes are imported through the screening service (acuback decides "
        "from the answers; a screen with a question not asked cannot clear planning), never "
        "over an episode the clinic has already screened."),
    "DocumentReference": (
        "The visit note (visit-<id>) and each amendment (amendment-<id>, relatesTo appends "
        "or replaces the note); and an episode's PDF reports: progress-patient-<id>, "
        "progress-physician-<id>, progress-insurer-<id> and, from visit 12, "
        "reassessment-<id>, and each signed visit's superbill (superbill-<visit id>), typed in "
        "the report-kind CodeSystem. A report's "
        "content.attachment.url names its Binary; reports are drawn from the record when "
        "read, so they are not imported (the records they are drawn from are)."),
    "CarePlan": (
        "A treatment plan (plan-<id>): the course (sessions, a week, e-stim) as the first "
        "activity, each point an activity coded in the acupoint CodeSystem with its side, why "
        "and any override's reason; its goals contained as Goal resources; a revision "
        "replaces the plan before it (active: the current plan, revoked: a replaced one). "
        "Imported through the plans app as the episode's next versions in the order made, "
        "author and time as recorded; the episode needs a red-flag screen on record (a "
        "serious one cleared)."),
    "Consent": (
        "Informed consent to acupuncture (consent-<id>): the day, the consent text's version "
        "(policyRule), how it was given, the signature typed in the portal and the SHA-256 "
        "of the text signed. Imported through the same checks as a consent recorded by hand; "
        "a text version acuback does not hold, or a SHA-256 that is not that of its text, "
        "refuses the Bundle."),
    "Binary": (
        "Read only: a report's PDF, drawn when asked. Accept: application/pdf answers the PDF "
        "itself; otherwise a Binary resource with the PDF in data."),
}


def _resource(resource_type: str, params: list[str]) -> Json:
    resource: Json = {
        "type": resource_type,
        **({"documentation": DOCUMENTATION[resource_type]}
           if resource_type in DOCUMENTATION else {}),
        "interaction": [{"code": "read"}, *([{"code": "search-type"}]
                                            if resource_type != "Binary" else [])],
        "searchParam": [{"name": name, "type": _param_type(name)} for name in params],
    }
    if resource_type == "Patient":
        resource["operation"] = [
            {"name": "everything",
             "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything"},
            {"name": "export",
             "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"},
        ]
    if resource_type == "Group":
        resource["operation"] = [
            {"name": "export",
             "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export"},
        ]
    return resource


def _param_type(name: str) -> str:
    if name in ("patient", "subject"):
        return "reference"
    if name in ("_id",):
        return "token"
    if name == "identifier":
        return "token"
    if name in ("_count", "_offset"):
        return "number"
    return "date"
