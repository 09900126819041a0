"""A real `acuback serve` for tests that need one: gunicorn in its own process group on a free
loopback port, a browser-like HTTP client, and scratch PostgreSQL databases.

The server runs in a separate session so a test can kill -9 the whole of it (master and
workers) as a power cut or an OOM killer would, then start it again on the same data.
"""

from __future__ import annotations

import atexit
import http.cookiejar
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.test_settings import LONG_KEY, clean_env

POSTGRES_URL = os.environ.get("ACUBACK_TEST_POSTGRES_URL", "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The static files as this process's first server collected (and compressed) them, copied into
# the new data dir of each later one: its collectstatic then finds every file collected and
# compressed already (copies keep their times), instead of compressing all again (~2 s).
_COLLECTED: list[Path] = []


def _static_of(env: dict[str, str]) -> Path:
    return Path(env["ACUBACK_DATA_DIR"]) / "static"


class Served:
    """`acuback serve` with `env`, started by start() and ended by kill() or stop()."""

    def __init__(self, env: dict[str, str], workers: int = 3) -> None:
        self.env, self.workers = env, workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[str] | None = None
        # A file, not a pipe: nobody reads a pipe while the server runs, and once its buffer
        # is full (a few hundred access-log lines) every worker blocks writing to it.
        self.log = tempfile.TemporaryFile(mode="w+")

    def start(self, timeout: float = 90) -> None:
        static = _static_of(self.env)
        if _COLLECTED and not any(static.glob("*")):
            shutil.copytree(_COLLECTED[0], static, dirs_exist_ok=True)
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "acuback", "serve", "--port", str(self.port),
             "--workers", str(self.workers)],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"acuback serve exited: {self.output()}")
            try:
                if Browser(self.base).get("/healthz").status == 200:
                    if not _COLLECTED:
                        folder = tempfile.mkdtemp(prefix="acuback-static-")
                        atexit.register(shutil.rmtree, folder, ignore_errors=True)
                        _COLLECTED.append(Path(shutil.copytree(static, Path(folder) / "static")))
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"acuback serve did not answer /healthz within {timeout} s")

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once: nothing gets to clean up."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def output(self) -> str:
        """The end of what the server printed so far."""
        self.log.seek(0)
        return self.log.read()[-4000:]


@dataclass
class Answer:
    status: int
    url: str
    location: str
    body: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """Cookies kept, redirects not followed (a test sees each 302), CSRF token sent back."""

    def __init__(self, base: str, timeout: float = 30) -> None:
        self.base, self.timeout = base, timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def request(self, method: str, path: str, data: bytes | None = None,
                headers: dict[str, str] | None = None) -> Answer:
        request = urllib.request.Request(self.base + path, data=data, method=method,  # noqa: S310
                                         headers=headers or {})
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Answer(response.status, response.url, "", response.read().decode())
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.url, exc.headers.get("Location", ""),
                          exc.read().decode(errors="replace"))

    def get(self, path: str, **headers: str) -> Answer:
        return self.request("GET", path, headers=headers)

    def post_json(self, path: str, body: bytes, token: str) -> Answer:
        return self.request("POST", path, body, {"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {token}"})

    def login(self, username: str, password: str) -> Answer:
        page = self.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        form = {"username": username, "password": password,
                "csrfmiddlewaretoken": token.group(1) if token else ""}
        return self.request("POST", "/login/", urllib.parse.urlencode(form).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded",
                             "Referer": self.base + "/login/"})


# What a command that builds the whole demo may take before a test calls it hung: generous,
# since the suite runs in two processes on two cores (speed is measured in bench/, not here).
COMMAND_TIMEOUT = 900


def run_acuback(env: dict[str, str], *args: str, timeout: float = COMMAND_TIMEOUT
                ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "acuback", *args], env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=timeout, check=False)


# --- scratch PostgreSQL databases ------------------------------------------------------------


def _admin_connection():  # noqa: ANN202 - a psycopg connection
    import psycopg

    return psycopg.connect(POSTGRES_URL, autocommit=True)


