"""`acuback reminders send` and `acuback worker` for real, as subprocesses on a demo clinic,
mailing a loopback SMTP server."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import copy_demo_data
from tests.reminders.conftest import Inbox
from tests.served import Served
from tests.test_settings import acuback, clean_env


@pytest.fixture(scope="module")
def demo_dir(demo_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's data for this module (a copy of this process's one `acuback demo`)."""
    return copy_demo_data(demo_data, tmp_path_factory.mktemp("demo") / "data")


@pytest.fixture
def fresh_demo(demo_dir: Path, tmp_path: Path) -> Path:
    """A copy of the demo's data, its queue untouched by other tests."""
    copy = tmp_path / "data"
    shutil.copytree(demo_dir, copy)
    return copy


def _env(inbox: Inbox) -> dict[str, str]:
    return {"ACUBACK_EMAIL_URL": f"smtp://127.0.0.1:{inbox.port}",
            "ACUBACK_EMAIL_FROM": "clinic@riverside.example"}


def test_it_sends_the_demo_s_due_reminders_once(fresh_demo: Path, smtp_server: Inbox) -> None:
    demo_dir = fresh_demo
    smtp_server.received.clear()
    now = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    first = acuback(demo_dir, "reminders", "send", "--now", now, **_env(smtp_server))
    assert first.returncode == 0, first.stderr
    counts = json.loads(first.stdout)
    assert counts["sent"] > 0 and counts["failed"] == 0
    mailed = len(smtp_server.received)
    assert mailed > 0 and all("Hello" in m.get_body(("plain",)).get_content()
                              for m in smtp_server.received)
    again = acuback(demo_dir, "reminders", "send", "--now", now, **_env(smtp_server))
    assert json.loads(again.stdout) == {"sent": 0, "failed": 0}
    assert len(smtp_server.received) == mailed
    with sqlite3.connect(demo_dir / "acuback.sqlite3") as db:
        statuses = dict(db.execute(
            "SELECT status, count(*) FROM reminders_message GROUP BY status").fetchall())
    assert statuses == {"sent": counts["sent"]}


def test_it_refuses_a_time_without_its_offset(demo_dir: Path) -> None:
    result = acuback(demo_dir, "reminders", "send", "--now", "2027-01-05T09:00")
    assert result.returncode == 2 and "offset" in result.stderr


def test_it_runs_the_queued_confirmations_once_with_the_worker(fresh_demo: Path,
                                                                smtp_server: Inbox) -> None:
    demo_dir = fresh_demo
    smtp_server.received.clear()
    result = acuback(demo_dir, "worker", "--once", **_env(smtp_server))
    assert result.returncode == 0, result.stderr
    subjects = [str(m["Subject"]) for m in smtp_server.received]
    assert any(s.startswith("Booked:") for s in subjects)
    with sqlite3.connect(demo_dir / "acuback.sqlite3") as db:
        left = db.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult "
                          "WHERE status NOT IN ('SUCCESSFUL')").fetchone()[0]
    assert left == 0
    booked = sum(1 for s in subjects if s.startswith("Booked:"))
    acuback(demo_dir, "worker", "--once", **_env(smtp_server))
    again = [str(m["Subject"]) for m in smtp_server.received]
    assert sum(1 for s in again if s.startswith("Booked:")) == booked


def test_it_starts_a_worker_with_the_server(fresh_demo: Path, smtp_server: Inbox) -> None:
    smtp_server.received.clear()
    served = Served(clean_env(fresh_demo, **_env(smtp_server)), workers=1)
    served.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(
                str(m["Subject"]).startswith("Booked:") for m in smtp_server.received):
            time.sleep(0.5)
    finally:
        served.stop()
    assert any(str(m["Subject"]).startswith("Booked:") for m in smtp_server.received)


@dataclass
class Guarded:
    """A loopback SMTP server that takes mail only after STARTTLS and a login."""

    inbox: Inbox
    cert: Path
    logins: list[tuple[str, str]]
    connections: set[tuple[str, int]] = field(default_factory=set)  # client address and port


@pytest.fixture
def guarded_smtp(tmp_path: Path) -> Iterator[Guarded]:
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from tests.served import free_port

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",  # noqa: S603,S607
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    guarded = Guarded(Inbox(port=free_port()), cert, [])

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:
        login, password = auth_data.login.decode(), auth_data.password.decode()
        guarded.logins.append((login, password))
        guarded.connections.add(session.peer)
        # handled=False: aiosmtpd itself answers a refusal with 535; with its default
        # (handled=True) it would send nothing and the client would wait out its timeout.
        return AuthResult(success=(login, password) == ("clinic", "p@ss:w/rd 1"), handled=False)

    controller = Controller(guarded.inbox, hostname="127.0.0.1", port=guarded.inbox.port,
                            tls_context=context, require_starttls=True, auth_required=True,
                            authenticator=authenticate)
    controller.start()
    try:
        yield guarded
    finally:
        controller.stop()


def test_it_mails_over_starttls_with_the_url_s_login(fresh_demo: Path,
                                                     guarded_smtp: Guarded) -> None:
    """ACUBACK_EMAIL_URL smtp+tls://user:password@host:port, the password percent-encoded:
    the reminders go out over STARTTLS (the server's certificate checked), logged in."""
    now = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    url = f"smtp+tls://clinic:p%40ss%3Aw%2Frd%201@127.0.0.1:{guarded_smtp.inbox.port}"
    env = {"ACUBACK_EMAIL_URL": url, "ACUBACK_EMAIL_FROM": "clinic@riverside.example",
           "SSL_CERT_FILE": str(guarded_smtp.cert)}
    sent = acuback(fresh_demo, "reminders", "send", "--now", now, **env)
    assert sent.returncode == 0, sent.stderr
    assert json.loads(sent.stdout)["sent"] > 0 and json.loads(sent.stdout)["failed"] == 0
    assert guarded_smtp.inbox.received and guarded_smtp.logins[0] == ("clinic", "p@ss:w/rd 1")
    assert all(str(m["From"]) == "clinic@riverside.example" for m in guarded_smtp.inbox.received)
    assert len(guarded_smtp.inbox.received) > 1 and len(guarded_smtp.connections) == 1  # one run,
    # one connection and login for all its emails


def test_it_records_a_failure_when_the_login_is_wrong(fresh_demo: Path,
                                                      guarded_smtp: Guarded) -> None:
    now = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    url = f"smtp+tls://clinic:wrong@127.0.0.1:{guarded_smtp.inbox.port}"
    result = acuback(fresh_demo, "reminders", "send", "--now", now, ACUBACK_EMAIL_URL=url,
                     SSL_CERT_FILE=str(guarded_smtp.cert))
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts["failed"] > 0 and not guarded_smtp.inbox.received
    with sqlite3.connect(fresh_demo / "acuback.sqlite3") as db:
        errors = [row[0] for row in db.execute(
            "SELECT error FROM reminders_message WHERE channel = 'email' AND status = 'failed'")]
    assert len(errors) == counts["failed"]  # recorded, to be tried again (texts went out)
    # refused by the server for the login (535), not lost to a timeout
    assert all(error.startswith("SMTPAuthenticationError: (535") for error in errors), errors
    # the wrong login is tried once for the run, not once per email (which can lock a mailbox)
    assert len(errors) > 1 and len(guarded_smtp.connections) == 1
