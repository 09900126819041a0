"""What `acuback analyze cohort` loads before it answers (issue 11 item 8: the report in at most
1 s at registry size, a process start included; bench/bench_cohort.py times the process).

In fresh interpreters, on a SQLite install of their own: ninja and pydantic (the API's) are not
imported (settings leave ninja out of INSTALLED_APPS, acuback.api.LocalSwagger), the admin
modules and the other apps' services neither (acuback.accounts.admin_config), what Django's
start made is frozen out of later garbage collections and collection is back on for the
command (acuback.loading); scipy.special comes in only once a report has an interval to
compute, and then with collection back on too.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from acuback.loading import loading

# Not wanted in the command's process (the top-level package, or a module's full name).
NOT_LOADED = ("ninja", "pydantic", "pydantic_core", "acuback.api", "acuback.urls",
              "acuback.patients.admin", "acuback.scheduling.services", "acuback.visits.services")

SEED = """
from acuback.cli.django_setup import migrate, setup
setup()
migrate()
from acuback.accounts.models import Clinic, Role
from acuback.accounts.services import member_create
clinic = Clinic.objects.create(name="Probe", slug="probe")
member_create(clinic=clinic, username="probe-owner", password="probe-pass-0123456789",
              role=Role.OWNER)
"""

# The command as `acuback` runs it, then what its process holds.
PROBE = """
import contextlib, gc, io, json, sys
from acuback.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["analyze", "cohort", "--user", "probe-owner"])
before_interval = "scipy.special" in sys.modules
from acuback.clinical.stats import mean_of_counts
mean_of_counts({2.0: 3, 5.0: 4})
print(json.dumps({"code": code, "report": json.loads(out.getvalue()),
                  "modules": sorted(sys.modules), "frozen": gc.get_freeze_count(),
                  "collecting": gc.isenabled(), "scipy_before_interval": before_interval,
                  "scipy_after_interval": "scipy.special" in sys.modules}))
"""


def _python(code: str, data_dir: Path) -> str:
    env = {**os.environ, "ACUBACK_DATA_DIR": str(data_dir)}
    for name in ("ACUBACK_DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,  # noqa: S603
                          text=True, timeout=300, check=False, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    data_dir = tmp_path_factory.mktemp("analyze-startup")
    _python(SEED, data_dir)
    return json.loads(_python(PROBE, data_dir).strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_it_answers_the_report(probed: dict[str, object]) -> None:
    assert probed["code"] == 0
    assert probed["report"]["episodes"] == 0  # type: ignore[index]


def test_it_imports_neither_the_api_nor_the_admin_modules(probed: dict[str, object]) -> None:
    modules = set(probed["modules"])  # type: ignore[arg-type]
    loaded = sorted(m for m in modules if m in NOT_LOADED or m.split(".")[0] in NOT_LOADED)
    assert loaded == []
    assert "acuback.cohort.selectors" in modules  # the probe did see the command's imports


def test_it_freezes_the_start_and_collects_again(probed: dict[str, object]) -> None:
    assert probed["frozen"] > 50_000  # Django's start: some 100,000-200,000 objects
    assert probed["collecting"] is True


def test_it_loads_scipy_only_for_an_interval(probed: dict[str, object]) -> None:
    assert probed["scipy_before_interval"] is False  # no episode: no interval to compute
    assert probed["scipy_after_interval"] is True


def test_loading_pauses_collection_and_restores_it() -> None:
    assert gc.isenabled()
    with loading():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with loading():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_loading_frozen_leaves_what_exists_out_of_later_collections() -> None:
    already = gc.get_freeze_count()
    try:
        with loading(frozen=True):
            made = [[] for _ in range(1000)]
        assert gc.get_freeze_count() >= already + len(made)
        assert gc.isenabled()
    finally:
        gc.unfreeze()  # this test process's objects are the other tests' to collect
