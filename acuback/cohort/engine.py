"""The cohort report's queries over the raw rows: set-based SQL that groups, the clinical core
that judges.

Not scoped and not audited: `acuback.cohort.selectors` scopes the episodes to the actor and
audits. These are the definition: the per-episode summaries the report reads
(`acuback.cohort.stored`) are written by running them for one episode
(`acuback.cohort.summaries`), the research export reads them directly, and
`selectors.report_of(from_summaries=False)` is the whole report from them.

Why SQL on the clinic's own database: the report needs only a few set-wide counts, fresh
after every write; an extract for DuckDB or Polars would be faster to scan but stale the moment
a questionnaire is entered, and copying millions of rows costs more than the query it saves.
`python -m bench cohort` measures the report against hand-written SQL on a synthetic registry
(`acuback demo --registry`'s bulk path) on SQLite and PostgreSQL; docs/cohort.md records the
figures.

The outcome query returns, per instrument, one row per distinct (baseline total, latest
total, followed up or not) with how many episodes share it: a few hundred rows whatever the
cohort's size. `acuback.clinical.cohort` judges each row with the same function that judges
one episode, so the figures cannot drift from what an episode's page says.

Baseline and latest follow `acuback.clinical.outcomes`: an instrument's earliest and last
scored measurement of the episode, ties broken by entry order (id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from acuback.assessments.models import Assessment
from acuback.clinical.chronicity import CHRONIC_FROM_DAYS, SUBACUTE_FROM_DAYS, Chronicity
from acuback.clinical.cohort import OutcomePair, SafetyCounts
from acuback.cohort.filters import CohortFilter, Protocol, StartBackGroup
from acuback.episodes.models import Episode
from acuback.plans.models import Plan
from acuback.visits.models import AdverseEvent, Amendment, AmendmentKind, Visit


def _days_open() -> ExpressionWrapper:
    """How long the pain had lasted when the episode opened (onset to opening)."""
    return ExpressionWrapper(F("opened_on") - F("onset_date"), output_field=DurationField())


def _startback_group() -> Subquery:
    """The band of the episode's first scored STarT Back (its baseline risk group)."""
    return Subquery(
        Assessment.objects.filter(episode=OuterRef("pk"), instrument="startback",
                                  total__isnull=False)
        .order_by("administered_at", "id").values("band")[:1])


def _plan_estim() -> Subquery:
    """E-stim in the episode's current plan (the highest number); NULL without a plan."""
    return Subquery(Plan.objects.filter(episode=OuterRef("pk")).order_by("-number")
                    .values("estim")[:1])


