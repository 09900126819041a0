"""The one way /fhir reads: every resource read, search and $everything passes here, scoped to
the actor through the apps' selectors and audited the way every other endpoint is.

Rules (the same as /api): another clinic's records are not found (404); front desk sees
demographics (Patient) but no clinical content (403); a patient sees only their own record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.models import CLINICAL_ROLES, Clinic, Membership, Role, User
from acuback.assessments import fhir as assessment_fhir
from acuback.assessments.selectors import assessment_get
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical import instruments
from acuback.episodes.selectors import episode_get
from acuback.interop import search
from acuback.interop.resources import people
from acuback.interop.resources.common import Json
from acuback.interop.resources.terminology import CODE_SYSTEMS
from acuback.interop.sources import (
    PATIENT_COMPARTMENT,
    Source,
    render_rows,
    source_of,
    sources_for,
)
from acuback.interop.sources import (
    RESOURCE_TYPES as RECORD_TYPES,
)
from acuback.patients.selectors import patient_get, patient_get_clinical

# Resource types that are not patient data: the clinic, its people, its vocabularies.
DIRECTORY_TYPES = ("Organization", "Practitioner", "PractitionerRole", "Group",
                   "CodeSystem", "Questionnaire")
RESOURCE_TYPES = (*RECORD_TYPES, *DIRECTORY_TYPES)


@dataclass(frozen=True)
class Found:
    resources: list[Json]
    total: int
    page: search.Page


def _member(actor: User) -> Membership:
    membership = membership_of(actor)
    if membership is None:
        raise NotFound("not a member of a clinic")
    return membership


# --- read ----------------------------------------------------------------------------------


def read(*, actor: User, resource_type: str, resource_id: str) -> Json:
    if resource_type in RECORD_TYPES:
        found = source_of(resource_type, resource_id)
        if found is not None:
            return _read_record(actor, found[0], found[1])
    if resource_type in DIRECTORY_TYPES:
        listed = [r for r in directory(actor, resource_type) if r["id"] == resource_id]
        if listed:
            return listed[0]
    audit_record(actor=actor, action=Action.READ, object_type=resource_type[:40],
                 object_id=resource_id, outcome=Outcome.NOT_FOUND)
    raise NotFound(f"no {resource_type}/{resource_id}")


def _read_record(actor: User, source: Source, pk: int) -> Json:
    """Through the entity's own selector where it has one (it checks access and audits)."""
    row: Any
    if source.table == "patient":
        row = patient_get(actor=actor, patient_id=pk)
    elif source.table == "episode":
        row = episode_get(actor=actor, episode_id=pk)
    elif source.table == "assessment":
        row = assessment_get(actor=actor, assessment_id=pk)
        assessment_fhir.export_audit(actor=actor, assessment=row,
                                     resource_type=source.resource_type)
    else:
        row = _scoped_get(actor, source, pk)
    found = render_rows(source, [row])
    if not found:
        raise NotFound(f"no {source.resource_type} {source.id_prefix}{pk}")
    return found[0]


def _scoped_get(actor: User, source: Source, pk: int) -> Any:
    """One row of a source without a selector of its own: its scoped queryset, audited.
    Another clinic's record is not found (404) whatever the role, before the role's 403."""
    if not may_see(actor, source) and not _in_own_clinic(actor, source, pk):
        audit_record(actor=actor, action=Action.READ, object_type=source.audit_type,
                     object_id=pk, outcome=Outcome.NOT_FOUND,
                     detail={"format": "fhir-r4", "resource": source.resource_type})
        raise NotFound(f"no {source.resource_type}")
    _require_source(actor, source, Action.READ)
    row = source.rows(actor).filter(pk=pk).first()
    audit_record(actor=actor, action=Action.READ, object_type=source.audit_type, object_id=pk,
                 outcome=Outcome.OK if row else Outcome.NOT_FOUND,
                 detail={"format": "fhir-r4", "resource": source.resource_type})
    if row is None:
        raise NotFound(f"no {source.resource_type}")
    return row


def _in_own_clinic(actor: User, source: Source, pk: int) -> bool:
    """Is the record one of a patient the actor may know exists (their clinic's; for a
    patient, their own)?"""
    from acuback.patients.selectors import patient_queryset

    model = source.rows(actor).model
    return bool(model.objects.filter(
        pk=pk, **{f"{source.patient_field}__in": patient_queryset(actor)}).exists())


# --- search --------------------------------------------------------------------------------


def may_see(actor: User, source: Source) -> bool:
    """Front desk sees no clinical content; visit content is for clinicians (the patient's
    portal shows their care its own way)."""
    membership = membership_of(actor)
    if membership is None:
        return False
    if source.clinical and membership.role == Role.FRONT_DESK:
        return False
    return source.table not in VISIT_TABLES or membership.role in CLINICAL_ROLES


# Clinicians only (the patient's portal shows their care its own way); the reports too, as
# their PDFs are (acuback.outcomes.selectors.outcome_get).
VISIT_TABLES = {"visit", "visit-signed", "amendment", "adverse_event", "painkiller",
                "episode-report"}


