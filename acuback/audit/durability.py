"""The commit of a request's read entries does not wait for the disk; it is durable soon after.

Every page that shows patient data ends with one commit: the audit entries of the records it
read (`audit_flush`). With SQLite's `synchronous=FULL` that commit waits for the disk to sync
the log (3-6 ms on the test machine, more than a whole bare request) and holds the database's
one write lock while it waits, so at 20 users every page queued behind every other's sync.

The decision (issue 9): the entries of READS alone commit without waiting for the disk, within a
bounded window, as PostgreSQL's own `synchronous_commit = off` does. Clinical writes and the
audit entries of writes, refusals, logins and everything else keep the full sync.

- The entry is still committed before the response is sent: a crash of acuback loses nothing
  (the operating system holds the written log). Only a power cut or a crash of the operating
  system (on PostgreSQL also of the database server) within the window can lose read
  entries, never a write or its entry, and never a part of the chain (SQLite and PostgreSQL
  both recover to a consistent earlier state).
- SQLite: `PRAGMA synchronous=NORMAL` for that one commit, FULL again right after it. The
  process's flusher thread syncs the write-ahead log (`fsync`, what FULL would have done at
  the commit) Flusher.GROUP_SECONDS (50 ms) later, off the request and once for all such
  commits meanwhile. Bound: FLUSH_BOUND_SECONDS (200 ms); any later FULL commit syncs it too.
- PostgreSQL: `synchronous_commit` off for that transaction alone (`set_config(..., true)`,
  as `SET LOCAL` does); the server's WAL writer flushes it within three times
  `wal_writer_delay` (600 ms with the default 200 ms).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

FLUSH_BOUND_SECONDS = 0.2
# PostgreSQL: what makes the transaction's commit not wait for the disk. A select-list item, so
# that it rides on the transaction's first statement instead of taking a round trip of its own.
POSTGRES_UNSYNCED = "set_config('synchronous_commit', 'off', true)"

log = logging.getLogger(__name__)


@contextmanager
def unsynced_commit() -> Iterator[None]:
    """One transaction whose commit does not wait for the disk (see the module's decision).
    On PostgreSQL the transaction's first statement selects POSTGRES_UNSYNCED (one round trip
    fewer than a SET LOCAL of its own). Inside a caller's transaction it opens nothing: the
    caller's commit decides."""
    if connection.in_atomic_block:
        yield
    elif connection.vendor == "postgresql":
        with transaction.atomic():
            yield
    elif connection.vendor == "sqlite":
        with _sqlite_synchronous_normal():
            with transaction.atomic():
                yield
        flusher.sync_soon(_wal_path())
    else:
        with transaction.atomic():
            yield


@contextmanager
def _sqlite_synchronous_normal() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous=NORMAL")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA synchronous={int(before)}")
        except Exception:
            connection.close()  # never leave a connection that commits without syncing
            raise


def _wal_path() -> str | None:
    """The write-ahead log of the SQLite file, or None for an in-memory database."""
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return name + "-wal"


class Flusher:
    """One thread per process that syncs SQLite write-ahead logs committed without a sync. A
    commit wakes it; it waits GROUP_SECONDS (the request is answered meanwhile, and the commits
    of other requests join) and syncs once for all of them. So nothing waits for the disk on
    the request's path, not even for the thread (which would take the interpreter's lock)."""

    GROUP_SECONDS = 0.05

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._woken = threading.Event()
        self._done = threading.Condition()
        self._pending: set[str] = set()
        self._asked = 0  # commits handed to the flusher
        self._synced = 0  # of those, the ones now on disk (or found needing no sync)
        self._thread: threading.Thread | None = None
        self._pid = 0
        self.syncs = 0  # fsync calls made, for tests and the curious

    def sync_soon(self, path: str | None) -> None:
        if path is None:
            return
        if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
            self._start()  # first use, or a forked child (threads do not survive a fork)
        with self._lock:  # never held for long: the flusher only swaps the set under it
            self._pending.add(path)
            self._asked += 1
        if not self._woken.is_set():
            self._woken.set()

    def wait(self, timeout: float = FLUSH_BOUND_SECONDS) -> bool:
        """True once every commit handed over so far is synced (False after `timeout`)."""
        asked = self._asked
        with self._done:
            return self._done.wait_for(lambda: self._synced >= asked, timeout)

    def _start(self) -> None:
        self._pid = os.getpid()
        # A forked child may have inherited these held or waited on by a thread it lacks.
        self._lock, self._woken, self._done = (threading.Lock(), threading.Event(),
                                                threading.Condition())
        self._thread = threading.Thread(target=self._run, name="acuback-wal-flusher",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            self._woken.wait()
            time.sleep(self.GROUP_SECONDS)
            self._woken.clear()
            with self._lock:
                asked = self._asked
                paths, self._pending = self._pending, set()
            for path in paths:
                _fsync(path)
                self.syncs += 1
            with self._done:
                self._synced = max(self._synced, asked)
                self._done.notify_all()


def _fsync(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return  # the last connection closed and checkpointed the log into the database, synced
    try:
        os.fsync(fd)
    except OSError:
        log.exception("could not sync the SQLite log %s", path)
    finally:
        os.close(fd)


flusher = Flusher()
