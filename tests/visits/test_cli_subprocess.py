"""`acuback lots find` run for real, in a fresh data directory with nothing in it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def fresh_lots_find(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACUBACK_")}
    env["ACUBACK_DATA_DIR"] = str(tmp_path)
    subprocess.run([sys.executable, "-m", "acuback", "manage", "migrate", "-v0"],  # noqa: S603
                   env=env, check=True, timeout=300)
    return subprocess.run([sys.executable, "-m", "acuback", "lots", "find", "NONE-1"],  # noqa: S603
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def test_it_prints_an_empty_json_array_for_an_unknown_lot(fresh_lots_find) -> None:  # noqa: ANN001
    assert fresh_lots_find.returncode == 0, fresh_lots_find.stderr
    assert json.loads(fresh_lots_find.stdout) == []
