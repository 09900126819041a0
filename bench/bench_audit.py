"""Audit appends per second with 20 concurrent users on PostgreSQL, against plain inserts into a
table of the same shape, both measured in this run on a scratch database.

Every user is a thread with its own database connection, as a gunicorn worker has, and each
append is its own transaction, as a page view's is. The baseline inserts the same rows into a
copy of the audit table (`CREATE TABLE ... (LIKE audit_auditentry INCLUDING ALL)`: same
columns, defaults and indexes; no triggers, no chain), so the ratio is what the audit trail's
chain and guard cost on top of writing the row at all.

Needs ACUBACK_BENCH_POSTGRES_URL (or ACUBACK_TEST_POSTGRES_URL); the scratch database is
`<name>_bench` on that server, created and dropped here. BENCH_USERS and BENCH_SECONDS
override the 20 users and 5 seconds.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import threading
import time
from collections.abc import Callable

USERS = int(os.environ.get("BENCH_USERS", "20"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
BENCH_KEY = "bench-only-key-never-used-in-production-0123456789abcdefghij"


def _postgres_url() -> str | None:
    return os.environ.get("ACUBACK_BENCH_POSTGRES_URL") or os.environ.get(
        "ACUBACK_TEST_POSTGRES_URL")


def _django_on(url: str) -> None:
    os.environ.update({
        "ACUBACK_DATABASE_URL": url, "ACUBACK_SECRET_KEY": BENCH_KEY, "ACUBACK_SECURE": "false",
        "ACUBACK_DATA_DIR": tempfile.mkdtemp(prefix="acuback-bench-"),
        "DJANGO_SETTINGS_MODULE": "acuback.settings",
    })
    import django

    django.setup()


def _rate(users: int, seconds: float, one: Callable[[int], None]) -> float:
    """Operations per second over `seconds`, `users` threads each calling one(i) in a loop."""
    from django.db import connections

    done = [0] * users
    start = threading.Barrier(users + 1)
    stop_at = [0.0]

    def user(n: int) -> None:
        try:
            one(0)  # connect and warm up before the clock starts
            start.wait()
            while time.perf_counter() < stop_at[0]:
                one(done[n])
                done[n] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds + 0.05
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - began)


def _plain_model():  # noqa: ANN202 - a model class made here
    """A model of the audit entry's shape on the plain copy of its table."""
    from django.db import models

    from acuback.audit.models import AuditEntry

    fields = {f.name: f.clone() for f in AuditEntry._meta.local_fields}
    meta = type("Meta", (), {"app_label": "bench", "db_table": "bench_plain_entry",
                             "managed": False})
    return type("PlainEntry", (models.Model,), {**fields, "Meta": meta,
                                                "__module__": __name__})


def measure() -> tuple[float, float]:
    from django.db import connection, transaction
    from django.utils import timezone

    from acuback.audit.services import audit_record

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_plain_entry (LIKE audit_auditentry INCLUDING ALL)")
    plain_model = _plain_model()
    numbers = itertools.count(1)
    fixed = {"action": "read", "object_type": "patient", "channel": "system", "outcome": "ok"}

    def plain(i: int) -> None:
        with transaction.atomic():
            plain_model.objects.create(seq=next(numbers), at=timezone.now(), clinic_id=i % 2 + 1,
                                       object_id=str(i), detail={"bench": True}, **fixed)

    def audited(i: int) -> None:
        with transaction.atomic():
            audit_record(actor=None, action="read", object_type="patient", object_id=i,
                         outcome="ok", clinic_id=i % 2 + 1, detail={"bench": True})

    plain_rate = _rate(USERS, SECONDS, plain)
    audit_rate = _rate(USERS, SECONDS, audited)
    return audit_rate, plain_rate


def _verified() -> str:
    from acuback.audit.models import AuditEntry
    from acuback.audit.services import audit_verify

    problems = list(audit_verify())
    return f"{AuditEntry.objects.count():,} entries, " + (
        "chain intact" if not problems else f"{len(problems)} chain problems")


def main() -> None:
    url = _postgres_url()
    if not url:
        print("audit appends: skipped (set ACUBACK_BENCH_POSTGRES_URL or "
              "ACUBACK_TEST_POSTGRES_URL to a PostgreSQL server)")
        return
    _django_on(url)
    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    db["TEST"]["NAME"] = f"{db['NAME']}_bench"
    original = db["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        audit_rate, plain_rate = measure()
        print(f"audit appends, {USERS} concurrent users on PostgreSQL, {SECONDS:g} s each: "
              f"{audit_rate:,.0f}/s; plain inserts of the same rows {plain_rate:,.0f}/s; "
              f"ratio {audit_rate / plain_rate:.2f} ({_verified()})")
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