def _database_name(suffix: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # two processes never share one
    return f"test_{urllib.parse.urlparse(POSTGRES_URL).path.lstrip('/')}_{suffix}{worker}"


def _url_of(name: str) -> str:
    return urllib.parse.urlunparse(urllib.parse.urlparse(POSTGRES_URL)._replace(path=f"/{name}"))


@contextmanager
def scratch_postgres(suffix: str, template: str | None = None) -> Iterator[str]:
    """A new database beside the one ACUBACK_TEST_POSTGRES_URL names (empty, or a copy of the
    database `template`), dropped after; its URL."""
    from psycopg import sql

    name = _database_name(suffix)
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with _admin_connection() as admin:
        admin.execute(drop)
        admin.execute(create)
    try:
        yield _url_of(name)
    finally:
        with _admin_connection() as admin:
            admin.execute(drop)


# --- a small install to serve: one clinic, one practitioner with an API token ------------------

MAKE_CLINIC = """
from acuback.accounts.models import Clinic, Role
from acuback.accounts.services import api_token_create, member_create
clinic = Clinic.objects.create(name="Durable Clinic", slug="durable")
user = member_create(clinic=clinic, username="prac", password="durable-password-2026",
                     role=Role.PRACTITIONER)
print(api_token_create(user=user, name="tests"))
"""


def prepare_install(env: dict[str, str], migrated: bool = False) -> str:
    """Migrate (unless `migrated`), make the clinic and its practitioner; the practitioner's
    API token."""
    steps = [] if migrated else [("manage", "migrate", "-v0")]
    for args in (*steps, ("manage", "shell", "-c", MAKE_CLINIC)):
        done = run_acuback(env, *args)
        if done.returncode != 0:
            raise RuntimeError(f"acuback {args[:2]} failed: {done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


def patient_body(name: str) -> bytes:
    return json.dumps({"given_name": name, "family_name": "Durable",
                       "date_of_birth": "1970-01-01", "sex": "female"}).encode()


class Writers:
    """Threads creating patients through the API as fast as the server acknowledges them.
    `acked` maps each acknowledged patient id to the name it was created with."""

    def __init__(self, base: str, token: str, threads: int = 6) -> None:
        self.base, self.token = base, token
        self.acked: dict[int, str] = {}
        self.errors: list[str] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._write, args=(n,)) for n in range(threads)]

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acked) < count and time.monotonic() < deadline and not self.errors:
            time.sleep(0.05)
        if len(self.acked) < count:
            raise RuntimeError(f"only {len(self.acked)} writes acknowledged: {self.errors[:3]}")

    def _write(self, n: int) -> None:
        browser = Browser(self.base, timeout=10)
        for i in itertools.count():
            if self.stopping.is_set():
                return
            name = f"W{n}x{i}"
            try:
                answer = browser.post_json("/api/patients/", patient_body(name), self.token)
            except OSError:  # the server went away (killed): unacknowledged, as it should be
                return
            if answer.status == 201:
                self.acked[json.loads(answer.body)["id"]] = name
            else:
                self.errors.append(f"{answer.status} {answer.body[:200]}")
                return


_FACTS = {
    "patients": "SELECT id, given_name FROM patients_patient",
    "audited_creates": "SELECT object_id FROM audit_auditentry WHERE action = 'create' "
                       "AND object_type = 'patient' AND outcome = 'ok'",
    "audit_entries": "SELECT count(*) FROM audit_auditentry",
}


def install_facts(env: dict[str, str]) -> dict[str, object]:
    """Patients by id (their given names), the ids the trail records as created, and how many
    audit entries there are, read straight from the database of the install `env` names."""
    import sqlite3

    import psycopg

    url = env.get("ACUBACK_DATABASE_URL")
    with (psycopg.connect(url) if url else
          closing(sqlite3.connect(Path(env["ACUBACK_DATA_DIR"]) / "acuback.sqlite3"))) as db:
        rows = {name: db.execute(sql).fetchall() for name, sql in _FACTS.items()}
    return {"patients": dict(rows["patients"]),
            "audited_creates": sorted(int(i) for (i,) in rows["audited_creates"]),
            "audit_entries": rows["audit_entries"][0][0]}


def _production(data_dir: Path, url: str) -> dict[str, str]:
    return clean_env(data_dir, ACUBACK_DATABASE_URL=url, ACUBACK_SECRET_KEY=LONG_KEY,
                     ACUBACK_SECURE="false")


@contextmanager
def empty_install(kind: str, data_dir: Path, suffix: str) -> Iterator[dict[str, str]]:
    """The environment of an install with nothing in it yet: SQLite in `data_dir`, or a new
    PostgreSQL database (`suffix` names it) with the settings production mode needs."""
    if kind == "sqlite":
        yield clean_env(data_dir)
        return
    with scratch_postgres(suffix) as url:
        yield _production(data_dir, url)


