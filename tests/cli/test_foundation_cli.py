"""The foundation's commands: serve (a real gunicorn), demo, check, token, audit verify."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from acuback.audit.models import AuditEntry
from acuback.cli import main
from tests.conftest import copy_demo_data, demo_printed
from tests.personas import World
from tests.served import Served
from tests.test_settings import LONG_KEY, acuback, clean_env

PRODUCTION = {"ACUBACK_SECRET_KEY": LONG_KEY, "ACUBACK_ALLOWED_HOSTS": "clinic.example",
              "ACUBACK_EMAIL_URL": "smtp+tls://acuback:secret@mail.clinic.example:587"}


def _production(data_dir: Path, **overrides: str) -> dict[str, str]:
    # Any database URL switches to production settings; `check` needs no server behind it.
    return {"ACUBACK_DATABASE_URL": f"sqlite:///{data_dir / 'prod.sqlite3'}", **PRODUCTION,
            **overrides}


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`acuback serve` on a free loopback port with its own new data dir (which it migrates),
    until /healthz says 200; one for this module's tests, which only read from it (each start
    costs a migrate, ~10 s)."""
    served = Served(clean_env(tmp_path_factory.mktemp("served")), workers=1)
    served.start()
    try:
        yield served.base
    finally:
        served.stop()


def _counts(data_dir: Path) -> dict[str, int]:
    with sqlite3.connect(data_dir / "acuback.sqlite3") as db:
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in ("accounts_clinic", "accounts_user", "patients_patient",
                              "patients_consent", "episodes_episode")}


# --- serve -------------------------------------------------------------------------------------


def test_it_serves_healthz_from_a_real_server(server: str) -> None:
    status, body = _get(f"{server}/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok", "database": "sqlite"})


def test_it_serves_the_login_page(server: str) -> None:
    status, body = _get(f"{server}/login/")
    assert status == 200
    assert 'name="password"' in body


def test_it_serves_the_static_files(server: str) -> None:
    assert _get(f"{server}/static/acuback/acuback.css")[0] == 200


def test_it_sends_the_anonymous_to_the_login_page(server: str) -> None:
    assert _get(f"{server}/patients/")[1].count('name="password"') == 1


def test_it_refuses_a_port_out_of_range(tmp_path: Path) -> None:
    result = acuback(tmp_path, "serve", "--port", "70000")
    assert result.returncode == 2
    assert "--port must be between 1 and 65535" in result.stderr


