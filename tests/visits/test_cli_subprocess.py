"""`acuback lots find` run for real, in a fresh data directory with nothing in it."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.served import run_acuback


@pytest.fixture
def fresh_lots_find(tmp_path: Path, migrated_sqlite: Callable[[Path], dict[str, str]]
                    ) -> subprocess.CompletedProcess[str]:
    return run_acuback(migrated_sqlite(tmp_path), "lots", "find", "NONE-1", timeout=120)


def test_it_prints_an_empty_json_array_for_an_unknown_lot(fresh_lots_find) -> None:  # noqa: ANN001
    assert fresh_lots_find.returncode == 0, fresh_lots_find.stderr
    assert json.loads(fresh_lots_find.stdout) == []
