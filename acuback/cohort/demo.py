"""Bulk demo step: the cohort summaries of the bulk episodes, from what the steps before wrote.

The bulk path (`acuback.demo.bulk`) writes its rows around the services, so nothing calls
`refresh_episode_summary` for them. Recomputing them afterwards from the raw rows
(`acuback.cohort.summaries.rebuild_summaries`) would rank every questionnaire and count every
visit of a registry again (111 s per 25,000 episodes on SQLite); instead this step writes each
summary from the values the earlier steps kept in the context while they wrote the rows:

- the episode's patient, practitioner of record, opening and onset (`ctx.episodes`);
- per scored questionnaire, its earliest and last total in the order taken and whether there
  is more than one (`ctx.measurements`, kept in the order the rows were written: by time, then
  id, as `engine.episode_measures` orders them);
- the band of the first scored STarT Back (`ctx.startback`), the current plan's e-stim
  (`ctx.plan_estim`), the live visits and adverse events (`ctx.safety`).

Each measure row carries its episode's filter columns, the same values as its summary.

They mean what the engine's queries mean (`acuback.cohort.engine`, the definition): a test
builds a registry in bulk and finds no mismatch with `check_summaries`, which recomputes them
from the raw rows (tests/cohort/test_summaries_demo.py), as `acuback analyze rebuild-summaries
--check` does.
"""

from __future__ import annotations

from acuback.bulk import db_date, insert_rows
from acuback.clinical.outcomes import Measurement
from acuback.cohort.models import EpisodeMeasure, EpisodeSummary
from acuback.demo.bulk import BulkContext

# what the filters split by (`models.Dimensions`), on the summary and on each of its measures
DIMENSION_COLUMNS = ("practitioner", "opened_on", "days_open", "startback_band", "plan_estim")
SUMMARY_COLUMNS = ("episode", "clinic", "patient", *DIMENSION_COLUMNS, "visits",
                   "adverse_events", "serious_adverse_events")
MEASURE_COLUMNS = ("episode", "clinic", "instrument", "baseline", "latest", "followed",
                   *DIMENSION_COLUMNS)


def _pairs(measured: list[Measurement]) -> dict[str, tuple[float, float, bool]]:
    """Per instrument: (baseline, latest, followed up) of measurements in the order taken."""
    found: dict[str, list[float | int]] = {}
    for m in sorted(measured, key=lambda m: m.taken_on):  # stable: same-day ones by id
        pair = found.get(m.instrument)
        if pair is None:
            found[m.instrument] = [m.total, m.total, 1]
        else:
            pair[1], pair[2] = m.total, pair[2] + 1
    return {instrument: (float(first), float(last), taken > 1)
            for instrument, (first, last, taken) in found.items()}


def bulk_summaries(ctx: BulkContext) -> None:
    """One summary per bulk episode and one measure per episode and scored questionnaire."""
    clinic = ctx.clinic.pk
    summaries, measures = [], []
    with ctx.progress("cohort summaries", len(ctx.episodes)) as advance:
        for e in ctx.episodes:
            visits, events, serious = ctx.safety.get(e.id, (0, 0, 0))
            dimensions = (e.patient.practitioner, db_date(e.opened), (e.opened - e.onset).days,
                          ctx.startback.get(e.id, ""), ctx.plan_estim.get(e.id))
            summaries.append((e.id, clinic, e.patient.id, *dimensions, visits, events, serious))
            for instrument, (baseline, latest, followed) in _pairs(
                    ctx.measurements.get(e.id, [])).items():
                measures.append((e.id, clinic, instrument, baseline, latest, followed,
                                 *dimensions))
        advance(insert_rows(EpisodeSummary, SUMMARY_COLUMNS, summaries))
        insert_rows(EpisodeMeasure, MEASURE_COLUMNS, measures)
