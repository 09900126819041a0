"""`acuback worker`, started for real beside a database, seals the audit entries that wait
unchained (as PostgreSQL requests append them), so that the trail verifies; SIGTERM stops it
promptly and cleanly. Once on SQLite and once on PostgreSQL."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.served import Template, prepared_install, run_acuback

SEAL_WITHIN = 20  # seconds: the worker seals every second
STOP_WITHIN = 10  # seconds, after SIGTERM

# Entries as a request writes them before any sealer has run: a number, no place in the chain,
# no hashes. The worker has to give them their place.
_UNSEALED = ("INSERT INTO audit_auditentry (seq, chain_seq, at, actor_id, actor_username, "
             "clinic_id, action, object_type, object_id, channel, client_addr, outcome, detail, "
             "prev_hash, hash) VALUES ({seq}, NULL, {at}, NULL, 'worker-test', NULL, 'read', "
             "'patient', {object_id}, 'api', '192.0.2.1', 'ok', '{{}}', '', '')")


def _connect(env: dict[str, str]):  # noqa: ANN202 - a DB-API connection
    url = env.get("ACUBACK_DATABASE_URL")
    if url:
        import psycopg

        return psycopg.connect(url, autocommit=True)
    return closing(sqlite3.connect(Path(env["ACUBACK_DATA_DIR"]) / "acuback.sqlite3",
                                   isolation_level=None, timeout=20))


def _append_unsealed(env: dict[str, str], count: int) -> int:
    """Append `count` unsealed entries in one transaction; return how many of the test's
    entries wait unsealed just before it commits (the worker cannot see them yet, so only
    something sealing on insert could have sealed any)."""
    postgres = bool(env.get("ACUBACK_DATABASE_URL"))
    sql = _UNSEALED.format(
        seq="nextval('audit_entry_seq')" if postgres
        else "(SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_auditentry)",
        at="now()" if postgres else "strftime('%Y-%m-%d %H:%M:%f', 'now')",
        object_id="%s" if postgres else "?")
    waiting = ("SELECT count(*) FROM audit_auditentry WHERE chain_seq IS NULL "
               "AND actor_username = 'worker-test'")
    with _connect(env) as db:
        db.execute("BEGIN")
        for n in range(count):
            db.execute(sql, [str(n + 1)])
        seen = int(db.execute(waiting).fetchone()[0])
        db.execute("COMMIT")
    return seen


def _waiting(env: dict[str, str]) -> int:
    with _connect(env) as db:
        return int(db.execute("SELECT count(*) FROM audit_auditentry "
                              "WHERE chain_seq IS NULL").fetchone()[0])


def _sealed_by_test(env: dict[str, str]) -> int:
    with _connect(env) as db:
        return int(db.execute("SELECT count(*) FROM audit_auditentry WHERE chain_seq IS NOT "
                              "NULL AND actor_username = 'worker-test'").fetchone()[0])


@pytest.fixture
def install(template: Template, tmp_path: Path) -> Iterator[dict[str, str]]:
    with prepared_install(template, tmp_path / "data", "worker") as env:
        yield env


def _wait_for(condition, timeout: float, proc: subprocess.Popen[str]) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if condition():
            return True
        time.sleep(0.2)
    return bool(condition())


def test_the_worker_seals_waiting_entries_and_stops_on_sigterm(install: dict[str, str]) -> None:
    log = tempfile.TemporaryFile(mode="w+")
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "acuback", "worker", "--interval", "60"], env=install,
        stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True)

    def output() -> str:
        log.seek(0)
        return log.read()[-4000:]

    try:
        assert _wait_for(lambda: "looking for reminders" in output(), 90, worker), output()
        # The first batch may arrive while the worker's first round is still running, and that
        # round ends with a seal; the second arrives after the first is sealed, so only the
        # worker's loop can seal it.
        for sealed in (5, 10):
            assert _append_unsealed(install, 5) == 5  # nothing sealed them on the way in
            assert _wait_for(lambda: _waiting(install) == 0, SEAL_WITHIN, worker), output()
            assert _sealed_by_test(install) == sealed
        verified = run_acuback(install, "audit", "verify")
        assert verified.returncode == 0, verified.stdout + verified.stderr

        worker.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert worker.wait(timeout=STOP_WITHIN) == 0, output()
        assert time.monotonic() - started < STOP_WITHIN
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=30)
        log.close()
