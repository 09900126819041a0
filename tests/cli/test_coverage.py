"""`acuback coverage`: the real command, run as a subprocess, against issue 12's contract."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli import acuback

EPISODE = {"onset": "2019-10-01", "systemic_cause": False, "surgery_associated": False,
           "pregnancy_associated": False}


def coverage_stdin(data: object) -> subprocess.CompletedProcess[str]:
    return acuback("coverage", "-", stdin=json.dumps(data))


def test_it_prints_the_contract_for_the_benefit_year_example(tmp_path: Path) -> None:
    path = tmp_path / "visit.json"
    path.write_text(json.dumps({"as_of": "2021-03-01", "episode": EPISODE,
                                "visits": ["2020-03-21"], "improvement": None}))
    done = acuback("coverage", str(path))
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout) == {
        "eligible": True,
        "reasons": [],
        "benefit_year_start": "2021-03-01",
        "visits_in_benefit_year": 0,
        "next_visit": {"covered": True, "kx_modifier": False,
                       "why": "covered: visit 1 of the first 12, day 1 of 90"},
        "remaining_in_benefit_year": 20,
        "next_benefit_year_start": "2022-03-01",
    }


def test_it_exits_0_when_the_next_visit_is_not_covered() -> None:
    visits = [f"2020-04-{day:02d}" for day in range(1, 13)]
    done = coverage_stdin({"as_of": "2020-04-20", "episode": EPISODE, "visits": visits,
                           "improvement": None})
    out = json.loads(done.stdout)
    assert (done.returncode, out["next_visit"]["covered"], out["visits_in_benefit_year"]) == (
        0, False, 12)


def test_it_exits_2_on_a_malformed_date() -> None:
    done = coverage_stdin({"as_of": "2020-13-01", "episode": EPISODE, "visits": [],
                           "improvement": None})
    assert (done.returncode, done.stdout) == (2, "")
    assert "as_of must be a date written YYYY-MM-DD" in done.stderr


@pytest.mark.parametrize("visit", ["2020-W13-6", "2020W136  ", "2020-3-28", "28/03/2020"])
def test_it_exits_2_on_a_visit_date_not_written_yyyy_mm_dd(visit: str) -> None:
    # "2020-W13-6" is Saturday 28 March 2020 as an ISO week date: a date, but not YYYY-MM-DD.
    done = coverage_stdin({"as_of": "2020-04-01", "episode": EPISODE, "visits": [visit],
                           "improvement": None})
    assert (done.returncode, done.stdout) == (2, "")
    assert "visits[0] must be a date written YYYY-MM-DD" in done.stderr


def test_it_exits_2_on_a_file_it_cannot_read(tmp_path: Path) -> None:
    done = acuback("coverage", str(tmp_path / "missing.json"))
    assert (done.returncode, done.stdout, "cannot read" in done.stderr) == (2, "", True)


def test_it_exits_2_on_a_visit_after_as_of() -> None:
    done = coverage_stdin({"as_of": "2020-04-01", "episode": EPISODE, "visits": ["2020-04-02"],
                           "improvement": None})
    assert (done.returncode, done.stdout, "after as_of" in done.stderr) == (2, "", True)


def test_it_exits_2_on_an_onset_after_the_first_visit() -> None:
    episode = {**EPISODE, "onset": "2020-05-01"}
    done = coverage_stdin({"as_of": "2020-06-01", "episode": episode, "visits": ["2020-04-02"],
                           "improvement": None})
    assert (done.returncode, "after the first visit" in done.stderr) == (2, True)


def test_it_exits_2_on_invalid_json() -> None:
    done = acuback("coverage", "-", stdin="{")
    assert (done.returncode, "not valid JSON" in done.stderr) == (2, True)
