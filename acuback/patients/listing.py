"""The patient list's columns beyond the demographics, each defined here in one place and
bounded in cost whatever the page size: either one annotation of the list's own query
(`annotate`), or one query for the whole page's patients at once (`load`). A new column is one
more entry in COLUMNS and one more cell in patients/_results.html.

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

from django.db.models import Max, OuterRef, QuerySet, Subquery

from acuback.assessments.alerts import annotate_open_alerts
from acuback.assessments.models import Assessment, TimePoint
from acuback.episodes.models import Episode, EpisodeStatus, Region
from acuback.patients.models import Patient

CORE_FUNCTION = ("odi", "rmdq")
CORE_PAIN = ("nrs", "peg")


@dataclass(frozen=True)
class Column:
    name: str  # the attribute on each patient, which the template's cell shows
    heading: str
    clinical: bool  # clinical content: clinicians only
    annotate: Callable[[QuerySet[Patient]], QuerySet[Patient]] | None = None
    load: Callable[[list[Patient]], None] | None = None  # one query for the page's patients


@dataclass(frozen=True)
class ActiveEpisode:
    id: int
    region: str
    opened_on: dt.date


def _active_episodes(patients: list[Patient]) -> None:
    """Each patient's latest active episode and the core baselines its active episodes lack:
    two queries for the page, however many patients and episodes."""
    active = list(Episode.objects.filter(patient__in=patients, status=EpisodeStatus.ACTIVE)
                  .order_by("patient_id", "-opened_on", "-id")
                  .values_list("patient_id", "id", "region", "opened_on"))
    taken = set(Assessment.objects.filter(
        episode_id__in=[row[1] for row in active], time_point=TimePoint.BASELINE,
        instrument__in=CORE_FUNCTION + CORE_PAIN,
    ).values_list("episode_id", "instrument").distinct())
    latest: dict[int, ActiveEpisode] = {}
    due: dict[int, int] = {}
    for patient_id, episode_id, region, opened_on in active:
        latest.setdefault(patient_id, ActiveEpisode(episode_id, Region(region).label, opened_on))
        due[patient_id] = due.get(patient_id, 0) + sum(
            not any((episode_id, name) in taken for name in core)
            for core in (CORE_FUNCTION, CORE_PAIN))
    for patient in patients:
        patient.active_episode = latest.get(patient.pk)  # type: ignore[attr-defined]
        patient.questionnaires_due = due.get(patient.pk, 0)  # type: ignore[attr-defined]


def _last_visits(patients: list[Patient]) -> None:
    # Imported here: acuback.visits imports the episode selectors, which import this app's.
    from acuback.visits.access import live_visits
    from acuback.visits.models import Visit

    last = dict(live_visits(Visit.objects.filter(episode__patient__in=patients))
                .values_list("episode__patient_id").annotate(at=Max("started_at")))
    for patient in patients:
        patient.last_visit = last.get(patient.pk)  # type: ignore[attr-defined]


def _next_visit(qs: QuerySet[Patient]) -> QuerySet[Patient]:
    """The start of the patient's next appointment that holds its time (booked, requested),
    and the clinic's time zone to show it in (no query more: a subquery)."""
    from django.utils import timezone

    from acuback.scheduling.models import Appointment, ClinicSchedule, Status

    upcoming = Appointment.objects.filter(
        patient=OuterRef("pk"), status__in=(Status.BOOKED, Status.REQUESTED),
        starts_at__gte=timezone.now())
    return qs.annotate(
        next_visit=Subquery(upcoming.order_by("starts_at").values("starts_at")[:1]),
        clinic_time_zone=Subquery(ClinicSchedule.objects.filter(
            clinic_id=OuterRef("clinic_id")).values("time_zone")[:1]))


COLUMNS: list[Column] = [
    # Both from one load: the active episodes give the latest and what they lack.
    Column("active_episode", "Active episode", clinical=True, load=_active_episodes),
    Column("last_visit", "Last visit", clinical=False, load=_last_visits),
    Column("next_visit", "Next visit", clinical=False, annotate=_next_visit),
    Column("questionnaires_due", "Questionnaires due", clinical=True),
    Column("open_alerts", "Open alerts", clinical=True, annotate=annotate_open_alerts),
]


def visible_columns(*, clinical: bool) -> list[Column]:
    return [c for c in COLUMNS if clinical or not c.clinical]


def annotate(qs: QuerySet[Patient], *, clinical: bool) -> QuerySet[Patient]:
    """The page's rows query with the columns that are annotations."""
    for column in visible_columns(clinical=clinical):
        if column.annotate is not None:
            qs = column.annotate(qs)
    return qs


def load(patients: list[Patient], *, clinical: bool) -> None:
    """The columns that are loaded for the page's patients at once."""
    if not patients:
        return
    for column in visible_columns(clinical=clinical):
        if column.load is not None:
            column.load(patients)