def _require_source(actor: User, source: Source, action: str = Action.LIST) -> Membership:
    membership = membership_of(actor)
    allowed = may_see(actor, source)
    if not allowed:
        audit_record(actor=actor, action=action, object_type=source.audit_type,
                     outcome=Outcome.DENIED, detail={"format": "fhir-r4"})
        if membership is None:
            raise NotFound("not a member of a clinic")
        raise Forbidden("your role may not see this clinical content")
    assert membership is not None  # noqa: S101 - narrowed above
    return membership


def search_type(*, actor: User, resource_type: str, params: dict[str, list[str]]) -> Found:
    if resource_type in DIRECTORY_TYPES:
        found = directory(actor, resource_type)
        unknown = [p for p in params if p not in search.IGNORED | {"_count", "_offset"}]
        if unknown:
            raise search.SearchError(unknown[0], f"{resource_type} takes no search "
                                                 f"parameters here (got {unknown[0]!r}).")
        return Found(found, len(found), search.Page(len(found), 0))
    sources = sources_for(resource_type)
    visible = [s for s in sources if may_see(actor, s)]
    if not visible:
        _require_source(actor, sources[0])
    page: search.Page = search.Page(search.DEFAULT_COUNT, 0)
    total, found, ids = 0, [], []
    for source in visible:
        qs, page = search.apply(source, source.rows(actor), params)
        count = qs.count()
        start = max(page.offset - total, 0)
        stop = max(page.offset + page.count - total, 0)
        rows = list(qs[start:min(stop, count)]) if stop > 0 and start < count else []
        found += render_rows(source, rows)
        ids += [f"{source.id_prefix}{row.pk}" for row in rows]
        total += count
    audit_record(actor=actor, action=Action.LIST, object_type=visible[0].audit_type,
                 outcome=Outcome.OK,
                 detail={"format": "fhir-r4", "resource": resource_type,
                         "query": dict(params.items()), "ids": ids})
    return Found(found, total, page)


# --- $everything ---------------------------------------------------------------------------


def everything(*, actor: User, patient_id: str) -> list[Json]:
    """The patient's whole record: clinical, so front desk is refused (403)."""
    patient = patient_get_clinical(actor=actor, patient_id=patient_id, what="patient_record")
    resources: list[Json] = []
    for resource_type in PATIENT_COMPARTMENT:
        for source in sources_for(resource_type):
            if not may_see(actor, source):
                continue
            rows = list(source.rows(actor).filter(**{source.patient_field: patient.pk}))
            resources += render_rows(source, rows)
    clinic = Clinic.objects.get(pk=patient.clinic_id)
    resources.append(people.organization(clinic))
    if patient.practitioner is not None:
        resources.append(people.practitioner(patient.practitioner, clinic.slug))
    audit_record(actor=actor, action=Action.EXPORT, object_type="patient", object_id=patient.pk,
                 outcome=Outcome.OK, clinic_id=patient.clinic_id,
                 detail={"format": "fhir-r4", "operation": "$everything",
                         "resources": len(resources)})
    return resources


# --- the clinic's directory and vocabularies -----------------------------------------------


def directory(actor: User, resource_type: str) -> list[Json]:
    membership = _member(actor)
    clinic = membership.clinic
    if resource_type == "Organization":
        return [people.organization(clinic)]
    if resource_type == "CodeSystem":
        return [make() for make in CODE_SYSTEMS.values()]
    if resource_type == "Questionnaire":
        return [assessment_fhir.questionnaire_for(actor=actor, instrument=i)
                for i in instruments.INSTRUMENTS]
    if resource_type == "Group":
        return groups(actor)
    members = clinic_practitioners(clinic)
    if resource_type == "Practitioner":
        return [people.practitioner(m.user, clinic.slug) for m in members]
    return [people.practitioner_role(m) for m in members]


def clinic_practitioners(clinic: Clinic) -> list[Membership]:
    return list(Membership.objects.filter(clinic=clinic, role__in=CLINICAL_ROLES)
                .select_related("user__practitioner").order_by("user_id"))


def groups(actor: User) -> list[Json]:
    """The patient groups a bulk export can name: the clinic's patients, and each
    practitioner's patients of record. Clinical staff only (a group lists patients)."""
    membership = _member(actor)
    if membership.role not in CLINICAL_ROLES:
        raise Forbidden("only clinicians may list patient groups")
    from acuback.patients.selectors import patient_queryset

    patients = list(patient_queryset(actor).values_list("pk", "practitioner_id"))
    found = [_group("all", f"All patients of {membership.clinic.name}",
                    [pk for pk, _ in patients])]
    for member in clinic_practitioners(membership.clinic):
        name = member.user.get_full_name() or member.user.get_username()
        found.append(_group(f"practitioner-{member.user_id}", f"Patients of record of {name}",
                            [pk for pk, of in patients if of == member.user_id]))
    return found


def _group(group_id: str, name: str, members: list[int]) -> Json:
    group: Json = {"resourceType": "Group", "id": group_id, "type": "person", "actual": True,
                   "name": name, "quantity": len(members)}
    if members:
        group["member"] = [{"entity": {"reference": f"Patient/{pk}"}} for pk in members]
    return group


def group_members(actor: User, group_id: str) -> list[int]:
    for group in groups(actor):
        if group["id"] == group_id:
            return [int(m["entity"]["reference"].split("/")[1]) for m in group.get("member", [])]
    raise NotFound(f"no Group/{group_id}")
