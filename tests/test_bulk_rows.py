"""acuback.bulk.value_rows: rows from field values are the rows the ORM would write from the
model instances built of them (`instance_rows`), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from acuback.billing.models import ClaimLine
from acuback.bulk import instance_rows, value_rows
from acuback.visits.models import Visit

pytestmark = pytest.mark.django_db  # the PostgreSQL pass prepares values its own way too

NOW = dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)
COLUMNS = tuple(f.name for f in ClaimLine._meta.concrete_fields if f.name != "id")


def _line(n: int, **changes: Any) -> dict[str, Any]:
    """A claim line's values as `claim_line_values` gives them (related records by id)."""
    return {
        "clinic_id": 1, "patient_id": 2 + n, "episode_id": 3, "visit": Visit(id=40 + n),
        "derivation": 1, "position": n, "service_date": dt.date(2026, 11, 2 + n),
        "code": "97810", "short": "Acupuncture", "units": 1, "modifier": "GA" if n else "",
        "modifier_why": "", "diagnoses": ["M54.50"],
        "unit_charge": Decimal("80.00") if n else None,
        "charge": Decimal("80.00") * n if n else None, "payer": "medicare",
        "to_medicare": bool(n), "billable": n != 1, "hold_reasons": [] if n != 1 else ["why"],
        "covered": True, "practitioner_id": 7, "rendering_npi": "1234567893",
        "incident_to": False, "supervisor_name": "", "coverage": {"n": n, "on": "2026-11-02"},
        "provider_check": {"medicare": True}, "versions": {"cpt": "2026"}, "visit_version": 3,
        "visit_hash": "ab" * 32, "derived_at": NOW - dt.timedelta(minutes=n),
        "derived_by_id": None if n == 2 else 7, "trace": "signed", "amendment": None,
        **changes,
    }


def _plain(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """PostgreSQL's JSON values are adapter objects: compare what they hold."""
    return [tuple(getattr(v, "obj", v) for v in row) for row in rows]


def test_it_writes_what_the_orm_writes_from_the_instances() -> None:
    values = [_line(n) for n in range(4)] + [_line(0, superseded_why="replaced")]
    made = list(value_rows(ClaimLine, COLUMNS, values))
    expected = list(instance_rows(COLUMNS, [ClaimLine(**v) for v in values]))
    assert _plain(made) == _plain(expected)
    # The values that differ between lines stay apart, whatever was prepared before.
    assert len({row[COLUMNS.index("derived_by")] for row in made}) == 2
    assert len({row[COLUMNS.index("visit")] for row in made}) == 4


def test_it_takes_related_records_by_object_or_by_id() -> None:
    by_id = _line(1, visit=41)
    by_object = _line(1)
    del by_id["visit"]
    by_id["visit_id"] = 41
    assert _plain(list(value_rows(ClaimLine, COLUMNS, [by_id]))) == _plain(
        list(value_rows(ClaimLine, COLUMNS, [by_object])))
