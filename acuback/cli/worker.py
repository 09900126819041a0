"""`acuback worker [--interval SECONDS] [--once]`: run background tasks.

Runs the queued tasks (booking confirmations, ...) from the database queue (the Django tasks
backport's database backend: SQLite or PostgreSQL, whichever acuback uses), and every
--interval seconds queues the due reminders, which are idempotent. `--once` runs what is queued
and what is due now, then exits (for cron). Stops cleanly on SIGTERM or Ctrl-C.

Every second it also seals the audit trail's waiting entries. On PostgreSQL requests append
entries unsealed and seal after their commit at most once a second per process, so the last
entries before a quiet spell would otherwise wait in the trail unchained until the next write;
with the worker running beside the server (`acuback serve` starts one) nothing waits longer
than about a second. The sealer gives way at once when another one is busy.
"""

from __future__ import annotations

import argparse
import signal
import time
from types import FrameType


class Stop:
    requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="acuback worker", description=__doc__)
    parser.add_argument("--interval", type=float, default=60.0,
                        help="seconds between looks for due reminders (default 60)")
    parser.add_argument("--once", action="store_true", help="run once, then exit")
    args = parser.parse_args(argv)
    if args.interval <= 0:
        parser.error("--interval must be more than 0")

    from acuback.cli.django_setup import migrate, setup

    setup()
    migrate()
    stop = Stop()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"acuback worker: looking for reminders every {args.interval:g} s", flush=True)
    while not stop.requested:
        run_once()
        if args.once:
            break
        deadline = time.monotonic() + args.interval
        while not stop.requested and time.monotonic() < deadline:
            time.sleep(min(1.0, args.interval))
            drain()
            seal()
    return 0


def run_once() -> None:
    from acuback.reminders.tasks import send_due_reminders

    send_due_reminders.enqueue()
    drain()
    seal()


def seal() -> int:
    """Chain the audit entries written since the last seal (none wait on SQLite, where each
    entry is sealed as it is written)."""
    from acuback.audit.services import audit_seal

    return audit_seal(wait=False)


def drain() -> None:
    """Run every queued task, then return."""
    from django.utils.crypto import get_random_string
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(queue_names=["default"], interval=0, batch=True, backend_name="default",
           startup_delay=False, max_tasks=None, worker_id=f"acuback-{get_random_string(12)}",
           excluded_queue_names=[]).run()
