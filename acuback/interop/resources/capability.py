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


def _resource(resource_type: str, params: list[str]) -> Json:
    resource: Json = {
        "type": resource_type,
        "interaction": [{"code": "read"}, {"code": "search-type"}],
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
