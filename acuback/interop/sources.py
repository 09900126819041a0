"""Where each patient-data resource type comes from: the scoped queryset (the same selectors
every other endpoint reads through), how it is filtered by patient and date, and how a row
becomes a resource. Search, $everything and bulk export all read through this one table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from acuback.accounts.models import User
from acuback.assessments.selectors import assessment_queryset
from acuback.episodes.selectors import episode_queryset
from acuback.interop.resources import assessments, episodes, people
from acuback.interop.resources.common import Identities, Json, Kind
from acuback.patients.selectors import patient_queryset

Render = Callable[[Any, Identities], Json]


@dataclass(frozen=True)
class Source:
    resource_type: str
    kind: str  # identity kind (interop.resources.common.Kind)
    audit_type: str  # object_type in the audit trail, as the other endpoints write it
    clinical: bool  # front desk may not see it
    queryset: Callable[[User], QuerySet[Any]]
    patient_field: str
    # search parameter -> (model field, is a datetime)
    dates: dict[str, tuple[str, bool]]
    since_field: str
    related: tuple[str, ...]
    render: Render
    # Fields of the related rows the renderer reads; the rest stay unloaded (bulk speed).
    related_only: tuple[str, ...] = ()

    def rows(self, actor: User) -> QuerySet[Any]:
        qs = self.queryset(actor).select_related(*self.related).order_by("pk")
        if self.related_only:
            model = qs.model
            own = [f.name for f in model._meta.concrete_fields]
            qs = qs.only(*own, *self.related_only)
        return qs


ASSESSMENT_RELATED = ("episode__patient_id", "wording__content")

SOURCES: dict[str, Source] = {
    source.resource_type: source
    for source in (
        Source("Patient", Kind.PATIENT, "patient", False, patient_queryset, "pk",
               {"birthdate": ("date_of_birth", False)}, "updated_at", (), people.patient),
        Source("EpisodeOfCare", Kind.EPISODE, "episode", True, episode_queryset, "patient_id",
               {"date": ("opened_on", False)}, "updated_at", (), episodes.episode_of_care),
        Source("Condition", Kind.EPISODE, "episode", True, episode_queryset, "patient_id",
               {"onset-date": ("onset_date", False), "recorded-date": ("opened_on", False),
                "date": ("opened_on", False)},
               "updated_at", (), episodes.condition),
        Source("QuestionnaireResponse", Kind.ASSESSMENT, "assessment", True,
               assessment_queryset, "episode__patient_id",
               {"authored": ("administered_at", True), "date": ("administered_at", True)},
               "created_at", ("episode", "wording"), assessments.questionnaire_response,
               ASSESSMENT_RELATED),
        Source("Observation", Kind.ASSESSMENT, "assessment", True, assessment_queryset,
               "episode__patient_id", {"date": ("administered_at", True)}, "created_at",
               ("episode", "wording"), assessments.score_observation, ASSESSMENT_RELATED),
    )
}
PATIENT_COMPARTMENT = tuple(SOURCES)


def render_rows(source: Source, rows: list[Model]) -> list[Json]:
    """Resources for rows already read through the source's scoped queryset."""
    if not rows:
        return []
    ids = Identities.load({row.clinic_id for row in rows},  # type: ignore[attr-defined]
                          only={source.kind: [row.pk for row in rows]})
    return [source.render(row, ids) for row in rows]
