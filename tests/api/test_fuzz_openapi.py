"""schemathesis against the OpenAPI document of a served demo: generated requests, valid and
invalid, to every operation. No answer may be a server error, and every status an operation
answers must be documented for it.

It runs in both passes of `make test`: the SQLite pass serves the demo from SQLite (a copy of
the run's `acuback demo`), the PostgreSQL pass from a scratch PostgreSQL database (holding a
copy of the run's in-process demo build, tests/demo_copy.py). Bounded (a fixed seed,
MAX_EXAMPLES per operation, the fuzzing phase) so that each pass spends about a minute here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.conftest import copy_demo_data
from tests.demo_copy import restore_into
from tests.served import Served, run_acuback, scratch_postgres
from tests.test_settings import LONG_KEY, clean_env

# The database marker keeps the test in the PostgreSQL pass; the server it starts has its own.
pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 10
SEED = 20261201
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture(scope="module")
def demo_api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[tuple[str, str]]:
    """(base URL, a practitioner's token) of `acuback serve` with the demo loaded."""
    with ExitStack() as stack:
        if os.environ.get("ACUBACK_DATABASE_URL"):  # the PostgreSQL pass: a scratch copy of
            # the process's migrated database, given this run's one demo build (tests/demo_copy.py)
            url = stack.enter_context(scratch_postgres(
                "fuzz", template=request.getfixturevalue("migrated_postgres")))
            env = clean_env(tmp_path_factory.mktemp("fuzz"))
            env.update(ACUBACK_DATABASE_URL=url, ACUBACK_SECRET_KEY=LONG_KEY,
                       ACUBACK_SECURE="false")
            restore_into(request.getfixturevalue("_demo_snapshot"), url)
        else:  # SQLite: a copy of this process's one built demo (tests/conftest.py demo_data)
            data = tmp_path_factory.mktemp("fuzz") / "data"
            env = clean_env(copy_demo_data(request.getfixturevalue("demo_data"), data))
        token = run_acuback(env, "token", "create", "lin", "--name", "schemathesis")
        assert token.returncode == 0, token.stderr
        served = Served(env, workers=2)
        served.start()
        stack.callback(served.stop)
        yield served.base, token.stdout.strip()


def test_it_answers_generated_requests_without_a_server_error_or_an_undocumented_status(
        demo_api: tuple[str, str], tmp_path: Path) -> None:
    base, token = demo_api
    result = subprocess.run(  # noqa: S603 - the schemathesis of our own environment
        [str(SCHEMATHESIS), "run", f"{base}/api/openapi.json",
         "--header", f"Authorization: Bearer {token}",
         "--checks", "not_a_server_error,status_code_conformance",
         "--phases", "fuzzing", "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED),
         # One request at a time, each given longer than SQLite's busy timeout (20 s): a slow
         # moment on a busy machine is not a failure, a request that hangs still is.
         "--workers", "1", "--request-timeout", "30", "--no-color",
         "--generation-database", "none",
         "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path)
    summary = result.stdout[-3000:]
    operations = re.search(r"Selected: (\d+)/\d+\s+Tested: (\d+)", summary)
    cases = re.search(r"(\d+) generated, (\d+) passed", summary)
    # One line for the record (`pytest -s`): what this pass ran, quotable as it stands.
    selected_, tested_ = operations.groups() if operations else ("?", "?")
    generated_, passed_ = cases.groups() if cases else ("?", "?")
    print(f"schemathesis on {_database()}: {tested_} of {selected_} operations tested, "  # noqa: T201
          f"{generated_} cases generated, {passed_} passed, exit {result.returncode}")
    assert result.returncode == 0, result.stdout[-12000:]
    assert operations and cases, summary
    selected, tested = map(int, operations.groups())
    assert tested == selected >= 40
    generated, passed = map(int, cases.groups())
    assert generated == passed >= 5 * tested


def _database() -> str:
    return "PostgreSQL" if os.environ.get("ACUBACK_DATABASE_URL") else "SQLite"