@dataclass(frozen=True)
class Template:
    """A prepared install (prepare_install) to copy for each test: migrating costs seconds,
    copying a file or a template database almost nothing."""

    kind: str
    token: str
    data_dir: Path
    database: str = ""  # PostgreSQL: the template database's name


@contextmanager
def template_install(kind: str, data_dir: Path, migrated: Any = None) -> Iterator[Template]:
    """`kind`'s prepared install, made from `migrated` if given: on SQLite the migrated_sqlite
    fixture, on PostgreSQL the migrated_postgres database's name."""
    if kind == "sqlite":
        env = migrated(data_dir) if migrated else clean_env(data_dir)
        yield Template(kind, prepare_install(env, migrated=bool(migrated)), data_dir)
        return
    with scratch_postgres("template", template=migrated) as url:
        token = prepare_install(_production(data_dir, url), migrated=bool(migrated))
        yield Template(kind, token, data_dir, _database_name("template"))


def sqlite_copy(template: Template, data_dir: Path) -> dict[str, str]:
    """An SQLite template's database copied into `data_dir` (no server has it open)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for name in ("acuback.sqlite3", "acuback.sqlite3-wal"):
        if (template.data_dir / name).exists():
            shutil.copy2(template.data_dir / name, data_dir / name)
    return clean_env(data_dir)


@contextmanager
def prepared_install(template: Template, data_dir: Path, suffix: str
                     ) -> Iterator[dict[str, str]]:
    """A fresh copy of `template`; the environment that serves it."""
    if template.kind == "sqlite":
        yield sqlite_copy(template, data_dir)
        return
    with scratch_postgres(suffix, template=template.database) as url:
        yield _production(data_dir, url)


DATABASE_KINDS = ["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres,
                                                            pytest.mark.django_db])]


@pytest.fixture(params=DATABASE_KINDS)
def database_kind(request: pytest.FixtureRequest) -> str:
    """Runs a test once on SQLite (the SQLite pass) and once on PostgreSQL (its pass)."""
    if request.param == "postgres":
        from tests.test_postgres import _on_postgres_pass

        _on_postgres_pass()
    return str(request.param)


@pytest.fixture
def template(database_kind: str, install_template: Callable[[str], Template]) -> Template:
    """The prepared install of this test's database kind."""
    return install_template(database_kind)


@pytest.fixture(scope="session")
def install_template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                     ) -> Iterator[Callable[[str], Template]]:
    """install_template("sqlite" | "postgres") -> that kind's Template, made once a session
    from the process's one migrated install of that kind (migrated_sqlite, migrated_postgres)."""
    made: dict[str, Template] = {}
    with ExitStack() as stack:

        def get(kind: str) -> Template:
            if kind not in made:
                folder = tmp_path_factory.mktemp(f"template-{kind}")
                migrated = request.getfixturevalue(f"migrated_{kind}")
                made[kind] = stack.enter_context(template_install(kind, folder, migrated))
            return made[kind]

        yield get


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], dict[str, str]]:
    """migrated_sqlite(data_dir) -> the environment of an SQLite install in `data_dir` that is
    migrated and holds nothing: a copy of the one this process migrated (each `acuback manage
    migrate` of an empty database takes ~10 s; a copy, milliseconds)."""
    folder = tmp_path_factory.mktemp("migrated-sqlite")
    done = run_acuback(clean_env(folder), "manage", "migrate", "-v0")
    assert done.returncode == 0, done.stderr
    migrated = Template("sqlite", "", folder)
    return lambda data_dir: sqlite_copy(migrated, data_dir)


@pytest.fixture(scope="session")
def migrated_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The name of a scratch PostgreSQL database that is migrated and holds nothing, made once a
    process, for scratch_postgres(suffix, template=migrated_postgres) to copy (CREATE DATABASE
    ... TEMPLATE takes a moment; a migrate of an empty database, 10-25 s). The PostgreSQL pass
    only."""
    from tests.test_postgres import _on_postgres_pass

    _on_postgres_pass()
    with scratch_postgres("migrated") as url:
        env = _production(tmp_path_factory.mktemp("migrated-postgres"), url)
        done = run_acuback(env, "manage", "migrate", "-v0")
        assert done.returncode == 0, done.stderr
        yield _database_name("migrated")
