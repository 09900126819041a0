"""Settings come from the environment through typed readers that fail loudly.

Most tests here start a fresh Python process: settings are read once per process, and the
suite's own process has long since read its own.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings

from acuback import config

LONG_KEY = "k3y-" + "0123456789abcdefghijklmnopqrstuvwxyz" * 2
PYTHON = sys.executable


def clean_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """This process's environment without any ACUBACK_ or DJANGO_ variable (the browser tests
    set DJANGO_ALLOW_ASYNC_UNSAFE, which the deployment checks rightly flag), plus `overrides`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACUBACK_", "DJANGO_"))}
    return {**env, "ACUBACK_DATA_DIR": str(data_dir), "COLUMNS": "200", **overrides}


def settings_of(data_dir: Path, *names: str, **env: str) -> list[str]:
    """Read settings in a fresh process; each value printed on its own line."""
    code = ("import acuback.settings as s; "
            f"print(*[getattr(s, n) for n in {list(names)!r}], sep='\\n')")
    result = subprocess.run([PYTHON, "-c", code], env=clean_env(data_dir, **env),  # noqa: S603
                            capture_output=True, text=True, timeout=60, check=True)
    return result.stdout.splitlines()


def acuback(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    from tests.served import COMMAND_TIMEOUT  # served imports this module

    return subprocess.run([PYTHON, "-m", "acuback", *args], env=clean_env(data_dir, **env),  # noqa: S603
                          capture_output=True, text=True, timeout=COMMAND_TIMEOUT)


# --- typed readers ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "on"])
def test_it_reads_true(raw: str) -> None:
    with mock.patch.dict(os.environ, {"ACUBACK_X": raw}):
        assert config.env_bool("ACUBACK_X") is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_it_reads_false(raw: str) -> None:
    with mock.patch.dict(os.environ, {"ACUBACK_X": raw}):
        assert config.env_bool("ACUBACK_X", default=True) is False


def test_it_refuses_a_boolean_it_cannot_read() -> None:
    with mock.patch.dict(os.environ, {"ACUBACK_X": "maybe"}), pytest.raises(
            config.ConfigError, match="ACUBACK_X must be true or false, not 'maybe'"):
        config.env_bool("ACUBACK_X")


def test_it_splits_and_trims_lists() -> None:
    with mock.patch.dict(os.environ, {"ACUBACK_X": " a.example , b.example,,"}):
        assert config.env_list("ACUBACK_X", []) == ["a.example", "b.example"]


def test_it_treats_a_blank_string_as_unset() -> None:
    with mock.patch.dict(os.environ, {"ACUBACK_X": "   "}):
        assert config.env_str("ACUBACK_X", "default") == "default"


# --- the settings module, in a fresh process ---------------------------------------------------


def test_it_keeps_debug_off_by_default(tmp_path: Path) -> None:
    assert settings_of(tmp_path, "DEBUG", "PRODUCTION", "SECURE") == ["False", "False", "False"]


def test_it_turns_https_on_in_production_by_default(tmp_path: Path) -> None:
    values = settings_of(tmp_path, "SECURE", "SESSION_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
                         ACUBACK_DATABASE_URL="postgresql://u:p@db.example/acuback",
                         ACUBACK_SECRET_KEY=LONG_KEY)
    assert values == ["True", "True", "True"]


def test_it_turns_debug_on_only_when_asked(tmp_path: Path) -> None:
    assert settings_of(tmp_path, "DEBUG", ACUBACK_DEBUG="true") == ["True"]


def test_it_exits_2_on_an_unreadable_debug_setting(tmp_path: Path) -> None:
    result = acuback(tmp_path, "check", ACUBACK_DEBUG="maybe")
    assert result.returncode == 2
    assert "ACUBACK_DEBUG must be true or false, not 'maybe'" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_exits_2_in_production_without_a_secret_key(tmp_path: Path) -> None:
    result = acuback(tmp_path, "check", ACUBACK_DATABASE_URL="postgresql://u:p@db.example/x")
    assert result.returncode == 2
    assert "ACUBACK_SECRET_KEY is required" in result.stderr


def test_it_exits_2_on_a_short_secret_key(tmp_path: Path) -> None:
    result = acuback(tmp_path, "demo", ACUBACK_SECRET_KEY="too-short")
    assert result.returncode == 2
    assert "at least 50 characters" in result.stderr


def test_it_generates_a_secret_key_into_the_data_dir(tmp_path: Path) -> None:
    [key] = settings_of(tmp_path, "SECRET_KEY")
    assert len(key) >= 50
    assert (tmp_path / "secret_key").read_text().strip() == key


def test_it_keeps_the_generated_key_across_restarts(tmp_path: Path) -> None:
    assert settings_of(tmp_path, "SECRET_KEY") == settings_of(tmp_path, "SECRET_KEY")


def test_it_makes_the_key_file_readable_by_its_owner_only(tmp_path: Path) -> None:
    code = "import os; os.umask(0); import acuback.settings"
    subprocess.run([PYTHON, "-c", code], env=clean_env(tmp_path), check=True, timeout=60)  # noqa: S603
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_it_syncs_every_sqlite_commit_to_disk(tmp_path: Path) -> None:
    """The durability choice README.md and docs/architecture.md state, in force on a connection
    acuback opens: WAL, and synchronous=FULL (2; sqlite.org/pragma.html#pragma_synchronous), so
    an acknowledged write survives a power cut, not only a crash."""
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'acuback.settings'; "
            "django.setup(); from django.db import connection; c = connection.cursor(); "
            "print(c.execute('PRAGMA synchronous').fetchone()[0], "
            "c.execute('PRAGMA journal_mode').fetchone()[0])")
    result = subprocess.run([PYTHON, "-c", code], env=clean_env(tmp_path),  # noqa: S603
                            capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.split() == ["2", "wal"]


def test_it_gives_processes_starting_together_one_key(tmp_path: Path) -> None:
    code = ("import hashlib, acuback.settings as s; "
            "print(hashlib.sha256(s.SECRET_KEY.encode()).hexdigest())")
    procs = [subprocess.Popen([PYTHON, "-c", code], env=clean_env(tmp_path),  # noqa: S603
                              stdout=subprocess.PIPE, text=True) for _ in range(6)]
    digests = {p.communicate(timeout=60)[0].strip() for p in procs}
    on_disk = hashlib.sha256((tmp_path / "secret_key").read_text().strip().encode()).hexdigest()
    assert digests == {on_disk}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".secret_key")] == []


