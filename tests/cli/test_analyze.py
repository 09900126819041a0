"""`acuback analyze compare`: the real command, run as a subprocess, against issue 11 item 7."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli import acuback

VICKERS = Path(__file__).resolve().parents[1] / "data" / "vickers2004_headache.csv"
COLUMNS = ["--group", "group", "--baseline", "pk1", "--followup", "pk5"]


def compare(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return acuback("analyze", "compare", str(path), *extra)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "trial.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_it_reproduces_the_vickers_2004_trial_in_the_issue_shape() -> None:
    done = compare(VICKERS, *COLUMNS, "--treatment", "1", "--responder-drop", "0.35")
    assert (done.returncode, done.stderr) == (0, "")
    out = json.loads(done.stdout)
    assert set(out) == {"groups", "adjusted_difference", "excluded"}
    assert set(out["groups"]) == {"0", "1"}
    assert set(out["groups"]["1"]) == {"n", "baseline_mean", "followup_mean", "mean_change",
                                       "responder_rate", "responder_ci"}
    effect = out["adjusted_difference"]
    # Published: adjusted difference 4.6 points in favour of acupuncture, 95 % CI 2.2 to 7.0.
    assert round(effect["estimate"], 1) == -4.6
    assert effect["ci"] == pytest.approx([-7.0, -2.2], abs=0.1)
    assert (out["excluded"], out["groups"]["1"]["n"], out["groups"]["0"]["n"]) == (100, 161, 140)
    # 87 of 161 acupuncture patients and 45 of 140 controls had at least 35 % less headache.
    assert out["groups"]["1"]["responder_rate"] == pytest.approx(87 / 161)
    assert out["groups"]["0"]["responder_rate"] == pytest.approx(45 / 140)


def test_it_lists_its_subcommands() -> None:
    done = acuback("analyze", "--help")
    assert (done.returncode, "compare" in done.stdout) == (0, True)


def test_it_exits_2_on_an_unknown_subcommand() -> None:
    assert acuback("analyze", "cohorts").returncode == 2


def test_it_exits_2_on_an_unknown_column_and_names_the_columns() -> None:
    done = compare(VICKERS, "--group", "arm", "--baseline", "pk1", "--followup", "pk5",
                   "--treatment", "1")
    assert (done.returncode, done.stdout) == (2, "")
    assert "unknown column 'arm'" in done.stderr and "pk1" in done.stderr


def test_it_exits_2_when_the_group_column_has_three_values(tmp_path: Path) -> None:
    path = write(tmp_path, "g,b,f\na,5,4\nb,6,5\nc,7,3\na,8,2\n")
    done = compare(path, "--group", "g", "--baseline", "b", "--followup", "f", "--treatment", "a")
    assert (done.returncode, "exactly two values" in done.stderr) == (2, True)


def test_it_exits_2_when_the_group_column_has_one_value(tmp_path: Path) -> None:
    path = write(tmp_path, "g,b,f\na,5,4\na,6,5\n")
    done = compare(path, "--group", "g", "--baseline", "b", "--followup", "f", "--treatment", "a")
    assert (done.returncode, "exactly two values" in done.stderr) == (2, True)


def test_it_exits_2_on_a_ragged_row(tmp_path: Path) -> None:
    path = write(tmp_path, "g,b,f\na,5,4\nb,6\n")
    done = compare(path, "--group", "g", "--baseline", "b", "--followup", "f", "--treatment", "a")
    assert (done.returncode, "line 3 has 2 fields" in done.stderr) == (2, True)


def test_it_exits_2_on_a_value_that_is_not_a_number(tmp_path: Path) -> None:
    path = write(tmp_path, "g,b,f\na,5,4\nb,six,5\n")
    done = compare(path, "--group", "g", "--baseline", "b", "--followup", "f", "--treatment", "a")
    assert (done.returncode, "line 3: b is 'six', not a number" in done.stderr) == (2, True)


def test_it_exits_2_on_an_empty_file(tmp_path: Path) -> None:
    done = compare(write(tmp_path, ""), *COLUMNS, "--treatment", "1")
    assert (done.returncode, "no header row" in done.stderr) == (2, True)


def test_it_exits_2_on_a_missing_file(tmp_path: Path) -> None:
    done = compare(tmp_path / "absent.csv", *COLUMNS, "--treatment", "1")
    assert (done.returncode, "cannot read" in done.stderr) == (2, True)


def test_it_exits_2_on_a_treatment_that_is_not_a_group() -> None:
    done = compare(VICKERS, *COLUMNS, "--treatment", "acupuncture")
    assert (done.returncode, "is not a group" in done.stderr) == (2, True)


def test_it_counts_na_cells_as_missing(tmp_path: Path) -> None:
    rows = "\n".join(f"{g},{b},{f}" for g, b, f in [
        ("a", 8, 4), ("a", 6, 3), ("a", 7, 5), ("b", 8, 7), ("b", 6, 6), ("b", 7, 7),
        ("a", "NA", 3), ("b", 5, "")])
    done = compare(write(tmp_path, f"g,b,f\n{rows}\n"), "--group", "g", "--baseline", "b",
                   "--followup", "f", "--treatment", "a")
    assert (done.returncode, json.loads(done.stdout)["excluded"]) == (0, 2)
