"""A real `acuback serve` for tests that need one: gunicorn in its own process group on a free
loopback port, a browser-like HTTP client, and scratch PostgreSQL databases.

The server runs in a separate session so a test can kill -9 the whole of it (master and
workers) as a power cut or an OOM killer would, then start it again on the same data.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

POSTGRES_URL = os.environ.get("ACUBACK_TEST_POSTGRES_URL", "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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


@contextmanager
def scratch_postgres(suffix: str) -> Iterator[str]:
    """A new, empty database beside the one ACUBACK_TEST_POSTGRES_URL names, dropped after."""
    from psycopg import sql

    url = urllib.parse.urlparse(POSTGRES_URL)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # two processes never share one
    name = f"test_{url.path.lstrip('/')}_{suffix}{worker}"
    with _admin_connection() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urllib.parse.urlunparse(url._replace(path=f"/{name}"))
    finally:
        with _admin_connection() as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
