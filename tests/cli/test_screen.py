"""`acuback screen`: the real command, run as a subprocess, against its contract."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli import acuback


def screen_stdin(data: object) -> subprocess.CompletedProcess[str]:
    return acuback("screen", "-", stdin=json.dumps(data))


def test_it_reads_stdin_when_given_a_dash() -> None:
    done = screen_stdin({"age": 52, "flags": {"history_of_cancer": True}})
    assert json.loads(done.stdout)["decision"] == "urgent"


def test_it_reads_a_file_path(tmp_path: Path) -> None:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps({"age": 40, "flags": {"night_pain": True}}), encoding="utf-8")
    assert json.loads(acuback("screen", str(path)).stdout)["decision"] == "routine"


def test_it_prints_the_contract_shape() -> None:
    out = json.loads(screen_stdin({"age": 40, "flags": {"fever": True}}).stdout)
    assert (set(out), set(out["fired"][0])) == (
        {"decision", "fired", "action"},
        {"flag", "category", "why"},
    )


def test_it_exits_0_for_an_emergency() -> None:
    done = screen_stdin({"age": 40, "flags": {"saddle_anaesthesia": True}})
    assert (done.returncode, json.loads(done.stdout)["decision"]) == (0, "emergency")


def test_it_exits_0_when_clear() -> None:
    assert screen_stdin({"age": 40, "flags": {}}).returncode == 0


def test_it_exits_2_on_malformed_json() -> None:
    done = acuback("screen", "-", stdin='{"age": 40, "flags": ')
    assert (done.returncode, done.stdout) == (2, "")


def test_it_explains_malformed_json_on_stderr() -> None:
    assert "not valid JSON" in acuback("screen", "-", stdin="{").stderr


def test_it_exits_2_on_a_missing_file(tmp_path: Path) -> None:
    done = acuback("screen", str(tmp_path / "absent.json"))
    assert (done.returncode, done.stdout, "cannot read" in done.stderr) == (2, "", True)


def test_it_exits_2_on_an_unknown_flag_and_names_it() -> None:
    done = screen_stdin({"age": 40, "flags": {"sore_back": True}})
    assert (done.returncode, done.stdout, "'sore_back'" in done.stderr) == (2, "", True)


@pytest.mark.parametrize("age", [None, "40", 40.5, True, -1, 121])
def test_it_exits_2_on_a_bad_age(age: object) -> None:
    done = screen_stdin({"age": age, "flags": {}})
    assert (done.returncode, done.stdout) == (2, "")


def test_it_exits_2_without_a_file_argument() -> None:
    assert acuback("screen").returncode == 2


def test_it_lists_the_flag_questions_in_its_help() -> None:
    assert "saddle_anaesthesia: Since your back pain began" in acuback("screen", "--help").stdout
