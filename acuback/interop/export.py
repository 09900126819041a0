"""Bulk export: every resource the actor may see, one NDJSON file per resource type (the FHIR
Bulk Data Access file format). The HTTP `$export` operation and `acuback export DIR` both call
`export_write`; each row is read once, in primary-key order, through the scoped querysets.

Audit: one EXPORT entry per export (with its counts), not one per resource: a registry export
of millions of resources would otherwise be millions of chained entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from acuback.accounts.access import Forbidden, membership_of
from acuback.accounts.models import CLINICAL_ROLES, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.errors import InputError
from acuback.interop import repository
from acuback.interop.resources.common import Identities, Json
from acuback.interop.sources import PATIENT_COMPARTMENT, RESOURCE_TYPES, Source, sources_for

NDJSON = "application/fhir+ndjson"
OUTPUT_FORMATS = {NDJSON, "application/ndjson", "ndjson"}
# Exported at system level beside the patient data: who treats, and the questionnaires the
# responses answer.
SYSTEM_TYPES = (*PATIENT_COMPARTMENT, "Organization", "Practitioner", "PractitionerRole",
                "Questionnaire")
Progress = Callable[[str, int], None]
CHUNK = 2000


@dataclass(frozen=True)
class ExportRequest:
    types: tuple[str, ...]
    since: dt.datetime | None = None
    patient_ids: tuple[int, ...] | None = None  # a group's members; None = the whole clinic

    @property
    def level(self) -> str:
        return "system" if self.patient_ids is None else "patient"


def export_request(*, types: str = "", since: str = "", patient_ids: list[int] | None = None,
                   output_format: str = "") -> ExportRequest:
    """Check the kick-off parameters (`_type`, `_since`, `_outputFormat`); InputError names
    the bad one."""
    allowed = SYSTEM_TYPES if patient_ids is None else PATIENT_COMPARTMENT
    errors: dict[str, list[str]] = {}
    wanted = tuple(t.strip() for t in types.split(",") if t.strip()) or allowed
    unknown = [t for t in wanted if t not in allowed]
    if unknown:
        errors["_type"] = [f"cannot export {', '.join(unknown)} here; choose from "
                           f"{', '.join(allowed)}."]
    when = None
    if since:
        try:
            when = dt.datetime.fromisoformat(since.replace("Z", "+00:00"))
        except ValueError:
            errors["_since"] = ["give an instant with its time zone, e.g. 2026-01-31T00:00:00Z."]
        else:
            if when.tzinfo is None:
                errors["_since"] = ["give the instant with its time zone."]
    if output_format and output_format not in OUTPUT_FORMATS:
        errors["_outputFormat"] = [f"acuback writes {NDJSON} only."]
    if errors:
        raise InputError(errors)
    return ExportRequest(wanted, when, tuple(patient_ids) if patient_ids is not None else None)


def require_exporter(actor: User) -> int:
    """Bulk export is clinical content of many patients: owners and practitioners only."""
    membership = membership_of(actor)
    if membership is None or membership.role not in CLINICAL_ROLES:
        audit_record(actor=actor, action=Action.EXPORT, object_type="bulk_export",
                     outcome=Outcome.DENIED)
        raise Forbidden("only owners and practitioners may export records in bulk")
    return membership.clinic_id


def _groups(types: tuple[str, ...]) -> list[tuple[Source | str, ...]]:
    """Sources read from one table in one pass: an episode is an EpisodeOfCare and a
    Condition, an assessment a QuestionnaireResponse and an Observation, a visit an
    Encounter, a Procedure, an Observation and a DocumentReference."""
    groups: dict[str, list[Source | str]] = {}
    for resource_type in types:
        if resource_type not in RESOURCE_TYPES:
            groups[resource_type] = [resource_type]
            continue
        for source in sources_for(resource_type):
            groups.setdefault(source.table, []).append(source)
    return [tuple(group) for group in groups.values()]


def _rows(actor: User, request: ExportRequest, source: Source) -> Iterator[Any]:
    qs = source.rows(actor)
    if request.patient_ids is not None:
        qs = qs.filter(**{f"{source.patient_field}__in": request.patient_ids})
    if request.since is not None:
        qs = qs.filter(**{f"{source.since_field}__gt": request.since})
    return qs.iterator(chunk_size=CHUNK)


def _resources(actor: User, request: ExportRequest, group: tuple[Source | str, ...],
               ids: Identities) -> Iterator[tuple[str, Json]]:
    """(type, resource) for a group of sources, each row read once."""
    first = group[0]
    if isinstance(first, str):
        for resource in repository.directory(actor, first):
            yield first, resource
        return
    sources = [s for s in group if isinstance(s, Source)]
    for row in _rows(actor, request, first):
        for source in sources:
            resource = source.render(row, ids)
            if resource is not None:
                yield source.resource_type, resource


def export_write(*, actor: User, request: ExportRequest, directory: Path,
                 progress: Progress | None = None, job_id: str = "") -> list[Json]:
    """Write `<Type>.ndjson` files into `directory`; answer [{type, count, file}] for the types
    that had resources (the Bulk Data manifest lists no empty files)."""
    clinic_id = require_exporter(actor)
    directory.mkdir(parents=True, exist_ok=True)
    for resource_type in request.types:  # files are appended to, source by source
        (directory / f"{resource_type}.ndjson").unlink(missing_ok=True)
    ids = Identities.load([clinic_id])
    counts = dict.fromkeys(request.types, 0)
    for group in _groups(request.types):
        with ExitStack() as files:
            names = dict.fromkeys(g if isinstance(g, str) else g.resource_type for g in group)
            out = {t: files.enter_context((directory / f"{t}.ndjson").open("ab"))
                   for t in names}
            pending = 0
            for resource_type, resource in _resources(actor, request, group, ids):
                # orjson: UTF-8 JSON several times faster than json.dumps, a third of the cost.
                out[resource_type].write(orjson.dumps(resource, option=orjson.OPT_APPEND_NEWLINE))
                counts[resource_type] += 1
                pending += 1
                if progress is not None and pending == 1000:
                    progress(resource_type, pending)
                    pending = 0
            if progress is not None:
                progress(next(iter(names)), pending)
    written = []
    for resource_type, count in counts.items():
        if count:
            written.append({"type": resource_type, "count": count,
                            "file": f"{resource_type}.ndjson"})
        else:
            (directory / f"{resource_type}.ndjson").unlink(missing_ok=True)
    audit_record(actor=actor, action=Action.EXPORT, object_type="bulk_export", object_id=job_id,
                 outcome=Outcome.OK, clinic_id=clinic_id,
                 detail={"format": "fhir-r4-ndjson", "level": request.level,
                         "since": request.since, "patients": request.patient_ids,
                         "counts": {w["type"]: w["count"] for w in written}})
    return written


def export_size(actor: User, request: ExportRequest) -> int:
    """How many resources the export will write (for a progress bar)."""
    total = 0
    for group in _groups(request.types):
        first = group[0]
        if isinstance(first, str):
            total += len(repository.directory(actor, first))
            continue
        qs = first.queryset(actor).filter(**first.where)
        if request.patient_ids is not None:
            qs = qs.filter(**{f"{first.patient_field}__in": request.patient_ids})
        if request.since is not None:
            qs = qs.filter(**{f"{first.since_field}__gt": request.since})
        total += qs.count() * len(group)
    return total
