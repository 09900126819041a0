"""`acuback prescribe`: the real command, run as a subprocess, against its contract."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.cli import acuback

PLAIN = {"region": "lumbar", "side": "bilateral", "radiation": "none", "chronicity": "chronic"}


def prescribe_stdin(data: object) -> subprocess.CompletedProcess[str]:
    return acuback("prescribe", "-", stdin=json.dumps(data))


def test_it_reads_stdin_when_given_a_dash() -> None:
    out = json.loads(prescribe_stdin(PLAIN).stdout)
    assert [p["code"] for p in out["points"]][:4] == ["BL23", "BL40", "KI3", "GV3"]


def test_it_reads_a_file_path(tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_text(json.dumps({**PLAIN, "bleeding_disorder": True}), encoding="utf-8")
    assert json.loads(acuback("prescribe", str(path)).stdout)["points"] == []


def test_it_prints_the_contract_shape() -> None:
    out = json.loads(prescribe_stdin({**PLAIN, "anticoagulant": True}).stdout)
    shapes = (set(out), set(out["points"][0]), set(out["estim"]), set(out["excluded"][0]))
    assert shapes == (
        {"points", "estim", "excluded", "warnings"},
        {"code", "side", "why"},
        {"allowed", "why"},
        {"code", "why"},
    )


def test_it_exits_0_on_a_good_request() -> None:
    assert prescribe_stdin(PLAIN).returncode == 0


def test_it_exits_2_on_malformed_json() -> None:
    done = acuback("prescribe", "-", stdin='{"region": ')
    assert (done.returncode, done.stdout, "not valid JSON" in done.stderr) == (2, "", True)


def test_it_exits_2_on_a_missing_file(tmp_path: Path) -> None:
    done = acuback("prescribe", str(tmp_path / "absent.json"))
    assert (done.returncode, done.stdout, "cannot read" in done.stderr) == (2, "", True)


def test_it_exits_2_on_an_unknown_key_and_names_it() -> None:
    done = prescribe_stdin({**PLAIN, "pregant": True})
    assert (done.returncode, done.stdout, "'pregant'" in done.stderr) == (2, "", True)


def test_it_exits_2_on_an_unknown_region() -> None:
    done = prescribe_stdin({**PLAIN, "region": "cervical"})
    assert (done.returncode, done.stdout, "'region' must be one of" in done.stderr) == (2, "", True)


def test_it_exits_2_on_a_missing_required_field() -> None:
    done = prescribe_stdin({k: v for k, v in PLAIN.items() if k != "side"})
    assert (done.returncode, "'side' is required" in done.stderr) == (2, True)


def test_it_exits_2_on_a_wrong_type() -> None:
    assert prescribe_stdin({**PLAIN, "estim_requested": "yes"}).returncode == 2


def test_it_lists_the_vocabularies_in_its_help() -> None:
    assert (
        "region: lumbar | lumbosacral | thoracic | sacroiliac"
        in acuback("prescribe", "--help").stdout
    )
