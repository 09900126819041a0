"""`acuback points`, run as the real command in a subprocess, one contract rule per test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from acuback.clinical.acupoints import MERIDIANS, TAGS


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "acuback", "points", *args],
        capture_output=True,
        timeout=60,
        check=False,
        env=env,
    )


def ok_json(*args: str) -> Any:
    result = run(*args)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    return json.loads(result.stdout.decode("utf-8"))


def test_it_shows_one_point_as_a_json_object() -> None:
    point = ok_json("show", "BL23")
    assert point["code"] == "BL23"
    assert point["meridian"] == "BL"
    assert point["pinyin"] == "Shènshū"
    assert point["hanzi"] == "肾俞"
    assert point["location"]
    assert point["tags"] == []
    assert {"number", "region", "depth", "angle", "bilateral", "categories"} <= set(point)


def test_it_shows_a_code_typed_in_any_case() -> None:
    assert ok_json("show", "gb21")["code"] == "GB21"
    assert ok_json("show", "ex-b2")["code"] == "EX-B2"


def test_it_shows_safety_tags() -> None:
    point = ok_json("show", "GB21")
    assert point["tags"] == ["pneumothorax_risk", "pregnancy_avoid"]
    assert point["max_depth_mm"] == 10.0


def test_it_refuses_an_unknown_code_with_did_you_mean_and_no_stdout() -> None:
    result = run("show", "BL68")
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode() == (
        "acuback points: unknown point 'BL68'; did you mean BL67, BL6, BL8?\n"
    )


def test_it_prints_readable_utf8_not_escapes() -> None:
    # Even under a C/ASCII locale the output is UTF-8 with the characters themselves.
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii"}
    result = run("show", "BL23", env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert "肾俞" in result.stdout.decode("utf-8")
    assert b"\\u" not in result.stdout


def test_it_lists_every_point_without_filters() -> None:
    points = ok_json("list")
    assert len(points) >= 361
    assert [p["code"] for p in points[:2]] == ["LU1", "LU2"]


def test_it_lists_a_meridian_case_insensitively() -> None:
    points = ok_json("list", "--meridian", "gv")
    assert [p["code"] for p in points] == [f"GV{n}" for n in range(1, MERIDIANS["GV"] + 1)]


def test_it_lists_points_with_a_tag() -> None:
    points = ok_json("list", "--tag", "pregnancy_avoid")
    assert {"LI4", "SP6", "BL67", "GB21", "CV4"} <= {p["code"] for p in points}
    assert all("pregnancy_avoid" in p["tags"] for p in points)


def test_it_combines_the_filters() -> None:
    points = ok_json("list", "--meridian", "BL", "--tag", "pregnancy_avoid")
    assert [p["code"] for p in points] == ["BL31", "BL32", "BL33", "BL34", "BL60", "BL67"]


def test_it_refuses_an_unknown_meridian_with_the_allowed_values() -> None:
    result = run("list", "--meridian", "XX")
    assert result.returncode == 2
    assert result.stdout == b""
    message = result.stderr.decode()
    assert "unknown meridian 'XX'" in message
    assert all(code in message for code in [*MERIDIANS, "EX"])


def test_it_refuses_an_unknown_tag_with_the_allowed_values() -> None:
    result = run("list", "--tag", "pregnancy")
    assert result.returncode == 2
    assert result.stdout == b""
    message = result.stderr.decode()
    assert "unknown tag 'pregnancy'" in message
    assert all(tag in message for tag in TAGS)


def test_it_searches_by_pinyin_with_or_without_tones() -> None:
    assert ok_json("search", "shenshu")[0]["code"] == "BL23"
    assert ok_json("search", "Shènshū")[0]["code"] == "BL23"


def test_it_searches_by_characters_code_and_region() -> None:
    assert ok_json("search", "肾俞")[0]["code"] == "BL23"
    assert ok_json("search", "bl23")[0]["code"] == "BL23"
    assert all(p["region"] == "lower_back" for p in ok_json("search", "lower_back"))


def test_it_returns_an_empty_array_when_nothing_matches() -> None:
    assert ok_json("search", "nothinglikethis") == []


def test_it_exits_2_without_a_subcommand() -> None:
    result = run()
    assert result.returncode == 2
    assert result.stdout == b""


def test_it_never_imports_django() -> None:
    code = (
        "import sys; from acuback.cli import points; points.main(['show', 'BL23']); "
        "assert 'django' not in sys.modules, 'django imported'"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr.decode()
