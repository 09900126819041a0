"""Independent FHIR R4 validators, because none checks everything:

1. the official R4 JSON Schema (tests/interop/schema, CC0), with `jsonschema_rs`;
2. `fhir.resources` (its R4B models: R4B keeps R4's shape for every type acuback writes);
3. FHIR.js (npm `fhir` 4.12.0, run with node): structure and value-set codes;
4. FHIRPath invariants from the R4 specification, evaluated with `fhirpathpy`.

`problems(resources)` answers, per resource, every message any of them raised (empty = valid).
"""

from __future__ import annotations

import atexit
import gzip
import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import fhirpathpy
import jsonschema_rs
from fhir.resources.R4B import get_fhir_model_class
from fhirpathpy.engine.nodes import ResourceNode
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
    # ref-1 as member navigation: the same references as descendants().where(reference.exists())
    # without evaluating a filter on every node of the resource (six times faster).
    ("*", "ref-1", "descendants().reference.all(startsWith('#').not() or "
                   "(substring(1) in %resource.contained.id))"),
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


# Invariants of data types, on every element of the type wherever it occurs in a resource (the
# R4 data types' constraint tables): (key, how an element of the type is found, FHIRPath on the
# element, the type it is evaluated as). Written over the resource, descendants().where(...)
# evaluates its filter on each of a resource's ~200 nodes, which was most of the demo test's
# time; walking the JSON finds the same elements, and an element that recurs (the same
# extension on every visit) is evaluated once.
ELEMENT_INVARIANTS: list[tuple[str, str, str, str]] = [
    # ext-1 with value[x] spelt out for the value types acuback writes (fhirpathpy does not
    # resolve the choice type of an element taken out of its resource).
    ("ext-1", "every item of an extension or modifierExtension list",
     "extension.exists() != (valueCode | valueString | valueBoolean | valueInteger | "
     "valueDecimal | valueReference | valueCoding | valueDate | valueDateTime).exists()",
     "Extension"),
    # Every element below the resource with a start and an end (as
    # descendants().where(start.exists() and end.exists()) selected).
    ("per-1", "every object below the resource with a start and an end", "start <= end",
     "Period"),
]


def _extensions(node: Any) -> Iterator[Json]:
    """Every Extension in `node`, at any depth (FHIRPath `extension | descendants().extension`,
    and modifierExtension)."""
    if isinstance(node, list):
        for item in node:
            yield from _extensions(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("extension", "modifierExtension") and isinstance(value, list):
                yield from (item for item in value if isinstance(item, dict))
            yield from _extensions(value)


def _periods(node: Any, root: bool = True) -> Iterator[Json]:
    """Every object below the root with both a start and an end."""
    if isinstance(node, list):
        for item in node:
            yield from _periods(item, root=False)
    elif isinstance(node, dict):
        if not root and "start" in node and "end" in node:
            yield node
        for value in node.values():
            yield from _periods(value, root=False)


ELEMENTS: dict[str, Callable[[Json], Iterator[Json]]] = {"ext-1": _extensions,
                                                         "per-1": _periods}


@cache
def _element_holds(expression: str, element_type: str, element: str) -> bool:
    node = ResourceNode.create_node(json.loads(element), element_type)
    return bool(_compiled(expression)(node, {}) == [True])


# Resources that are not DomainResources, so the "*" invariants do not apply to them (a
# Bundle's entry may refer to its own contained resources, "#goal-1", which ref-1 would look
# for in the Bundle).
NOT_DOMAIN_RESOURCES = {"Bundle", "Binary", "Parameters"}


@cache
def _schema() -> dict[str, Any]:
    with gzip.open(HERE / "schema" / "fhir.schema.json.gz", "rt", encoding="utf-8") as f:
        return json.load(f)


@cache
def _schema_validator(resource_type: str) -> jsonschema_rs.Draft6Validator:
    definitions = dict(_schema()["definitions"])
    # Medplum's own (non-R4) types in the file refer to a "Resource" and an "integer64" it does
    # not define; jsonschema_rs resolves every reference when it compiles, so they are given
    # what R4 means by them (acuback writes none of those types).
    definitions.setdefault("Resource", {"$ref": "#/definitions/ResourceList"})
    definitions.setdefault("integer64", {"$ref": "#/definitions/string"})
    schema = {"$ref": f"#/definitions/{resource_type}", "definitions": definitions}
    return jsonschema_rs.Draft6Validator(schema)


def schema_problems(resource: Json) -> list[str]:
    """The schema's errors, by jsonschema_rs (the same Draft 6 checks as the pure-Python
    `jsonschema`, ten times faster: 36 s of the demo test's validation went to it)."""
    validator = _schema_validator(resource["resourceType"])
    return [f"schema: {'.'.join(map(str, ['$', *e.instance_path]))}: {e.message}"
            for e in validator.iter_errors(resource)]


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
    if resource["resourceType"] in NOT_DOMAIN_RESOURCES:
        return found
    for key, _, expression, element_type in ELEMENT_INVARIANTS:
        for element in ELEMENTS[key](resource):
            if not _element_holds(expression, element_type, json.dumps(element, sort_keys=True)):
                found.append(f"invariant {key} fails on {json.dumps(element)}: {expression}")
    return found


def fhirjs_available() -> bool:
    return shutil.which("node") is not None and (FHIRJS / "node_modules" / "fhir").is_dir()


@cache
def _fhirjs() -> subprocess.Popen[str]:
    """One node process running validate.js for the whole test run, a line per batch."""
    node = subprocess.Popen(  # noqa: S603 - our own script, our own data
        [shutil.which("node") or "node", str(FHIRJS / "validate.js")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", cwd=FHIRJS,
    )
    atexit.register(_stop, node)
    return node


def _stop(node: subprocess.Popen[str]) -> None:
    if node.stdin:
        node.stdin.close()
    node.wait(timeout=10)


def fhirjs_problems(resources: list[Json]) -> list[list[str]]:
    require_service(fhirjs_available(), "node with FHIR.js (run `make fhirjs`)")
    node = _fhirjs()
    assert node.stdin and node.stdout
    node.stdin.write(json.dumps(resources) + "\n")  # ASCII JSON: one line
    node.stdin.flush()
    answer = node.stdout.readline()
    if not answer:
        raise RuntimeError(f"FHIR.js stopped (exit status {node.wait()})")
    return [[f"FHIR.js: {m}" for m in messages] for messages in json.loads(answer)]


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
