"""The patient list's columns beyond the demographics. Each column is one annotation of the
list's own query (a correlated subquery), added here in one place, so the list stays the same
few queries whatever the page size. A new column is one more entry in COLUMNS and one more
cell in patients/_results.html.

Clinical columns are added for clinicians only: front desk never sees clinical content.

"Questionnaires due" is, until the questionnaire schedule exists, the baselines still missing
for the core measures of the patient's active episodes: one of function (ODI or RMDQ) and one
of pain intensity (NRS or PEG) per active episode, the measures to capture at baseline for
outcomes and coverage (Medicare NCD 30.3.3 design note, DOMAIN.md part 3). So 0 to 2 per
active episode; follow-ups and other questionnaires are not counted yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    JSONField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, JSONObject

from acuback.assessments.alerts import annotate_open_alerts
from acuback.assessments.models import Assessment, TimePoint
from acuback.episodes.models import Episode, EpisodeStatus, Region
from acuback.patients.models import Patient

CORE_FUNCTION = ("odi", "rmdq")
CORE_PAIN = ("nrs", "peg")


@dataclass(frozen=True)
class Column:
    name: str  # the annotation on each patient, which the template's cell shows
    heading: str
    clinical: bool  # clinical content: clinicians only
    annotate: Callable[[QuerySet[Patient]], QuerySet[Patient]]


@dataclass(frozen=True)
class ActiveEpisode:
    id: int
    region: str
    opened_on: dt.date


def _active_episode(qs: QuerySet[Patient]) -> QuerySet[Patient]:
    """The patient's latest active episode (id, region, opened), as one JSON value."""
    latest = (Episode.objects.filter(patient=OuterRef("pk"), status=EpisodeStatus.ACTIVE)
              .order_by("-opened_on", "-id")
              .values(json=JSONObject(id="id", region="region", opened_on="opened_on")))
    return qs.annotate(active_episode=Subquery(latest[:1], output_field=JSONField()))


def _questionnaires_due(qs: QuerySet[Patient]) -> QuerySet[Patient]:
    def missing(instruments: tuple[str, ...]) -> Case:
        baseline = Assessment.objects.filter(episode=OuterRef("pk"), instrument__in=instruments,
                                             time_point=TimePoint.BASELINE)
        return Case(When(Exists(baseline), then=Value(0)), default=Value(1))

    due = (Episode.objects.filter(patient=OuterRef("pk"), status=EpisodeStatus.ACTIVE)
           .order_by().values("patient")
           .annotate(n=Sum(missing(CORE_FUNCTION) + missing(CORE_PAIN))).values("n"))
    return qs.annotate(questionnaires_due=Coalesce(
        Subquery(due, output_field=IntegerField()), Value(0)))


def _last_visit(qs: QuerySet[Patient]) -> QuerySet[Patient]:
    # Imported here: acuback.visits imports the episode selectors, which import this app's.
    from acuback.visits.access import live_visits
    from acuback.visits.models import Visit

    latest = live_visits(Visit.objects.filter(episode__patient=OuterRef("pk")))
    return qs.annotate(last_visit=Subquery(
        latest.order_by("-started_at").values("started_at")[:1]))


def _next_visit(qs: QuerySet[Patient]) -> QuerySet[Patient]:
    """The start of the patient's next appointment that holds its time (booked, requested)."""
    from django.utils import timezone

    from acuback.scheduling.models import Appointment, Status

    upcoming = Appointment.objects.filter(
        patient=OuterRef("pk"), status__in=(Status.BOOKED, Status.REQUESTED),
        starts_at__gte=timezone.now())
    return qs.annotate(next_visit=Subquery(
        upcoming.order_by("starts_at").values("starts_at")[:1]))


COLUMNS: list[Column] = [
    Column("active_episode", "Active episode", clinical=True, annotate=_active_episode),
    Column("last_visit", "Last visit", clinical=False, annotate=_last_visit),
    Column("next_visit", "Next visit", clinical=False, annotate=_next_visit),
    Column("questionnaires_due", "Questionnaires due", clinical=True,
           annotate=_questionnaires_due),
    Column("open_alerts", "Open alerts", clinical=True, annotate=annotate_open_alerts),
]


def with_columns(qs: QuerySet[Patient], *, clinical: bool) -> QuerySet[Patient]:
    for column in visible_columns(clinical=clinical):
        qs = column.annotate(qs)
    return qs


def visible_columns(*, clinical: bool) -> list[Column]:
    return [c for c in COLUMNS if clinical or not c.clinical]


def present(patients: list[Patient]) -> None:
    """Turn the active episode's JSON into an ActiveEpisode on each row (no query)."""
    for patient in patients:
        found = getattr(patient, "active_episode", None)
        if isinstance(found, dict):
            opened = found["opened_on"]
            patient.active_episode = ActiveEpisode(  # type: ignore[attr-defined]
                id=int(found["id"]), region=Region(found["region"]).label,
                opened_on=opened if isinstance(opened, dt.date) else dt.date.fromisoformat(opened),
            )
