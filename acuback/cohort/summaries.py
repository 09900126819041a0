"""Keeping the per-episode summaries (`acuback.cohort.models`) current.

`refresh_episode_summaries(ids)` recomputes the summaries of the given episodes by running the
cohort report's own per-episode queries over the raw rows (`engine.with_dimensions`,
`engine.episode_measures`, `engine.episode_safety`) for just those episodes, and replaces what
was stored: the engine's rules stay the only definition, a summary is what the raw rows give.
The same call serves one episode after a write and a whole clinic for a rebuild (set-based,
CHUNK episodes at a time).

Who calls it: `refresh_episode_summary(episode_id)`, explicitly, from every service that writes
what the report counts, in that service's own transaction (a failed write leaves the summary as
it was): an episode opened or edited (`episodes.services`), a questionnaire recorded
(`assessments.services`), a plan saved or imported (`plans.services`), a visit started or
imported (`visits.services.insert_draft`) or signed, an amendment (`visits.signing`), an adverse
event recorded, followed up or entered in error (`visits.adverse`, `visits.imports`), a new
practitioner of record (`patients.services`, every episode of the patient). Not signals:
`bulk_create` and `QuerySet.update` bypass them, and most of these writes are updates. The bulk
path (`acuback.demo.bulk`) writes around the services; its cohort step (`acuback.cohort.demo`)
writes its new episodes' summaries from the values the other steps kept, in the load's
transaction (a test checks them against the raw rows with `check_summaries`).
`acuback analyze rebuild-summaries --check` finds a row written around all of them.

Each refresh locks its episodes' rows first (as a plan save or a visit start does), so two
writes to one episode at once refresh one after the other, the second seeing the first's rows.

A loader that writes many records through the services in one transaction (the demo,
`acuback.demo.demo_load`) wraps them in `summaries_deferred()`: the refreshes the services
ask for are gathered and run once, set-based, at its end, in the same transaction. The
summaries are the same (each is what the raw rows give, and nothing in between reads them);
what the demo saves is the refresh after every write of every visit of every episode.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection, transaction

from acuback.cohort import engine
from acuback.cohort.models import DIMENSIONS, EpisodeMeasure, EpisodeSummary
from acuback.episodes.models import Episode

CHUNK = 2000
# The episodes whose refresh is gathered (inside summaries_deferred), or None.
_deferred: ContextVar[set[int] | None] = ContextVar("deferred_summaries", default=None)


def _refresh_clinic(clinic_id: int, ids: list[int]) -> None:
    episodes = Episode.objects.filter(clinic_id=clinic_id, pk__in=ids)
    dims = engine.with_dimensions(episodes).values_list(
        "id", "patient_id", "patient__practitioner_id", "opened_on", "days_open",
        "startback_band", "plan_estim")
    measures = engine.episode_measures(clinic_id, episodes)
    safety = engine.episode_safety(clinic_id, episodes)
    summaries, rows = [], []
    for pk, patient_id, practitioner_id, opened_on, days_open, band, estim in dims:
        visits, events, serious = safety.get(pk, (0, 0, 0))
        # what the filters split by, on the summary and on each of its measures alike
        dimensions = {"practitioner_id": practitioner_id, "opened_on": opened_on,
                      "days_open": days_open.days, "startback_band": band or "",
                      "plan_estim": estim}
        summaries.append(EpisodeSummary(
            episode_id=pk, clinic_id=clinic_id, patient_id=patient_id, visits=visits,
            adverse_events=events, serious_adverse_events=serious, **dimensions))
        rows.extend(EpisodeMeasure(episode_id=pk, clinic_id=clinic_id, instrument=instrument,
                                   baseline=pair.baseline, latest=pair.latest,
                                   followed=pair.followed, **dimensions)
                    for instrument, pair in measures.get(pk, {}).items())
    EpisodeMeasure.objects.filter(episode_id__in=ids).delete()
    EpisodeSummary.objects.filter(episode_id__in=ids).delete()
    EpisodeSummary.objects.bulk_create(summaries, batch_size=500)
    EpisodeMeasure.objects.bulk_create(rows, batch_size=500)


def refresh_episode_summaries(episode_ids: Iterable[int]) -> None:
    """Recompute the summaries of these episodes from their raw rows (atomic)."""
    ids = sorted(set(episode_ids))
    if not ids:
        return
    with transaction.atomic():
        by_clinic: dict[int, list[int]] = {}
        locked = (Episode.objects.select_for_update().filter(pk__in=ids).order_by("pk")
                  .values_list("id", "clinic_id"))
        for pk, clinic_id in locked:
            by_clinic.setdefault(clinic_id, []).append(pk)
        for clinic_id, found in by_clinic.items():
            _refresh_clinic(clinic_id, found)


def refresh_episode_summary(episode_id: int) -> None:
    """The one service every write path calls after changing what the report counts."""
    _refresh_or_gather([episode_id])


def refresh_patient_summaries(patient_id: int) -> None:
    """After a change to the patient (their practitioner of record): each of their episodes."""
    _refresh_or_gather(Episode.objects.filter(patient_id=patient_id).values_list("id", flat=True))


def _refresh_or_gather(ids: Iterable[int]) -> None:
    gathered = _deferred.get()
    if gathered is None:
        refresh_episode_summaries(ids)
    else:
        gathered.update(ids)


@contextmanager
def summaries_deferred() -> Iterator[None]:
    """Inside a transaction: the write paths' refreshes gathered and run once, set-based, when
    the block ends without an error (for a loader writing many records: the demo). Nothing in
    the block may read the summaries of the episodes it writes. A nested block joins the outer."""
    if _deferred.get() is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("summaries_deferred() needs a transaction: the records and their "
                           "summaries commit together")
    gathered: set[int] = set()
    token = _deferred.set(gathered)
    try:
        yield
    finally:
        _deferred.reset(token)
    refresh_episode_summaries(gathered)


def summary_ids(*, clinic_id: int | None = None, missing_only: bool = False) -> list[int]:
    """The episodes a rebuild covers: all (or one clinic's), or only those without a summary."""
    episodes = Episode.objects.all() if clinic_id is None else Episode.objects.filter(
        clinic_id=clinic_id)
    if missing_only:
        episodes = episodes.filter(cohort_summary__isnull=True)
    return list(episodes.order_by("id").values_list("id", flat=True))


def rebuild_summaries(ids: list[int], advance: Callable[[int], None] | None = None) -> None:
    """These episodes' summaries recomputed set-based, CHUNK episodes per statement group;
    `advance(n)` after each chunk (a progress bar)."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        refresh_episode_summaries(chunk)
        if advance is not None:
            advance(len(chunk))


@dataclass(frozen=True)
class Mismatch:
    episode_id: int
    stored: object
    computed: object


def _stored(ids: list[int]) -> dict[int, tuple[object, ...]]:
    """Each episode's stored summary and measures, every column (a measure's filter columns
    too: a measure left with an old practitioner or band is a mismatch)."""
    found: dict[int, tuple[object, ...]] = {}
    measures: dict[int, list[tuple[object, ...]]] = {}
    for m in EpisodeMeasure.objects.filter(episode_id__in=ids):
        measures.setdefault(m.episode_id, []).append(
            (m.instrument, m.baseline, m.latest, m.followed, m.clinic_id,
             *(getattr(m, d) for d in DIMENSIONS)))
    for s in EpisodeSummary.objects.filter(episode_id__in=ids):
        found[s.episode_id] = (s.clinic_id, s.patient_id, s.practitioner_id, s.opened_on,
                               s.days_open, s.startback_band, s.plan_estim, s.visits,
                               s.adverse_events, s.serious_adverse_events,
                               tuple(sorted(measures.pop(s.episode_id, []), key=str)))
    for pk, orphans in measures.items():  # measures without a summary
        found[pk] = (None, tuple(sorted(orphans, key=str)))
    return found


def check_summaries(episode_ids: Iterable[int]) -> list[Mismatch]:
    """The stored summaries of these episodes against what their raw rows give now (computed
    in a transaction that is rolled back, so nothing is written)."""
    ids = sorted(set(episode_ids))
    stored = _stored(ids)
    computed: dict[int, tuple[object, ...]] = {}

    class _Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            refresh_episode_summaries(ids)
            computed = _stored(ids)
            raise _Rollback
    except _Rollback:
        pass
    return [Mismatch(pk, stored.get(pk), computed.get(pk)) for pk in ids
            if stored.get(pk) != computed.get(pk)]
