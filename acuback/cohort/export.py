"""The cohort for researchers: one de-identified row per episode, as CSV or Parquet.

What a row holds (docs/cohort.md lists every column): pseudonymous keys for the episode, the
patient and the practitioner (HMAC-SHA256 of the record id with the site's secret key, so
repeated exports link up but nobody can turn a key back into a record without the key); the
year the episode opened and its length in days; age in five-year bands at opening (90 and
over pooled); sex; region, radiation, ICD-10 code, status; chronicity, protocol and baseline
STarT Back group; per measure the baseline and latest totals, the improvement and the verdict;
visits and adverse events. Never names, contact details, addresses, exact dates or birth
dates, and no free text (HIPAA Safe Harbor, 45 CFR 164.514(b)(2), removes those).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from acuback.accounts.models import User
from acuback.audit.models import Action
from acuback.clinical.chronicity import chronicity
from acuback.clinical.cohort import COHORT_RULES_VERSION, OutcomePair, judge_pair
from acuback.cohort import engine
from acuback.cohort.filters import CohortFilter, Protocol, StartBackGroup
from acuback.cohort.selectors import audit_cohort, cohort_scope

# The measures with a column group each (pain, function, global impression, mood, sleep,
# fatigue): what the claims are measured by.
MEASURES = ("nrs", "peg", "odi", "rmdq", "pgic", "phq9", "gad7", "phq4", "isi", "pss10",
            "fatigue4a", "stiffness")
AGE_BAND_YEARS = 5
AGE_TOP = 90  # Safe Harbor pools ages over 89
KEY_LENGTH = 16

BASE_COLUMNS = ("episode_key", "patient_key", "practitioner_key", "opened_year",
                "episode_days", "age_band", "sex", "region", "radiation", "icd10_code",
                "status", "chronicity", "protocol", "startback_group", "visits",
                "adverse_events", "serious_adverse_events")
MEASURE_FIELDS = ("baseline", "latest", "followed", "improvement", "verdict")
COLUMNS = BASE_COLUMNS + tuple(f"{m}_{f}" for m in MEASURES for f in MEASURE_FIELDS)


def _key(kind: str, clinic_id: int, record_id: int | None) -> str | None:
    if record_id is None:
        return None
    message = f"acuback-cohort-export:{kind}:{clinic_id}:{record_id}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256)
    return digest.hexdigest()[:KEY_LENGTH]


def age_band(born: dt.date, on: dt.date) -> str:
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if years >= AGE_TOP:
        return f"{AGE_TOP}+"
    low = years // AGE_BAND_YEARS * AGE_BAND_YEARS
    return f"{low}-{low + AGE_BAND_YEARS - 1}"


def _protocol(estim: bool | None) -> str:
    if estim is None:
        return Protocol.NO_PLAN
    return Protocol.ELECTRO if estim else Protocol.MANUAL


def _measure_cells(pair: OutcomePair | None) -> list[Any]:
    if pair is None:
        return [None] * len(MEASURE_FIELDS)
    change = judge_pair(pair)
    rating = change is not None and change.baseline is None
    return [None if rating else pair.baseline, pair.latest,
            pair.followed or rating, None if change is None else change.improvement,
            None if change is None or change.verdict is None else change.verdict.value]


EPISODE_FIELDS = ("id", "patient_id", "patient__practitioner_id", "patient__date_of_birth",
                  "patient__sex", "opened_on", "closed_on", "onset_date", "region",
                  "radiation", "icd10_code", "status", "startback_band", "plan_estim")


def cohort_rows(clinic_id: int, f: CohortFilter) -> Iterator[list[Any]]:
    """The rows (COLUMNS order) of the cohort's episodes, oldest first."""
    episodes = engine.cohort_episodes(clinic_id, f)
    measures = engine.episode_measures(clinic_id, episodes)
    safety = engine.episode_safety(clinic_id, episodes)
    for e in engine.with_dimensions(episodes).order_by("opened_on", "id").values(
            *EPISODE_FIELDS):
        end = e["closed_on"]
        visits, events, serious = safety.get(e["id"], (0, 0, 0))
        onset = min(e["onset_date"], e["opened_on"])
        row: list[Any] = [
            _key("episode", clinic_id, e["id"]), _key("patient", clinic_id, e["patient_id"]),
            _key("practitioner", clinic_id, e["patient__practitioner_id"]),
            e["opened_on"].year, None if end is None else (end - e["opened_on"]).days,
            age_band(e["patient__date_of_birth"], e["opened_on"]), e["patient__sex"],
            e["region"], e["radiation"], e["icd10_code"], e["status"],
            chronicity(onset, e["opened_on"]).value, _protocol(e["plan_estim"]),
            e["startback_band"] or StartBackGroup.NOT_SCREENED, visits, events, serious,
        ]
        found = measures.get(e["id"], {})
        for measure in MEASURES:
            row += _measure_cells(found.get(measure))
        yield row


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    rows: int

    def as_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "format": self.format, "rows": self.rows,
                "columns": list(COLUMNS), "rules_version": COHORT_RULES_VERSION,
                "deidentified": True}


def write_csv(rows: Iterator[list[Any]], path: Path) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            count += 1
    return count


def write_parquet(rows: Iterator[list[Any]], path: Path) -> int:
    import pyarrow as pa  # imported when asked: it is large
    import pyarrow.parquet as pq

    data = list(rows)
    columns = {name: [r[i] for r in data] for i, name in enumerate(COLUMNS)}
    table = pa.table(columns)
    table = table.replace_schema_metadata({"acuback.rules_version": COHORT_RULES_VERSION,
                                           "acuback.deidentified": "true"})
    pq.write_table(table, path)
    return len(data)


def cohort_export(*, actor: User, filters: CohortFilter, path: Path) -> ExportResult:
    """Write the actor's cohort (scoped as the report is) to `path` (.csv or .parquet)."""
    scope = cohort_scope(actor, filters, action=Action.EXPORT)
    f = scope.apply(filters)
    fmt = "parquet" if path.suffix == ".parquet" else "csv"
    writer = write_parquet if fmt == "parquet" else write_csv
    count = writer(cohort_rows(scope.clinic_id, f), path)
    audit_cohort(actor, scope, f, Action.EXPORT, rows=count, format=fmt, deidentified=True)
    return ExportResult(path, fmt, count)
