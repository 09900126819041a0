"""The scored assessments (a total recorded) of some episodes, oldest first: the one read of
them that the outcomes (`outcomes.rows`) and Medicare's improvement evidence
(`billing.coverage`) both judge by. A hand-written statement: the episode page and every draft
visit page read it. The episode page reads it once, by patient, for both of its panels."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from acuback.assessments.models import Assessment
from acuback.clinical.outcomes import Measurement
from acuback.dbtime import db_datetime
from acuback.episodes.models import Episode
from acuback.sqlrows import fetch, marks, table


@dataclass(frozen=True)
class Scored:
    """By episode id: its measures in the order taken, and the definition versions scored."""

    measurements: dict[int, list[Measurement]] = field(
        default_factory=lambda: defaultdict(list))
    versions: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))


def _read(where: str, params: list[object]) -> Scored:
    scored = Scored()
    for episode_id, instrument, at, total, version in fetch(
            "SELECT a.episode_id, a.instrument, a.administered_at, a.total, "  # noqa: S608
            f"a.definition_version FROM {table(Assessment)} a WHERE {where} "
            "AND a.total IS NOT NULL ORDER BY a.administered_at, a.id", params):
        taken: dt.datetime = db_datetime(at)  # type: ignore[assignment]  # NOT NULL
        scored.measurements[episode_id].append(
            Measurement(instrument, timezone.localtime(taken).date(), float(total)))
        scored.versions[episode_id].add(version)
    return scored


def scored_of_episodes(ids: list[int]) -> Scored:
    return _read(f"a.episode_id IN ({marks(ids)})", list(ids)) if ids else Scored()


def scored_of_patient(patient_id: int) -> Scored:
    """Those of every episode of the patient (Medicare's course counts them all)."""
    return _read(f"a.episode_id IN (SELECT e.id FROM {table(Episode)} e "  # noqa: S608
                 "WHERE e.patient_id = %s)", [patient_id])
