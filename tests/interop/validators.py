"""Independent FHIR R4 validators, because none checks everything:

1. the official R4 JSON Schema (tests/interop/schema, CC0), with `jsonschema`;
2. `fhir.resources` (its R4B models: R4B keeps R4's shape for every type acuback writes);
3. FHIR.js (npm `fhir` 4.12.0, run with node): structure and value-set codes;
4. FHIRPath invariants from the R4 specification, evaluated with `fhirpathpy`.

`problems(resources)` answers, per resource, every message any of them raised (empty = valid).
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import fhirpathpy
import jsonschema
from fhir.resources.R4B import get_fhir_model_class
from fhirpathpy.models import models as fhirpath_models
from pydantic import ValidationError

from tests.conftest import require_service

HERE = Path(__file__).parent
FHIRJS = HERE / "fhirjs"
Json = dict[str, Any]

# (resource type or "*", key, FHIRPath expression that must be true), from the R4 (4.0.1)
# specification's constraint tables. "*" applies to every DomainResource.
INVARIANTS: list[tuple[str, str, str]] = [
    ("*", "dom-2", "contained.contained.empty()"),
    ("*", "dom-4", "contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()"),
    # ext-1 with value[x] spelt out for the value types acuback writes (fhirpathpy does not
    # resolve the choice type below descendants()).
    ("*", "ext-1", "(extension | descendants().extension).all(extension.exists() != "
                   "(valueCode | valueString | valueBoolean | valueInteger | valueDecimal | "
                   "valueReference | valueCoding | valueDate | valueDateTime).exists())"),
    ("*", "ref-1", "descendants().where(reference.exists()).all(reference.startsWith('#')"
                   ".not() or (reference.substring(1) in %resource.contained.id))"),
    ("*", "per-1", "descendants().where(start.exists() and end.exists()).all(start <= end)"),
    ("Observation", "obs-6", "dataAbsentReason.empty() or value.empty()"),
    ("Observation", "obs-7", "value.empty() or component.code.where(coding.intersect("
                             "%resource.code.coding).exists()).empty()"),
    ("Condition", "con-3", "clinicalStatus.exists() or verificationStatus.coding.where("
                           "system='http://terminology.hl7.org/CodeSystem/condition-ver-status'"
                           " and code = 'entered-in-error').exists() or "
                           "category.select($this='problem-list-item').empty()"),
    ("Condition", "con-4", "abatement.empty() or clinicalStatus.coding.where(system="
                           "'http://terminology.hl7.org/CodeSystem/condition-clinical' and "
                           "(code='resolved' or code='remission' or code='inactive')).exists()"),
    ("Condition", "con-5", "verificationStatus.coding.where(system="
                           "'http://terminology.hl7.org/CodeSystem/condition-ver-status' and "
                           "code='entered-in-error').empty() or clinicalStatus.empty()"),
    ("QuestionnaireResponse", "qrs-1", "item.all((answer.exists() and item.exists()).not())"),
    ("Patient", "pat-1", "contact.all(name.exists() or telecom.exists() or address.exists() "
                         "or organization.exists())"),
    ("Practitioner", "ele-name", "name.all(family.exists() or given.exists() or text.exists())"),
    ("CodeSystem", "csd-1", "concept.code.combine(%resource.concept.descendants().concept.code)"
                            ".isDistinct()"),
    ("Bundle", "bdl-1", "total.empty() or (type = 'searchset') or (type = 'history')"),
    ("Bundle", "bdl-2", "entry.search.empty() or (type = 'searchset')"),
    ("Bundle", "bdl-8", "entry.all(fullUrl.contains('/_history/').not())"),
    ("OperationOutcome", "issue", "issue.exists()"),
]


# Resources that are not DomainResources, so the "*" invariants do not apply to them (a
# Bundle's entry may refer to its own contained resources, "#goal-1", which ref-1 would look
# for in the Bundle).
NOT_DOMAIN_RESOURCES = {"Bundle", "Binary", "Parameters"}


@cache
def _schema() -> dict[str, Any]:
    with gzip.open(HERE / "schema" / "fhir.schema.json.gz", "rt", encoding="utf-8") as f:
        return json.load(f)


@cache
def _schema_validator(resource_type: str) -> jsonschema.Draft6Validator:
    schema = {"$ref": f"#/definitions/{resource_type}", "definitions": _schema()["definitions"]}
    return jsonschema.Draft6Validator(schema)


def schema_problems(resource: Json) -> list[str]:
    validator = _schema_validator(resource["resourceType"])
    return [f"schema: {e.json_path}: {e.message}" for e in validator.iter_errors(resource)]


def model_problems(resource: Json) -> list[str]:
    try:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    except ValidationError as exc:
        return [f"fhir.resources: {'.'.join(map(str, e['loc']))}: {e['msg']}"
                for e in exc.errors()]
    return []


@cache
def _compiled(expression: str) -> Any:
    return fhirpathpy.compile(expression, fhirpath_models["r4"])


def invariant_problems(resource: Json) -> list[str]:
    found = []
    for applies, key, expression in INVARIANTS:
        if applies not in ("*", resource["resourceType"]):
            continue
        if applies == "*" and resource["resourceType"] in NOT_DOMAIN_RESOURCES:
            continue  # its entries are validated as resources of their own
        if _compiled(expression)(resource, {"resource": resource}) != [True]:
            found.append(f"invariant {key} fails: {expression}")
    return found


def fhirjs_available() -> bool:
    return shutil.which("node") is not None and (FHIRJS / "node_modules" / "fhir").is_dir()


def fhirjs_problems(resources: list[Json]) -> list[list[str]]:
    require_service(fhirjs_available(), "node with FHIR.js (run `make fhirjs`)")
    done = subprocess.run(  # noqa: S603 - our own script, our own data
        [shutil.which("node") or "node", str(FHIRJS / "validate.js")],
        input=json.dumps(resources), capture_output=True, text=True, check=True, cwd=FHIRJS,
    )
    return [[f"FHIR.js: {m}" for m in messages] for messages in json.loads(done.stdout)]


def problems(resources: list[Json]) -> dict[str, list[str]]:
    """'Type/id' (or the index) -> every validator's messages, for resources with any."""
    by_fhirjs = fhirjs_problems(resources)
    found: dict[str, list[str]] = {}
    for index, resource in enumerate(resources):
        messages = [*schema_problems(resource), *model_problems(resource),
                    *invariant_problems(resource), *by_fhirjs[index]]
        if messages:
            found[f"{resource['resourceType']}/{resource.get('id', index)}"] = messages
    return found
