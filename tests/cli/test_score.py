"""`acuback score`, run as the real command in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", "acuback", "score", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def jsonl(*requests: object) -> str:
    return "".join(json.dumps(r) + "\n" for r in requests)


# --- one response on the command line ---------------------------------------------------------


def test_it_prints_one_json_object_for_one_response() -> None:
    done = run("phq9", "3", "0", "1", "2", "0", "0", "1", "0", "3")
    assert done.returncode == 0
    assert json.loads(done.stdout) == {
        "instrument": "phq9",
        "total": 10,
        "band": "moderate",
        "item9_positive": True,
    }


def test_it_prints_integer_totals_as_integers() -> None:
    done = run("phq9", "3", "0", "1", "2", "0", "0", "1", "0", "3")
    assert '"total": 10,' in done.stdout


def test_it_prints_the_odi_unrounded_with_x_as_a_skipped_section() -> None:
    done = run("odi", "5", "5", "3", "3", "0", "0", "0", "0", "0", "x")
    assert json.loads(done.stdout) == {
        "instrument": "odi",
        "total": 1600 / 45,
        "band": "moderate",
        "answered": 9,
    }


def test_it_prints_the_peg_mean_unrounded() -> None:
    assert json.loads(run("peg", "5", "4", "4").stdout)["total"] == pytest.approx(13 / 3)


def test_it_prints_a_null_total_with_a_reason_and_exits_0_for_a_skipped_item() -> None:
    done = run("gad7", "1", "1", "x", "1", "1", "1", "1")
    result = json.loads(done.stdout)
    assert done.returncode == 0
    assert (result["total"], result["band"]) == (None, None)
    assert "item 3 (worry_too_much)" in result["reason"]


def test_it_prints_the_startback_subscale() -> None:
    result = json.loads(run("startback", "1", "0", "0", "0", "1", "1", "1", "0", "0").stdout)
    assert (result["total"], result["psychosocial"], result["band"]) == (4, 3, "medium")


def test_it_prints_the_phq4_subscales() -> None:
    result = json.loads(run("phq4", "3", "2", "1", "0").stdout)
    assert (result["anxiety"], result["depression"], result["total"]) == (5, 1, 6)


def test_it_prints_a_null_band_for_an_instrument_without_bands() -> None:
    assert json.loads(run("pss10", *["2"] * 10).stdout) == {
        "instrument": "pss10",
        "total": 20,
        "band": None,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "1"], "unknown instrument 'nope'"),
        (["odi", *["1"] * 9], "odi needs 10 answers, got 9"),
        (["odi", "0", "0", "7", *["0"] * 7], "item 3 (lifting): 7 is not an allowed answer (0-5)"),
        (["peg", "1", "two", "3"], "item 2 (enjoyment): 'two' is not an allowed answer (0-10)"),
        (["peg", "1", "2.0", "3"], "item 2 (enjoyment): '2.0' is not an allowed answer (0-10)"),
        (["nrs", "-1"], "item 1 (pain): -1 is not an allowed answer (0-10)"),
        (["startback", *["0"] * 8, "5"], "item 9 (bothersome): 5 is not an allowed answer (0-4)"),
        (["pgic", "0"], "item 1 (change): 0 is not an allowed answer (1-7)"),
    ],
)
def test_it_exits_2_with_the_item_and_range_on_stderr_and_nothing_on_stdout(
    args: list[str], message: str
) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_it_exits_2_when_no_instrument_is_given() -> None:
    done = run()
    assert done.returncode == 2
    assert done.stdout == ""


def test_it_exits_2_when_jsonl_is_mixed_with_answers() -> None:
    done = run("--jsonl", "odi", "1", stdin="")
    assert done.returncode == 2
    assert "--jsonl" in done.stderr


def test_it_documents_every_instrument_and_its_answer_range_in_help() -> None:
    done = run("--help")
    assert done.returncode == 0
    expected = {
        "nrs": "0-10",
        "peg": "0-10",
        "odi": "0-5",
        "rmdq": "0-1",
        "startback": "item 9 0-4",
        "phq9": "0-3",
        "gad7": "0-3",
        "phq4": "0-3",
        "isi": "0-4",
        "pss10": "0-4",
        "pgic": "1-7",
    }
    lines = done.stdout.splitlines()
    for instrument, allowed in expected.items():
        line = next(line for line in lines if line.strip().startswith(instrument + " "))
        assert allowed in line, line


def test_it_documents_the_jsonl_request_shape_and_exit_status_in_help() -> None:
    text = run("--help").stdout
    assert '{"instrument": "odi", "answers": [' in text
    assert "exit status" in text


# --- JSONL --------------------------------------------------------------------------------------


def test_it_answers_each_jsonl_line_in_order() -> None:
    done = run(
        "--jsonl",
        stdin=jsonl(
            {"instrument": "odi", "answers": [5, 5, 3, 3, 0, 0, 0, 0, 0, None]},
            {"instrument": "pgic", "answers": [2]},
            {"instrument": "nrs", "answers": [7]},
        ),
    )
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 0
    assert [r["instrument"] for r in out] == ["odi", "pgic", "nrs"]
    assert out[0]["total"] == pytest.approx(1600 / 45, abs=1e-12)
    assert (out[1]["band"], out[2]["band"]) == ("much improved", "severe")


def test_it_scores_the_good_lines_around_a_bad_one_and_exits_2() -> None:
    done = run(
        "--jsonl",
        stdin=jsonl(
            {"instrument": "nrs", "answers": [1]},
            {"instrument": "odi", "answers": [0, 0, 7, 0, 0, 0, 0, 0, 0, 0]},
            {"instrument": "nrs", "answers": [9]},
        ),
    )
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 2
    assert out[0]["total"] == 1 and out[2]["total"] == 9
    assert out[1] == {"error": "line 2: item 3 (lifting): 7 is not an allowed answer (0-5)"}


def test_it_exits_0_for_a_null_total_in_jsonl() -> None:
    done = run("--jsonl", stdin=jsonl({"instrument": "phq9", "answers": [0] * 8 + [None]}))
    assert done.returncode == 0
    assert json.loads(done.stdout)["total"] is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('"odi"', "must be a JSON object"),
        ("[1, 2]", "must be a JSON object"),
        ('{"instrument": "nrs"}', 'missing key "answers"'),
        ('{"answers": [1]}', 'missing key "instrument"'),
        ('{"instrument": "nrs", "answers": [1], "id": 7}', 'unexpected key "id"'),
        ('{"instrument": "nrs", "answers": "1"}', '"answers" must be a JSON list'),
        ('{"instrument": "nrs", "answers": {"0": 1}}', '"answers" must be a JSON list'),
        ('{"instrument": "nope", "answers": [1]}', "unknown instrument 'nope'"),
        ('{"instrument": 5, "answers": [1]}', "unknown instrument 5"),
        ('{"instrument": "nrs", "answers": [true]}', "item 1 (pain): true is not an allowed"),
        ('{"instrument": "nrs", "answers": [1.0]}', "item 1 (pain): 1.0 is not an allowed"),
        ('{"instrument": "nrs", "answers": ["1"]}', "item 1 (pain): '1' is not an allowed"),
        ('{"instrument": "nrs", "answers": [1, 2]}', "nrs needs 1 answer, got 2"),
        ("", "blank line"),
        ("   ", "blank line"),
    ],
)
def test_it_answers_a_bad_line_with_an_error_object(line: str, message: str) -> None:
    good = jsonl({"instrument": "nrs", "answers": [4]})
    done = run("--jsonl", stdin=good + line + "\n" + good)
    out = [json.loads(text) for text in done.stdout.splitlines()]
    assert done.returncode == 2
    assert len(out) == 3
    assert set(out[1]) == {"error"}
    assert out[1]["error"].startswith("line 2: ")
    assert message in out[1]["error"]
    assert out[0]["total"] == out[2]["total"] == 4


def test_it_reports_how_many_lines_failed_on_stderr() -> None:
    done = run("--jsonl", stdin="{}\n" + jsonl({"instrument": "nrs", "answers": [4]}))
    assert "1 of 2 lines failed" in done.stderr


def test_it_answers_empty_input_with_empty_output() -> None:
    done = run("--jsonl", stdin="")
    assert (done.returncode, done.stdout) == (0, "")


def test_it_reads_a_last_line_without_a_newline() -> None:
    done = run("--jsonl", stdin='{"instrument": "nrs", "answers": [2]}')
    assert json.loads(done.stdout)["total"] == 2


def test_it_keeps_order_across_many_lines() -> None:
    requests = [{"instrument": "nrs", "answers": [n % 11]} for n in range(20_000)]
    done = run("--jsonl", stdin=jsonl(*requests))
    totals = [json.loads(line)["total"] for line in done.stdout.splitlines()]
    assert totals == [n % 11 for n in range(20_000)]


# --- purity -----------------------------------------------------------------------------------


def test_it_never_imports_django() -> None:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-X", "importtime", "-m", "acuback", "score", "nrs", "3"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert "acuback.clinical.instruments" in imported  # the import log is really there
    assert not [name for name in imported if name.split(".")[0] == "django"]
