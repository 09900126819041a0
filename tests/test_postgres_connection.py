"""A kept PostgreSQL connection is checked before each request reuses it, without a round trip
while the server has said nothing, and replaced when the server ended it
(acuback/postgres/base.py).

Shown failing without the change: with Django's own backend the first test finds the check's
`SELECT 1` as the session's last statement."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import close_old_connections, connection

from tests.test_postgres import POSTGRES_URL, _on_postgres_pass

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _last_statement(pid: int) -> str:
    """What the server last ran for session `pid`, seen from a connection of its own."""
    with psycopg.connect(_test_database_url(), autocommit=True) as other:
        row = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    assert row is not None, f"no session {pid}"
    return str(row[0])


def _test_database_url() -> str:
    info = connection.connection.info
    return f"{POSTGRES_URL.rsplit('/', 1)[0]}/{info.dbname}"


def _next_request() -> int:
    """What Django does between two requests to a kept connection, then the next request's
    first statement; returns the server session that ran it."""
    close_old_connections()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_a_kept_connection_is_checked_without_a_round_trip() -> None:
    _on_postgres_pass()
    # A fresh connection, so that `conn_max_age` (60 s) cannot expire between the two requests:
    # the worker's connection may be older than that, and close_old_connections would then end
    # it as obsolete, which is not what this test is about.
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last statement'")
    pid = connection.connection.info.backend_pid
    close_old_connections()
    with connection.cursor() as cursor:  # the health check runs as the cursor is made
        assert _last_statement(pid) == "SELECT 'the last statement'"
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == pid  # kept, not replaced


def test_a_connection_the_server_ended_is_replaced() -> None:
    _on_postgres_pass()
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with psycopg.connect(_test_database_url(), autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    time.sleep(0.2)  # the server's goodbye reaches the socket
    assert _next_request() != pid  # a new session, and no error