def with_dimensions(episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    """The episodes annotated with what the filters and comparisons split by: `days_open`,
    `startback_band` ("" or NULL: not screened) and `plan_estim` (NULL: no plan)."""
    return episodes.annotate(
        days_open=_days_open(), startback_band=_startback_group(), plan_estim=_plan_estim())


CHRONICITY_DAYS: dict[str, tuple[int | None, int | None]] = {
    # days from onset at opening: [from, below) (acuback.clinical.chronicity)
    Chronicity.ACUTE: (None, SUBACUTE_FROM_DAYS),
    Chronicity.SUBACUTE: (SUBACUTE_FROM_DAYS, CHRONIC_FROM_DAYS),
    Chronicity.CHRONIC: (CHRONIC_FROM_DAYS, None),
}


def _duration(days: int) -> dt.timedelta:
    return dt.timedelta(days=days)


def chronicity_q(value: str, *, days: Callable[[int], object] = _duration) -> Q:
    """The episodes of that chronicity by `days_open`; `days` gives a number of days in the
    column's type: a duration for the engine's annotation, `int` for a summary's column."""
    low, high = CHRONICITY_DAYS[value]
    q = Q()
    if low is not None:
        q &= Q(days_open__gte=days(low))
    if high is not None:
        q &= Q(days_open__lt=days(high))
    return q


def protocol_q(value: str) -> Q:
    if value == Protocol.NO_PLAN:
        return Q(plan_estim__isnull=True)
    return Q(plan_estim=value == Protocol.ELECTRO)


def startback_q(value: str) -> Q:
    if value == StartBackGroup.NOT_SCREENED:
        return Q(startback_band__isnull=True) | Q(startback_band="")
    return Q(startback_band=value)


def cohort_episodes(clinic_id: int, f: CohortFilter) -> QuerySet[Episode]:
    """The clinic's episodes the filter keeps (annotated only with what it filters by, so an
    unfiltered cohort costs no subquery)."""
    qs = Episode.objects.filter(clinic_id=clinic_id)
    if f.opened_from is not None:
        qs = qs.filter(opened_on__gte=f.opened_from)
    if f.opened_to is not None:
        qs = qs.filter(opened_on__lte=f.opened_to)
    if f.practitioner is not None:
        qs = qs.filter(patient__practitioner_id=f.practitioner)
    if f.chronicity is not None:
        qs = qs.annotate(days_open=_days_open())
        qs = qs.filter(chronicity_q(f.chronicity))
    if f.protocol is not None:
        qs = qs.annotate(plan_estim=_plan_estim()).filter(protocol_q(f.protocol))
    if f.startback is not None:
        qs = qs.annotate(startback_band=_startback_group()).filter(startback_q(f.startback))
    return qs


def _ids_sql(episodes: QuerySet[Episode]) -> tuple[str, tuple[Any, ...]]:
    sql, params = episodes.values("id").query.sql_with_params()
    return sql, tuple(params)


# One row per episode and instrument: its baseline (first) and latest (last) scored total and
# whether it has more than one. Table names come from the models; values are bound.
_PER_EPISODE_SQL = """
WITH ranked AS (
  SELECT a.episode_id, a.instrument, a.total,
         ROW_NUMBER() OVER (PARTITION BY a.episode_id, a.instrument
                            ORDER BY a.administered_at, a.id) AS from_first,
         ROW_NUMBER() OVER (PARTITION BY a.episode_id, a.instrument
                            ORDER BY a.administered_at DESC, a.id DESC) AS from_last
  FROM {assessment} a
  WHERE a.clinic_id = %s AND a.total IS NOT NULL AND a.episode_id IN ({cohort})
)
SELECT episode_id, instrument,
       MAX(CASE WHEN from_first = 1 THEN total END) AS baseline,
       MAX(CASE WHEN from_last = 1 THEN total END) AS latest,
       CASE WHEN COUNT(*) > 1 THEN 1 ELSE 0 END AS followed
FROM ranked GROUP BY episode_id, instrument
"""
# The same, grouped by what decides the outcome: a few hundred rows whatever the cohort's size.
_PAIRS_SQL = """
SELECT instrument, baseline, latest, followed, COUNT(*) FROM ({per_episode}) per_episode
GROUP BY instrument, baseline, latest, followed
"""


def _per_episode_sql(episodes: QuerySet[Episode]) -> tuple[str, tuple[Any, ...]]:
    cohort, params = _ids_sql(episodes)
    sql = _PER_EPISODE_SQL.format(
        assessment=connection.ops.quote_name(Assessment._meta.db_table), cohort=cohort)
    return sql, params


def outcome_pairs(clinic_id: int, episodes: QuerySet[Episode]) -> list[OutcomePair]:
    per_episode, params = _per_episode_sql(episodes)
    with connection.cursor() as cursor:
        cursor.execute(_PAIRS_SQL.format(per_episode=per_episode), (clinic_id, *params))
        return [OutcomePair(instrument, float(baseline), float(latest), bool(followed), count)
                for instrument, baseline, latest, followed, count in cursor.fetchall()]


def episode_measures(clinic_id: int, episodes: QuerySet[Episode]
                     ) -> dict[int, dict[str, OutcomePair]]:
    """Each episode's pair per instrument (episodes = 1), for the export."""
    per_episode, params = _per_episode_sql(episodes)
    found: dict[int, dict[str, OutcomePair]] = {}
    with connection.cursor() as cursor:
        cursor.execute(per_episode, (clinic_id, *params))
        for episode_id, instrument, baseline, latest, followed in cursor.fetchall():
            found.setdefault(episode_id, {})[instrument] = OutcomePair(
                instrument, float(baseline), float(latest), bool(followed), 1)
    return found


# The safety counts in one statement: the cohort's visits entered in error (a handful, read
# once), its live visits and adverse events per episode, then the totals and the distinct
# patients treated and with an event. One pass over the visits and the events instead of five
# queries each probing the amendments (issue 11: 121 ms for the "with an event" join alone at
# 500 patients). An event of a visit entered in error is left out with its visit.
_SAFETY_CTES = """
WITH cohort AS ({cohort}),
in_error AS (
  SELECT DISTINCT am.visit_id FROM {amendment} am
  JOIN {visit} v ON v.id = am.visit_id
  WHERE am.kind = %s AND v.episode_id IN ({ids})
),
live AS (
  SELECT v.episode_id, COUNT(*) AS n FROM {visit} v
  WHERE v.clinic_id = %s AND v.episode_id IN ({ids})
    AND v.id NOT IN (SELECT visit_id FROM in_error)
  GROUP BY v.episode_id
),
events AS (
  SELECT a.episode_id, COUNT(*) AS n,
         SUM(CASE WHEN a.serious THEN 1 ELSE 0 END) AS serious
  FROM {event} a
  WHERE a.clinic_id = %s AND a.in_error_at IS NULL AND a.episode_id IN ({ids})
    AND a.visit_id NOT IN (SELECT visit_id FROM in_error)
  GROUP BY a.episode_id
)
"""
_SAFETY_SQL = _SAFETY_CTES + """
SELECT (SELECT COALESCE(SUM(n), 0) FROM live),
       (SELECT COALESCE(SUM(n), 0) FROM events),
       (SELECT COALESCE(SUM(serious), 0) FROM events),
       (SELECT COUNT(DISTINCT c.patient_id) FROM cohort c JOIN live l ON l.episode_id = c.id),
       (SELECT COUNT(DISTINCT c.patient_id) FROM cohort c JOIN events e ON e.episode_id = c.id)
"""  # noqa: S608 - the table names come from the models, values are bound


# Each episode's live visits, adverse events and serious ones (the export's columns), from the
# same visits and events as the totals.
_EPISODE_SAFETY_SQL = _SAFETY_CTES + """
SELECT c.id, COALESCE(l.n, 0), COALESCE(e.n, 0), COALESCE(e.serious, 0) FROM cohort c
LEFT JOIN live l ON l.episode_id = c.id LEFT JOIN events e ON e.episode_id = c.id
WHERE l.n IS NOT NULL OR e.n IS NOT NULL
"""


def _safety_query(sql: str, clinic_id: int, episodes: QuerySet[Episode]
                  ) -> tuple[str, tuple[Any, ...]]:
    """One of the safety statements with the cohort's query and its parameters filled in."""
    cohort, params = episodes.values("id", "patient_id").query.sql_with_params()
    # The visits and events are filtered by the cohort's own query, not by the CTE, so that
    # PostgreSQL plans them against the episodes' statistics (a CTE's estimate of 200 rows
    # made it probe the visits episode by episode).
    ids, id_params = _ids_sql(episodes)
    quote = connection.ops.quote_name
    sql = sql.format(
        cohort=cohort, ids=ids, amendment=quote(Amendment._meta.db_table),
        visit=quote(Visit._meta.db_table), event=quote(AdverseEvent._meta.db_table))
    kind = AmendmentKind.ENTERED_IN_ERROR.value
    return sql, (*params, kind, *id_params, clinic_id, *id_params, clinic_id, *id_params)


def episode_safety(clinic_id: int, episodes: QuerySet[Episode]
                   ) -> dict[int, tuple[int, int, int]]:
    """Each episode's (live visits, adverse events, serious ones), for the export: episodes
    with neither are left out."""
    with connection.cursor() as cursor:
        cursor.execute(*_safety_query(_EPISODE_SAFETY_SQL, clinic_id, episodes))
        return {pk: (int(n), int(e), int(serious)) for pk, n, e, serious in cursor.fetchall()}


def safety_counts(clinic_id: int, episodes: QuerySet[Episode]) -> SafetyCounts:
    """Live visits and adverse events of the cohort (entered in error left out), the treated
    patients and those with at least one event."""
    with connection.cursor() as cursor:
        cursor.execute(*_safety_query(_SAFETY_SQL, clinic_id, episodes))
        treatments, events, serious, treated, with_event = cursor.fetchone()
    return SafetyCounts(treatments=int(treatments), events=int(events), serious=int(serious),
                        treated_patients=treated, patients_with_event=with_event)


def episode_patient_count(episodes: QuerySet[Episode]) -> tuple[int, int]:
    """How many episodes, and of how many patients."""
    counted = episodes.aggregate(n=Count("id"), patients=Count("patient_id", distinct=True))
    return counted["n"], counted["patients"]


def date_range(episodes: QuerySet[Episode]) -> tuple[dt.date | None, dt.date | None]:
    found = episodes.aggregate(first=Min("opened_on"), last=Max("opened_on"))
    return found["first"], found["last"]

