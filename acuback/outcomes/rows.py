"""Episodes' rows for the clinical core's progress, read in a fixed number of queries whatever
the number of episodes (six: assessments, visits, painkillers, adverse events, plans, the
patients' other episodes), so one episode page and a cohort of thousands cost the same queries.

Not scoped and not audited: callers hold the episodes from a scoped, audited selector
(`acuback.outcomes.selectors`), as `plans.selectors.plan_current` does.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from acuback.accounts.models import PractitionerProfile
from acuback.assessments.scored import Scored, scored_of_episodes
from acuback.clinical.progress import AdverseEventRow, EpisodeRows, Goal, PainkillerRow, VisitRow
from acuback.dbtime import db_datetime
from acuback.episodes.models import Episode, EpisodeStatus
from acuback.plans.models import Plan, PlanPoint
from acuback.sqlrows import fetch, marks
from acuback.visits.access import live_visit_sql
from acuback.visits.models import AdverseEvent, PainkillerUse, Visit, VisitPoint

# An IN list of at most this many ids per query (SQLite allows 32,766 variables; keep it small).
CHUNK = 2000


def _day(value: dt.datetime | None) -> dt.date:
    return timezone.localtime(value).date()  # type: ignore[arg-type]  # NOT NULL columns


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def episode_rows(episodes: Iterable[Episode], scored: Scored | None = None,
                 ) -> dict[int, EpisodeRows]:
    """Each episode's rows, by episode id, in the order given; their scored assessments from
    `scored` when the caller read them already (the episode page: `scored_of_patient`)."""
    episodes = list(episodes)
    found: dict[int, EpisodeRows] = {}
    for start in range(0, len(episodes), CHUNK):
        found.update(_chunk(episodes[start:start + CHUNK], scored))
    return found


def _chunk(episodes: list[Episode], scored: Scored | None) -> dict[int, EpisodeRows]:
    ids = [e.pk for e in episodes]
    scored = scored or scored_of_episodes(ids)
    measurements, versions = scored.measurements, scored.versions
    visits = _visits(ids)
    painkillers, pk_versions = _painkillers(ids)
    events = _adverse_events(ids)
    plans = _plans(ids)
    later = _later_episodes(episodes)
    found = {}
    for episode in episodes:
        goals, points = plans.get(episode.pk, ((), None))
        found[episode.pk] = EpisodeRows(
            episode_id=episode.pk, opened_on=episode.opened_on,
            discharged_on=episode.closed_on if episode.status == EpisodeStatus.DISCHARGED
            else None,
            measurements=tuple(measurements[episode.pk]), visits=tuple(visits[episode.pk]),
            painkillers=tuple(painkillers[episode.pk]),
            adverse_events=tuple(events[episode.pk]), goals=goals, plan_points=points,
            next_episode_opened_on=later.get(episode.pk),
            data_versions=tuple(sorted(versions[episode.pk] | pk_versions[episode.pk])),
        )
    return found


def _json(value: Any) -> Any:
    """A JSON column as a raw cursor returns it: PostgreSQL parsed, SQLite its text."""
    return json.loads(value) if isinstance(value, str | bytes) else value


# The reads below are hand-written statements: the episode page reads them on every request,
# and building the same reads through the ORM cost several times more than running them.


def _visits(ids: list[int]) -> dict[int, list[VisitRow]]:
    """The live visits (`visits.access.live_visits`), by number, with their needles and how
    many of them have their lot noted, and whether the practitioner has a licence number."""
    found: dict[int, list[VisitRow]] = defaultdict(list)
    live, live_params = live_visit_sql("v.id")
    point = VisitPoint._meta.db_table
    rows = fetch(
        "SELECT v.episode_id, v.number, v.started_at, v.pain_before, v.pain_after, "  # noqa: S608
        "v.finger_floor_cm, v.schober_cm, v.slr_left_deg, v.slr_right_deg, "
        "v.painkillers_taken, v.adjuncts, "
        f"(SELECT p.licence_number FROM {PractitionerProfile._meta.db_table} p "
        "WHERE p.user_id = v.practitioner_id), "
        f"(SELECT COUNT(*) FROM {point} n WHERE n.visit_id = v.id), "
        f"(SELECT COUNT(*) FROM {point} n WHERE n.visit_id = v.id AND n.lot <> '') "
        f"FROM {Visit._meta.db_table} v WHERE v.episode_id IN ({marks(ids)}) AND {live} "
        "ORDER BY v.episode_id, v.number", [*ids, *live_params])
    for (episode_id, number, started, before, after, floor, schober, slr_left, slr_right,
         taken, adjuncts, licence, needles, with_lot) in rows:
        found[episode_id].append(VisitRow(
            number=number, on=_day(db_datetime(started)), pain_before=before,
            pain_after=after, finger_floor_cm=_float(floor), schober_cm=_float(schober),
            slr_left_deg=slr_left, slr_right_deg=slr_right,
            painkillers_asked=taken is not None,
            co_interventions=tuple(_json(adjuncts) or ()),
            practitioner_licensed=bool(licence), needles=needles, needles_with_lot=with_lot))
    return found


def _painkillers(ids: list[int]) -> tuple[dict[int, list[PainkillerRow]], dict[int, set[str]]]:
    """The painkillers reported, in the order recorded, less those marked in error and those
    of a visit entered in error (one reported at intake has no visit)."""
    found: dict[int, list[PainkillerRow]] = defaultdict(list)
    versions: dict[int, set[str]] = defaultdict(set)
    live, live_params = live_visit_sql("k.visit_id")
    rows = fetch(
        "SELECT k.episode_id, v.number, k.drug, k.name, k.drug_class, "  # noqa: S608
        "k.days_last_week, k.mme_per_day, k.mme_table_version, k.list_version "
        f"FROM {PainkillerUse._meta.db_table} k LEFT JOIN {Visit._meta.db_table} v "
        f"ON v.id = k.visit_id WHERE k.episode_id IN ({marks(ids)}) "
        f"AND k.in_error_at IS NULL AND {live} ORDER BY k.recorded_at, k.id",
        [*ids, *live_params])
    for episode_id, number, drug, name, drug_class, days, mme, table, listed in rows:
        found[episode_id].append(PainkillerRow(number, drug, name, drug_class, days,
                                               _float(mme), table, listed))
        versions[episode_id] |= {table, listed}
    return found, versions


def _adverse_events(ids: list[int]) -> dict[int, list[AdverseEventRow]]:
    """The adverse events by onset, less those marked in error or of a visit entered in
    error."""
    found: dict[int, list[AdverseEventRow]] = defaultdict(list)
    live, live_params = live_visit_sql("e.visit_id")
    rows = fetch(
        "SELECT e.episode_id, v.number, e.kind, e.severity, e.serious "  # noqa: S608
        f"FROM {AdverseEvent._meta.db_table} e JOIN {Visit._meta.db_table} v "
        f"ON v.id = e.visit_id WHERE e.episode_id IN ({marks(ids)}) "
        f"AND e.in_error_at IS NULL AND {live} ORDER BY e.onset_at, e.id",
        [*ids, *live_params])
    for episode_id, number, kind, severity, serious in rows:
        found[episode_id].append(AdverseEventRow(number, kind, severity, bool(serious)))
    return found


def _plans(ids: list[int]) -> dict[int, tuple[tuple[Goal, ...], int]]:
    """The current plan (highest number) of each episode: its goals and how many points."""
    found: dict[int, tuple[tuple[Goal, ...], int]] = {}
    rows = fetch(
        "SELECT p.episode_id, p.goals, (SELECT COUNT(*) FROM "  # noqa: S608
        f"{PlanPoint._meta.db_table} n WHERE n.plan_id = p.id) FROM {Plan._meta.db_table} p "
        f"WHERE p.episode_id IN ({marks(ids)}) ORDER BY p.episode_id, p.number DESC", ids)
    for episode_id, goals, points in rows:
        if episode_id not in found:
            found[episode_id] = (tuple(_goal(g) for g in _json(goals) or ()), points)
    return found


def _goal(data: dict[str, Any]) -> Goal:
    target = data.get("target")
    return Goal(instrument=str(data.get("instrument") or ""),
                comparator=str(data.get("comparator") or ""),
                target=float(target) if isinstance(target, int | float) else None,
                text=str(data.get("text") or ""))


def _later_episodes(episodes: list[Episode]) -> dict[int, dt.date]:
    """For each discharged episode, when the patient's next episode opened after discharge."""
    closed = {e.pk: e for e in episodes
              if e.status == EpisodeStatus.DISCHARGED and e.closed_on is not None}
    if not closed:
        return {}
    by_patient: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for pk, patient_id, opened in Episode.objects.filter(
            patient_id__in={e.patient_id for e in closed.values()}).values_list(
            "pk", "patient_id", "opened_on"):
        by_patient[patient_id].append((opened, pk))
    found = {}
    for pk, episode in closed.items():
        after = [opened for opened, other in by_patient[episode.patient_id]
                 if other != pk and opened >= episode.closed_on]  # type: ignore[operator]
        if after:
            found[pk] = min(after)
    return found
