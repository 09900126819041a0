"""Episodes' rows for the clinical core's progress, read in a fixed number of queries whatever
the number of episodes (six: assessments, visits, painkillers, adverse events, plans, the
patients' other episodes), so one episode page and a cohort of thousands cost the same queries.

Not scoped and not audited: callers hold the episodes from a scoped, audited selector
(`acuback.outcomes.selectors`), as `plans.selectors.plan_current` does.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from acuback.assessments.models import Assessment
from acuback.clinical.outcomes import Measurement
from acuback.clinical.progress import AdverseEventRow, EpisodeRows, Goal, PainkillerRow, VisitRow
from acuback.episodes.models import Episode, EpisodeStatus
from acuback.plans.models import Plan
from acuback.visits.access import live_visits
from acuback.visits.models import AdverseEvent, AmendmentKind, PainkillerUse, Visit

# An IN list of at most this many ids per query (SQLite allows 32,766 variables; keep it small).
CHUNK = 2000
IN_ERROR = Q(visit__amendments__kind=AmendmentKind.ENTERED_IN_ERROR)


def _day(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def episode_rows(episodes: Iterable[Episode]) -> dict[int, EpisodeRows]:
    """Each episode's rows, by episode id, in the order given."""
    episodes = list(episodes)
    found: dict[int, EpisodeRows] = {}
    for start in range(0, len(episodes), CHUNK):
        found.update(_chunk(episodes[start:start + CHUNK]))
    return found


def _chunk(episodes: list[Episode]) -> dict[int, EpisodeRows]:
    ids = [e.pk for e in episodes]
    measurements, versions = _measurements(ids)
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


def _measurements(ids: list[int]) -> tuple[dict[int, list[Measurement]], dict[int, set[str]]]:
    found: dict[int, list[Measurement]] = defaultdict(list)
    versions: dict[int, set[str]] = defaultdict(set)
    rows = (Assessment.objects.filter(episode_id__in=ids, total__isnull=False)
            .order_by("administered_at", "id")
            .values_list("episode_id", "instrument", "administered_at", "total",
                         "definition_version"))
    for episode_id, instrument, at, total, version in rows:
        found[episode_id].append(Measurement(instrument, _day(at), total))
        versions[episode_id].add(version)
    return found, versions


def _visits(ids: list[int]) -> dict[int, list[VisitRow]]:
    found: dict[int, list[VisitRow]] = defaultdict(list)
    rows = (live_visits(Visit.objects.filter(episode_id__in=ids))
            .annotate(needles=Count("points"),
                      with_lot=Count("points", filter=~Q(points__lot="")))
            .order_by("episode_id", "number")
            .values("episode_id", "number", "started_at", "pain_before", "pain_after",
                    "finger_floor_cm", "schober_cm", "slr_left_deg", "slr_right_deg",
                    "painkillers_taken", "adjuncts", "practitioner__practitioner__licence_number",
                    "needles", "with_lot"))
    for v in rows:
        found[v["episode_id"]].append(VisitRow(
            number=v["number"], on=_day(v["started_at"]), pain_before=v["pain_before"],
            pain_after=v["pain_after"], finger_floor_cm=_float(v["finger_floor_cm"]),
            schober_cm=_float(v["schober_cm"]), slr_left_deg=v["slr_left_deg"],
            slr_right_deg=v["slr_right_deg"],
            painkillers_asked=v["painkillers_taken"] is not None,
            co_interventions=tuple(v["adjuncts"] or ()),
            practitioner_licensed=bool(v["practitioner__practitioner__licence_number"]),
            needles=v["needles"], needles_with_lot=v["with_lot"]))
    return found


def _painkillers(ids: list[int]) -> tuple[dict[int, list[PainkillerRow]], dict[int, set[str]]]:
    found: dict[int, list[PainkillerRow]] = defaultdict(list)
    versions: dict[int, set[str]] = defaultdict(set)
    rows = (PainkillerUse.objects.filter(episode_id__in=ids, in_error_at__isnull=True)
            .exclude(IN_ERROR).order_by("recorded_at", "id")
            .values_list("episode_id", "visit__number", "drug", "name", "drug_class",
                         "days_last_week", "mme_per_day", "mme_table_version", "list_version"))
    for episode_id, number, drug, name, drug_class, days, mme, table, listed in rows:
        found[episode_id].append(PainkillerRow(number, drug, name, drug_class, days,
                                               _float(mme), table, listed))
        versions[episode_id] |= {table, listed}
    return found, versions


def _adverse_events(ids: list[int]) -> dict[int, list[AdverseEventRow]]:
    found: dict[int, list[AdverseEventRow]] = defaultdict(list)
    rows = (AdverseEvent.objects.filter(episode_id__in=ids, in_error_at__isnull=True)
            .exclude(IN_ERROR).order_by("onset_at", "id")
            .values_list("episode_id", "visit__number", "kind", "severity", "serious"))
    for episode_id, number, kind, severity, serious in rows:
        found[episode_id].append(AdverseEventRow(number, kind, severity, serious))
    return found


def _plans(ids: list[int]) -> dict[int, tuple[tuple[Goal, ...], int]]:
    """The current plan (highest number) of each episode: its goals and how many points."""
    found: dict[int, tuple[tuple[Goal, ...], int]] = {}
    rows = (Plan.objects.filter(episode_id__in=ids).annotate(n=Count("points"))
            .order_by("episode_id", "-number").values_list("episode_id", "goals", "n"))
    for episode_id, goals, points in rows:
        if episode_id not in found:
            found[episode_id] = (tuple(_goal(g) for g in goals or ()), points)
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