def test_it_refuses_an_empty_key_file(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("")
    result = acuback(tmp_path, "check")
    assert result.returncode == 2
    assert "holds no usable secret key" in result.stderr


def test_it_prefers_the_explicit_key_and_writes_no_file(tmp_path: Path) -> None:
    assert settings_of(tmp_path, "SECRET_KEY", ACUBACK_SECRET_KEY=LONG_KEY) == [LONG_KEY]
    assert not (tmp_path / "secret_key").exists()


# --- /healthz -----------------------------------------------------------------------------------


def test_it_answers_healthz_when_the_database_answers(db: None) -> None:
    response = Client().get("/healthz")
    assert (response.status_code, response.json()) == (
        200, {"status": "ok", "database": connection.vendor})


def test_it_answers_503_when_the_database_does_not(db: None) -> None:
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("gone")):
        response = Client().get("/healthz")
    assert (response.status_code, response.json()) == (
        503, {"status": "error", "database": "OperationalError"})


def test_it_never_caches_healthz(db: None) -> None:
    assert "no-cache" in Client().get("/healthz")["Cache-Control"]


def test_it_answers_healthz_over_plain_http_in_production(db: None) -> None:
    with override_settings(SECURE_SSL_REDIRECT=True):
        client = Client()
        assert client.get("/healthz").status_code == 200
        assert client.get("/login/").status_code == 301  # everything else goes to HTTPS
