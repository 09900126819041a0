"""`acuback analyze cohort`: the real command's entry point, against the test database."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from acuback.audit.models import AuditEntry
from acuback.cli import main
from acuback.cohort.export import COLUMNS
from tests.personas import World

pytestmark = pytest.mark.django_db


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    code = main(["analyze", "cohort", *args])
    out = capsys.readouterr()
    return code, json.loads(out.out) if code == 0 else {}, out.err


def test_it_prints_the_cohort_report(measured: World, capsys) -> None:  # noqa: ANN001
    code, report, _ = run(capsys, "--user", "owner")
    assert code == 0 and report["episodes"] == 3
    nrs = next(o for o in report["outcomes"] if o["instrument"] == "nrs")
    # 8 -> 4 improved, 6 -> 6 no change, 9 -> 3 improved.
    assert (nrs["improved"]["count"], nrs["improved"]["n"]) == (2, 3)
    assert report["external"]["label"].startswith("external")
    assert {b["study"] for b in report["external"]["responder_rates"]} >= {"GERAC low back pain"}
    assert AuditEntry.objects.filter(object_type="cohort", channel="cli").exists()


def test_it_applies_the_filters(measured: World, capsys) -> None:  # noqa: ANN001
    code, report, _ = run(capsys, "--user", "owner", "--practitioner",
                          str(measured.practitioner.pk), "--opened-from", "2000-01-01")
    assert code == 0 and report["episodes"] == 2
    assert report["filters"]["practitioner"] == measured.practitioner.pk


def test_it_compares_two_groups(measured: World, capsys) -> None:  # noqa: ANN001
    code, _, err = run(capsys, "--user", "owner", "--compare-by", "protocol",
                       "--groups", "no_plan,electro", "--instrument", "nrs")
    assert code == 2 and "no episode of protocol 'electro'" in err  # none here


@pytest.mark.parametrize(("args", "message"), [
    (["--user", "nobody"], "no active user 'nobody'"),
    (["--user", "desk"], "owners and practitioners only"),
    (["--user", "owner", "--chronicity", "ancient"], "chronicity: 'ancient' is not one of"),
    (["--user", "owner", "--opened-from", "May"], "opened_from"),
    (["--user", "owner", "--compare-by", "protocol"], "needs --groups A,B"),
    (["--user", "owner", "--export", "out.xlsx"], ".csv or .parquet"),
])
def test_it_exits_2_on_bad_input(measured: World, capsys, args: list[str],  # noqa: ANN001
                                 message: str) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2 and message in err


def _identifiers(world: World) -> list[str]:
    found = []
    for patient in (world.patient, world.other_patient):
        found += [patient.given_name, patient.family_name, patient.date_of_birth.isoformat()]
    return found


def test_it_exports_de_identified_csv(measured: World, capsys, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "cohort.csv"
    code, report, _ = run(capsys, "--user", "owner", "--export", str(path))
    assert code == 0 and report["export"]["rows"] == 3 and report["export"]["deidentified"]
    text = path.read_text()
    assert not any(value in text for value in _identifiers(measured))
    rows = list(csv.DictReader(text.splitlines()))
    assert list(rows[0]) == list(COLUMNS)
    assert sorted((r["nrs_baseline"], r["nrs_latest"], r["nrs_verdict"]) for r in rows) == [
        ("6.0", "6.0", "no_change"), ("8.0", "4.0", "improved"), ("9.0", "3.0", "improved")]
    assert {r["age_band"] for r in rows} <= {"55-59", "60-64", "50-54", "35-39", "40-44"}
    assert AuditEntry.objects.filter(object_type="cohort", action="export").count() == 1


def test_it_exports_parquet(measured: World, capsys, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "cohort.parquet"
    assert run(capsys, "--user", "prac", "--export", str(path))[0] == 0
    table = pq.read_table(path)
    assert table.column_names == list(COLUMNS) and table.num_rows == 2
    assert table.schema.metadata[b"acuback.deidentified"] == b"true"
    assert sorted(table.column("nrs_improvement").to_pylist()) == [0.0, 4.0]
