"""Where each patient-data resource type comes from: the scoped queryset (the same selectors
every other endpoint reads through), how it is filtered by patient and date, and how a row
becomes a resource. Search, read, $everything and bulk export all read through this table.

A resource type may come from more than one table (an Observation is a questionnaire score or
a visit's measurements; a DocumentReference a visit note or an amendment): each source then
has its own id prefix. A table that gives several types (a visit is an Encounter, a Procedure,
an Observation, a DocumentReference and, once signed, a Provenance) is read once in exports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet

from acuback.accounts.models import User
from acuback.assessments.selectors import assessment_queryset
from acuback.episodes.selectors import episode_queryset
from acuback.interop.resources import (
    appointments,
    assessments,
    care,
    episodes,
    health,
    people,
    reports,
    screening,
    visits,
)
from acuback.interop.resources.common import Identities, Json, Kind
from acuback.patients.selectors import (
    consent_queryset,
    health_history_queryset,
    patient_queryset,
)
from acuback.plans.selectors import plan_queryset
from acuback.scheduling.selectors import appointment_queryset
from acuback.screening.selectors import referral_queryset, screening_queryset
from acuback.visits.selectors import (
    adverse_event_queryset,
    amendment_queryset,
    painkiller_queryset,
    visit_queryset,
)

Render = Callable[[Any, Identities], Json | None]


@dataclass(frozen=True)
class Source:
    resource_type: str
    table: str  # rows of one table (with one filter) are read once per export
    kind: str  # identity kind (interop.resources.common.Kind and visits' kinds)
    audit_type: str  # object_type in the audit trail, as the other endpoints write it
    clinical: bool  # front desk may not see it
    queryset: Callable[[User], QuerySet[Any]]
    patient_field: str
    # search parameter -> (model field, is a datetime)
    dates: dict[str, tuple[str, bool]]
    since_field: str
    render: Render
    related: tuple[str, ...] = ()
    # Fields of the related rows the renderer reads; the rest stay unloaded (bulk speed).
    related_only: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()
    where: dict[str, Any] = field(default_factory=dict)
    id_prefix: str = ""  # resource id = prefix + primary key
    clinic_path: str = "clinic_id"  # where a row keeps its clinic (dotted through relations)

    def clinic_of(self, row: Model) -> int:
        value: Any = row
        for name in self.clinic_path.split("."):
            value = getattr(value, name)
        return int(value)

    def rows(self, actor: User) -> QuerySet[Any]:
        qs = self.queryset(actor).filter(**self.where).select_related(*self.related)
        if self.related_only:
            own = [f.name for f in qs.model._meta.concrete_fields]
            qs = qs.only(*own, *self.related_only)
        return qs.prefetch_related(*self.prefetch).order_by("pk")

    def pk_of(self, resource_id: str) -> int | None:
        """The primary key a resource id names in this source, if it does."""
        rest = resource_id.removeprefix(self.id_prefix) if resource_id.startswith(
            self.id_prefix) else None
        return int(rest) if rest is not None and rest.isdigit() else None


ASSESSMENT_RELATED = ("episode__patient_id", "wording__content")
ASSESSMENT_DATES = {"date": ("administered_at", True)}
VISIT_DATES = {"date": ("started_at", True)}
VISIT = {"table": "visit", "kind": visits.KIND_VISIT, "audit_type": "visit", "clinical": True,
         "queryset": visit_queryset, "patient_field": "episode__patient_id",
         "dates": VISIT_DATES, "since_field": "updated_at", "related": ("episode",),
         "prefetch": ("points", "amendments")}

_ALL = (
    Source("Patient", "patient", Kind.PATIENT, "patient", False, patient_queryset, "pk",
           {"birthdate": ("date_of_birth", False)}, "updated_at", people.patient),
    Source("EpisodeOfCare", "episode", Kind.EPISODE, "episode", True, episode_queryset,
           "patient_id", {"date": ("opened_on", False)}, "updated_at",
           episodes.episode_of_care),
    Source("Condition", "episode", Kind.EPISODE, "episode", True, episode_queryset,
           "patient_id", {"onset-date": ("onset_date", False),
                          "recorded-date": ("opened_on", False), "date": ("opened_on", False)},
           "updated_at", episodes.condition),
    Source("QuestionnaireResponse", "assessment", Kind.ASSESSMENT, "assessment", True,
           assessment_queryset, "episode__patient_id",
           {"authored": ("administered_at", True), **ASSESSMENT_DATES}, "created_at",
           assessments.questionnaire_response, ("episode", "wording"), ASSESSMENT_RELATED),
    Source("Observation", "assessment", Kind.ASSESSMENT, "assessment", True,
           assessment_queryset, "episode__patient_id", ASSESSMENT_DATES, "created_at",
           assessments.score_observation, ("episode", "wording"), ASSESSMENT_RELATED),
    Source("Encounter", render=visits.encounter, **VISIT),  # type: ignore[arg-type]
    Source("Procedure", render=visits.procedure, **VISIT),  # type: ignore[arg-type]
    Source("Observation", render=visits.visit_observation, id_prefix="visit-",
           **VISIT),  # type: ignore[arg-type]
    Source("DocumentReference", render=visits.visit_note, id_prefix="visit-",
           **VISIT),  # type: ignore[arg-type]
    Source("DocumentReference", "amendment", "amendment", "visit", True, amendment_queryset,
           "visit__episode__patient_id", {"date": ("at", True)}, "at",
           visits.amendment_document, ("visit__episode",), id_prefix="amendment-",
           clinic_path="visit.clinic_id"),
    Source("Provenance", "visit-signed", visits.KIND_VISIT, "visit", True, visit_queryset,
           "episode__patient_id", {"date": ("signed_at", True)}, "updated_at",
           visits.signature_provenance, ("episode",), where={"signed_at__isnull": False},
           id_prefix="visit-"),
    Source("DocumentReference", "visit-signed", visits.KIND_VISIT, "visit", True,
           visit_queryset, "episode__patient_id", {"date": ("signed_at", True)}, "updated_at",
           reports.superbill_document, ("episode",), where={"signed_at__isnull": False},
           id_prefix=reports.SUPERBILL_PREFIX),
    Source("AdverseEvent", "adverse_event", visits.KIND_ADVERSE_EVENT, "adverse_event", True,
           adverse_event_queryset, "episode__patient_id", {"date": ("onset_at", True)},
           "recorded_at", visits.adverse_event, ("episode",)),
    Source("MedicationStatement", "painkiller", visits.KIND_PAINKILLER, "painkiller", True,
           painkiller_queryset, "episode__patient_id", {"date": ("recorded_at", True),
                                                        "effective": ("recorded_at", True)},
           "recorded_at", visits.medication_statement, ("episode",)),
    Source("Observation", "health_history", health.KIND_HEALTH, "health_history", True,
           health_history_queryset, "patient_id", {"date": ("updated_at", True)},
           "updated_at", health.health_observation, ("patient",), ("patient__clinic_id",),
           id_prefix="health-", clinic_path="patient.clinic_id"),
    Source("Observation", "screening", screening.KIND_SCREENING, "screening", True,
           screening_queryset, "episode__patient_id", {"date": ("screened_on", False)},
           "recorded_at", screening.screening_observation, ("episode",),
           ("episode__patient_id",), id_prefix=screening.SCREENING_PREFIX),
    Source("Observation", "referral", screening.KIND_REFERRAL, "referral", True,
           referral_queryset, "screening__episode__patient_id",
           {"date": ("recorded_at", True)}, "recorded_at", screening.referral_observation,
           ("screening__episode",), id_prefix=screening.REFERRAL_PREFIX,
           clinic_path="screening.clinic_id"),
    Source("CarePlan", "plan", care.KIND_PLAN, "plan", True, plan_queryset,
           "episode__patient_id", {"date": ("created_at", True)}, "created_at",
           care.care_plan, ("episode",), prefetch=("points",), id_prefix=care.PLAN_PREFIX),
    # Not clinical: the front desk records consents.
    Source("Consent", "consent", care.KIND_CONSENT, "consent", False, consent_queryset,
           "patient_id", {"date": ("given_on", False)}, "recorded_at", care.consent,
           ("patient",), ("patient__clinic_id",), id_prefix=care.CONSENT_PREFIX,
           clinic_path="patient.clinic_id"),
    *(Source("DocumentReference", "episode-report", Kind.EPISODE, "episode", True,
             reports.report_queryset, "patient_id", {"date": ("opened_on", False)},
             "updated_at", reports.renderer(document), id_prefix=document.prefix)
      for document in reports.DOCUMENTS),
    # Not clinical: the front desk books them (an appointment's note is never clinical).
    Source("Appointment", "appointment", appointments.KIND_APPOINTMENT, "appointment", False,
           appointment_queryset, "patient_id", {"date": ("starts_at", True)}, "updated_at",
           appointments.appointment, ("room", "appointment_type")),
)

RESOURCE_TYPES = tuple(dict.fromkeys(s.resource_type for s in _ALL))
PATIENT_COMPARTMENT = RESOURCE_TYPES


def sources_for(resource_type: str) -> list[Source]:
    return [s for s in _ALL if s.resource_type == resource_type]


def source_of(resource_type: str, resource_id: str) -> tuple[Source, int] | None:
    """The source and primary key of `Type/id` (the longest matching id prefix wins)."""
    found = [(s, s.pk_of(resource_id)) for s in sources_for(resource_type)]
    found = [(s, pk) for s, pk in found if pk is not None]
    if not found:
        return None
    source, pk = max(found, key=lambda pair: len(pair[0].id_prefix))
    return source, pk  # type: ignore[return-value]


def render_rows(source: Source, rows: list[Model]) -> list[Json]:
    """Resources for rows already read through the source's scoped queryset."""
    if not rows:
        return []
    ids = Identities.load({source.clinic_of(row) for row in rows},
                          only={source.kind: [row.pk for row in rows]})
    rendered = (source.render(row, ids) for row in rows)
    return [r for r in rendered if r is not None]