# --- demo --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_dir(demo_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the data dir where `acuback demo` ran in a fresh one (the test run's one build,
    tests/conftest.py demo_data)."""
    return copy_demo_data(demo_data, tmp_path_factory.mktemp("demo") / "data")


@pytest.fixture(scope="module")
def demo_twice(demo_data: Path, demo_dir: Path
               ) -> tuple[str, dict[str, int], subprocess.CompletedProcess[str], dict[str, int]]:
    """`acuback demo` run twice in one data dir: what the first run printed and left, and the
    second run, in the copy, and what it left."""
    after_first = _counts(demo_dir)
    second = acuback(demo_dir, "demo")
    return demo_printed(demo_data), after_first, second, _counts(demo_dir)


def test_it_loads_the_demo_clinics(demo_twice) -> None:  # noqa: ANN001
    _, counts, _, _ = demo_twice
    assert counts["accounts_clinic"] == 2
    assert counts["patients_patient"] >= 2 * 30


def test_it_loads_the_demo_only_once(demo_twice) -> None:  # noqa: ANN001
    _, after_first, second, after_second = demo_twice
    assert second.returncode == 0, second.stderr
    assert after_second == after_first


def test_it_prints_the_same_logins_each_time(demo_twice) -> None:  # noqa: ANN001
    first, _, second, _ = demo_twice
    assert first == second.stdout
    for text in ("acuback-demo-2026", "owner", "desk", "patient", "hv-owner"):
        assert text in first


def test_it_audits_the_demo_from_the_command_line(demo_twice, demo_dir: Path) -> None:  # noqa: ANN001
    with sqlite3.connect(demo_dir / "acuback.sqlite3") as db:
        rows = db.execute("SELECT channel, actor_id IS NULL, outcome FROM audit_auditentry "
                          "WHERE object_type = 'patient' AND action = 'create'").fetchall()
    assert len(rows) >= 60
    assert set(rows) == {("cli", 0, "ok")}


def test_it_leaves_an_intact_chain_after_the_demo(demo_twice, demo_dir: Path) -> None:  # noqa: ANN001
    result = acuback(demo_dir, "audit", "verify")
    assert result.returncode == 0
    assert "chain intact" in result.stdout


# --- check -------------------------------------------------------------------------------------


def test_it_passes_the_deployment_checks_in_production(tmp_path: Path) -> None:
    result = acuback(tmp_path, "check", **_production(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "deployment checks passed" in result.stdout


def test_it_passes_on_a_fresh_development_install(tmp_path: Path) -> None:
    result = acuback(tmp_path, "check")
    assert result.returncode == 0, result.stderr
    assert "checks passed for a development install" in result.stdout


def test_it_says_what_production_still_needs(tmp_path: Path) -> None:
    needs = acuback(tmp_path, "check").stdout.split("production still needs:")[1]
    for setting in ("ACUBACK_SECURE=true", "ACUBACK_ALLOWED_HOSTS", "ACUBACK_EMAIL_URL"):
        assert setting in needs


def test_it_fails_in_production_while_mail_goes_to_the_console(tmp_path: Path) -> None:
    result = acuback(tmp_path, "check", **_production(tmp_path, ACUBACK_EMAIL_URL="console://"))
    assert result.returncode == 1
    assert "acuback.W002" in result.stderr


def test_it_fails_in_production_when_only_this_machine_may_connect(tmp_path: Path) -> None:
    result = acuback(tmp_path, "check", **_production(tmp_path, ACUBACK_ALLOWED_HOSTS="localhost"))
    assert result.returncode == 1
    assert "acuback.W001" in result.stderr


def test_it_fails_the_deployment_checks_with_debug_on(tmp_path: Path) -> None:
    result = acuback(tmp_path, "check", **_production(tmp_path, ACUBACK_DEBUG="true"))
    assert result.returncode == 1
    assert "security.W018" in result.stderr


def test_it_fails_the_deployment_checks_without_https(tmp_path: Path) -> None:
    result = acuback(tmp_path, "check", **_production(tmp_path, ACUBACK_SECURE="false"))
    assert result.returncode == 1
    assert "security.W008" in result.stderr


def test_it_fails_the_deployment_checks_with_a_weak_secret_key(tmp_path: Path) -> None:
    result = acuback(tmp_path, "check", **_production(tmp_path, ACUBACK_SECRET_KEY="a" * 60))
    assert result.returncode == 1
    assert "security.W009" in result.stderr


# --- token and audit, in this process against the test database --------------------------------


def test_it_creates_a_token_that_opens_the_api(world: World, capsys: pytest.CaptureFixture[str]
                                               ) -> None:
    assert main(["token", "prac", "--name", "laptop"]) == 0
    secret = capsys.readouterr().out.strip()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/patients/")
    assert response.status_code == 200


def test_it_audits_a_token_created_from_the_command_line(world: World, capsys) -> None:  # noqa: ANN001
    main(["token", "prac"])
    entry = AuditEntry.objects.first()
    assert (entry.action, entry.object_type, entry.channel, entry.actor_id) == (
        "create", "api_token", "cli", world.practitioner.pk)


def test_it_refuses_a_token_for_an_unknown_user(world: World, capsys) -> None:  # noqa: ANN001
    assert main(["token", "nobody"]) == 2
    assert "no active user 'nobody'" in capsys.readouterr().err


def test_it_adds_bulk_patients_without_visits_and_prints_the_time_of_each_phase(
        demo_data: Path, tmp_path: Path) -> None:
    data = copy_demo_data(demo_data, tmp_path / "data")
    tables = ("patients_patient", "plans_plan", "visits_visit", "visits_visitpoint",
              "billing_claimline")

    def counts() -> dict[str, int]:
        with sqlite3.connect(data / "acuback.sqlite3") as db:
            return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                    for t in tables}

    before = counts()
    result = acuback(data, "demo", "--patients", "40", "--no-visits")
    assert result.returncode == 0, result.stderr
    after = counts()
    assert after["patients_patient"] == 2 * 40
    assert after["plans_plan"] > before["plans_plan"]
    for table in ("visits_visit", "visits_visitpoint", "billing_claimline"):
        assert after[table] == before[table], table  # the usual demo's visits only
    phases = {line.split("│")[1].strip() for line in result.stderr.splitlines()
              if line.count("│") >= 3}
    assert {"usual demo", "patients", "treatment plans", "indexes", "total"} <= phases, phases
    assert "visits" not in phases
