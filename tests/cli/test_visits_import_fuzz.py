"""`acuback visits import` fuzzed (issue 8): whatever file of visits arrives (arbitrary JSON, or
a valid file of three visits with one part replaced, removed or added, a record duplicated, a
value set to a NUL byte, half a surrogate pair, a number too large for the database, 2020-02-30
or an episode that is not there), the command imports it whole and exits 0, or says which
record is wrong and exits 2 having stored nothing: no row of any of our models (a visit, its
points or painkillers) and no audit entry but refusals.

Each example runs in a savepoint rolled back after it, so each imports into the same clinic.
"""

from __future__ import annotations

import copy
import io
import json
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuback.audit.models import AuditEntry, Outcome
from acuback.cli import main as acuback_main
from acuback.visits.models import Visit
from tests.clinical.test_outside_input_fuzz import edited, json_values
from tests.personas import World
from tests.savepoint import in_savepoint
from tests.visits.factories import LOT, ready

FUZZ_DB = settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])

ODD = st.sampled_from(["\x00", "a\x00b", "\ud800", "2020-02-30", "2026-13-01T10:00:00Z",
                       "1e999", 10**30, -(10**19), 2**63, 2**31, 1.5e308, -1, "", [], {}, None,
                       "x" * 6000])


def _records(world: World) -> list[dict[str, Any]]:
    return [{"external_id": f"ehr-{n}", "episode_id": world.other_episode.pk,
             "subjective": f"Charted in the old system ({n})", "painkillers_taken": False,
             "needles_in": 2, "needles_out": 2, "minutes_without_estim": 20,
             "points": [{"code": "BL23", "side": "bilateral", "lot": LOT}]}
            for n in (1, 2, 3)]


@st.composite
def _duplicated(draw: st.DrawFn, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    doc = copy.deepcopy(records)
    doc.insert(draw(st.integers(0, len(doc))), copy.deepcopy(draw(st.sampled_from(doc))))
    return doc


@st.composite
def _odd_value(draw: st.DrawFn, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One field of one record (or of its point) set to a value that breaks a parser."""
    doc = copy.deepcopy(records)
    node: Any = draw(st.sampled_from(doc))
    if draw(st.booleans()):
        node = node["points"][0]
    node[draw(st.sampled_from(sorted(node)))] = draw(ODD)
    return doc


def files(records: list[dict[str, Any]]) -> st.SearchStrategy[Any]:
    return edited(records) | _duplicated(records) | _odd_value(records) | json_values


def _rows() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if model.__module__.startswith("acuback.") and model is not AuditEntry}


def _last_audit() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _import(doc: Any) -> tuple[int, str, str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "visits.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            status = acuback_main(["visits", "import", str(path), "--user", "prac"])
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def records(world: World) -> list[dict[str, Any]]:
    ready(world)
    return _records(world)


def test_it_imports_the_unedited_file(records: list[dict[str, Any]]) -> None:
    status, out, err = _import(records)
    assert (status, err) == (0, "")
    assert [r["created"] for r in json.loads(out)] == [True, True, True]
    assert Visit.objects.count() == 3


def test_a_refused_record_leaves_the_records_before_it_unimported(
        records: list[dict[str, Any]]) -> None:
    """The file is imported whole or not at all: the third record's unknown point keeps the
    first two out too, and the refusal is audited."""
    records[2]["points"] = [{"code": "BL99"}]
    last_audit = _last_audit()
    status, out, err = _import(records)
    assert (status, out) == (2, "")
    assert "record 3 (ehr-3) not imported: " in err and "nothing was imported" in err
    assert not Visit.objects.exists()
    refusal = AuditEntry.objects.filter(pk__gt=last_audit, object_type="visit_import").get()
    assert (refusal.outcome, refusal.detail["record"]) == (Outcome.INVALID, 3)


@pytest.mark.parametrize("text", ["a\x00b", "\ud800"])
def test_it_refuses_text_no_database_can_store(records: list[dict[str, Any]],
                                               text: str) -> None:
    records[1]["subjective"] = text
    status, _, err = _import(records)
    assert status == 2 and "cannot be stored" in err and not Visit.objects.exists()


@pytest.mark.parametrize("number", [10**30, 2**63, -(10**19)])
def test_it_refuses_a_number_too_large_for_the_database(records: list[dict[str, Any]],
                                                        number: int) -> None:
    records[0]["episode_id"] = number
    status, _, err = _import(records)
    assert status == 2 and "record 1" in err and not Visit.objects.exists()


@FUZZ_DB
@given(data=st.data())
def test_acuback_visits_import_exits_0_or_2_on_any_file_and_stores_all_or_nothing(
        records: list[dict[str, Any]], data: st.DataObject) -> None:
    doc = data.draw(files(records))

    def check() -> None:
        before, last_audit = _rows(), _last_audit()
        status, out, err = _import(doc)
        assert status in (0, 2), err
        assert (status == 0) == bool(out) and (status == 2) == bool(err), (out, err)
        if status == 0:
            assert len(json.loads(out)) == len(doc)
            return
        assert err.startswith("acuback visits: ") and "Traceback" not in err, err
        assert _rows() == before, err
        new = AuditEntry.objects.filter(pk__gt=last_audit)
        assert not new.filter(outcome=Outcome.OK).exists(), (list(new.values()), err)

    in_savepoint(check)
