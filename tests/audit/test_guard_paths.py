"""Every way into the audit trail refuses to change or remove an entry: the ORM's bulk update
and delete (which skip the model's own refusal), the admin even for a superuser, and the
command line (`acuback manage shell`, `acuback manage flush`) on a real install, on SQLite and
on a PostgreSQL server. The database tests run on SQLite and, in the PostgreSQL pass, on
PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse

from acuback.accounts.models import User
from acuback.audit.models import AuditEntry
from acuback.audit.services import audit_record, audit_seal, audit_verify
from tests.served import scratch_postgres
from tests.test_postgres import _on_postgres_pass
from tests.test_settings import LONG_KEY, acuback


def _sealed(n: int) -> list[AuditEntry]:
    seqs = [audit_record(actor=None, action="read", object_type="patient", object_id=i,
                         outcome="ok").seq for i in range(n)]
    audit_seal()
    return list(AuditEntry.objects.filter(seq__in=seqs).order_by("chain_seq"))


@pytest.mark.django_db
def test_it_refuses_a_bulk_update_through_the_orm() -> None:
    entries = _sealed(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[0].pk).update(outcome="denied")
    assert AuditEntry.objects.get(pk=entries[0].pk).outcome == "ok"


@pytest.mark.django_db
def test_it_refuses_a_bulk_delete_through_the_orm() -> None:
    _sealed(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 2
    assert list(audit_verify()) == []


@pytest.fixture
def superuser_client(db: None) -> Client:
    root = User.objects.create_superuser("root", "root@example.org", "x-very-long-password-1")
    client = Client()
    client.force_login(root)
    return client


def test_it_refuses_a_superuser_editing_an_entry_in_the_admin(superuser_client: Client) -> None:
    entry = _sealed(1)[0]
    change = reverse("admin:audit_auditentry_change", args=[entry.pk])
    answer = superuser_client.post(change, {"outcome": "denied", "actor_username": "forged"})
    assert answer.status_code == 403
    entry.refresh_from_db()
    assert (entry.outcome, entry.actor_username) == ("ok", "")


def test_it_refuses_a_superuser_deleting_entries_in_bulk_in_the_admin(
        superuser_client: Client) -> None:
    entries = _sealed(2)
    changelist = reverse("admin:audit_auditentry_changelist")
    superuser_client.post(changelist, {"action": "delete_selected", "post": "yes",
                                       "_selected_action": [e.pk for e in entries]})
    assert AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).count() == 2


# The shell of a real install: whoever can run `acuback manage` cannot empty the trail either.
DELETE_IN_SHELL = """
from acuback.audit.models import AuditEntry
from acuback.audit.services import audit_record
audit_record(actor=None, action="read", object_type="patient", object_id=1, outcome="ok")
try:
    AuditEntry.objects.all().delete()
except Exception as exc:
    print("refused:", exc)
print("entries:", AuditEntry.objects.count())
"""


def test_it_refuses_emptying_the_trail_from_the_command_line(
        tmp_path: Path, migrated_sqlite: Callable[[Path], object]) -> None:
    migrated_sqlite(tmp_path)
    shell = acuback(tmp_path, "manage", "shell", "-c", DELETE_IN_SHELL)
    assert shell.returncode == 0, shell.stderr
    assert "refused: audit entries are append-only" in shell.stdout
    assert "entries: 1" in shell.stdout
    flush = acuback(tmp_path, "manage", "flush", "--noinput")
    assert (flush.returncode, "couldn't be flushed" in flush.stderr) == (1, True), flush.stderr
    with closing(sqlite3.connect(tmp_path / "acuback.sqlite3")) as db:
        assert db.execute("SELECT count(*) FROM audit_auditentry").fetchone()[0] == 1
    verify = acuback(tmp_path, "audit", "verify")
    assert (verify.returncode, "chain intact" in verify.stdout) == (0, True), verify.stdout


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_refuses_emptying_the_trail_from_the_command_line_on_postgresql(
        tmp_path: Path, migrated_postgres: str) -> None:
    """The same through a real install on a PostgreSQL server, where the guard is a different
    trigger (and TRUNCATE, which flush sends, has its own)."""
    import psycopg

    _on_postgres_pass()
    with scratch_postgres("audit_guard", template=migrated_postgres) as url:
        env = {"ACUBACK_DATABASE_URL": url, "ACUBACK_SECRET_KEY": LONG_KEY,
               "ACUBACK_SECURE": "false"}
        shell = acuback(tmp_path, "manage", "shell", "-c", DELETE_IN_SHELL, **env)
        assert shell.returncode == 0, shell.stderr
        assert "refused: audit entries are append-only" in shell.stdout
        flush = acuback(tmp_path, "manage", "flush", "--noinput", **env)
        assert (flush.returncode, "couldn't be flushed" in flush.stderr) == (1, True), flush.stderr
        with psycopg.connect(url) as db:
            assert db.execute("SELECT count(*) FROM audit_auditentry").fetchone() == (1,)
        verify = acuback(tmp_path, "audit", "verify", **env)
        assert (verify.returncode, "chain intact" in verify.stdout) == (0, True), verify.stdout
