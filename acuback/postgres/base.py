"""Django's PostgreSQL backend, with a persistent connection's health check done without a
round trip to the server.

A connection kept between requests (`conn_max_age`) is checked before each request uses it, so
that a restarted server costs no errors. Django checks with a `SELECT 1`: one round trip to
the server per request, as dear as a query. Here the check first asks the operating system
whether the server has sent anything on the idle connection: a live idle connection has
nothing to read, while a server that shuts down, restarts or ends the session
(`pg_terminate_backend`, an idle timeout) sends its goodbye and closes the socket. Only when
there is something to read (or the socket is gone) does the check run Django's `SELECT 1`,
which then fails on a closed connection and the connection is replaced.

What neither check can see at once is a peer that vanished without closing (a cable pulled):
Django's `SELECT 1` would wait for the network's timeout there too.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        if self.connection.info.transaction_status != TransactionStatus.IDLE:
            return bool(super().is_usable())  # mid-transaction or failed: ask the server
        try:
            waiting, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        if not waiting:
            return True
        return bool(super().is_usable())
