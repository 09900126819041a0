"""The audit chain: sealed in order, verified exactly, guarded by the database, anchored outside it.

Tests that tamper play someone who got past the database's guard (dropped its triggers, or
owns the server): `audit_guard_lifted()` is that, on the test connection only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from acuback.audit.models import AppendOnlyError, AuditEntry
from acuback.audit.services import (
    GENESIS,
    Anchor,
    audit_anchor,
    audit_record,
    audit_seal,
    audit_verify,
    entry_hash,
)
from acuback.cli import main
from tests.conftest import audit_guard_lifted

pytestmark = pytest.mark.django_db


def _entries(n: int) -> list[AuditEntry]:
    """n new entries, sealed, as the database holds them."""
    seqs = [audit_record(actor=None, action="read", object_type="patient", object_id=i,
                         outcome="ok").seq for i in range(n)]
    audit_seal()
    return list(AuditEntry.objects.filter(seq__in=seqs).order_by("chain_seq"))


def _refused(sql: str, *params: object) -> str:
    """Run SQL that the database must refuse; the refusal's message."""
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(refused.value)


def _rehash_from(entry: AuditEntry) -> None:
    """The forger's full job: after changing `entry`, recompute every hash from it onwards."""
    prev = entry.prev_hash
    for later in AuditEntry.objects.filter(chain_seq__gte=entry.chain_seq).order_by("chain_seq"):
        later.prev_hash = prev
        later.hash = prev = entry_hash(later)
        AuditEntry.objects.filter(pk=later.pk).update(prev_hash=later.prev_hash, hash=later.hash)


# --- the chain ------------------------------------------------------------------------------


def test_it_reports_an_intact_chain() -> None:
    _entries(5)
    assert list(audit_verify()) == []


def test_it_seals_entries_into_one_chain_without_gaps() -> None:
    entries = _entries(4)
    assert [e.chain_seq for e in entries] == [1, 2, 3, 4]
    assert [e.prev_hash for e in entries] == [GENESIS] + [e.hash for e in entries[:-1]]
    assert all(e.hash == entry_hash(e) for e in entries)


def test_it_refuses_changes_through_the_orm() -> None:
    entry = _entries(1)[0]
    entry.outcome = "denied"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_it_catches_an_altered_entry() -> None:
    entries = _entries(5)
    with audit_guard_lifted():
        AuditEntry.objects.filter(pk=entries[2].pk).update(outcome="denied")
    problems = list(audit_verify())
    assert [(p.position, "altered" in p.problem) for p in problems] == [(3, True)]


def test_it_catches_a_deleted_entry() -> None:
    entries = _entries(5)
    with audit_guard_lifted():
        AuditEntry.objects.filter(pk=entries[1].pk).delete()
    problems = list(audit_verify())
    assert {p.position for p in problems} == {2, 3}
    assert any("missing" in p.problem for p in problems)


def test_it_catches_a_rehashed_forgery() -> None:
    """Rewriting an entry and recomputing its own hash still breaks the next link."""
    entries = _entries(3)
    forged = entries[0]
    forged.actor_username = "someone-else"
    with audit_guard_lifted():
        AuditEntry.objects.filter(pk=forged.pk).update(
            actor_username="someone-else", hash=entry_hash(forged))
    assert [p.position for p in audit_verify()] == [2]


def test_it_makes_the_cli_verify_fail_on_tampering(capsys: pytest.CaptureFixture[str]) -> None:
    entries = _entries(4)
    assert main(["audit", "verify"]) == 0
    assert "chain intact" in capsys.readouterr().out
    with audit_guard_lifted():
        AuditEntry.objects.filter(pk=entries[1].pk).update(object_id="999")
        AuditEntry.objects.filter(pk=entries[3].pk).delete()
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"chain position 2: entry #{entries[1].seq}: content does not match its hash " \
           "(altered)" in out
    assert "TAMPERED" in out


def test_it_catches_a_deleted_entry_in_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    entries = _entries(4)
    with audit_guard_lifted():
        AuditEntry.objects.filter(pk=entries[1].pk).delete()
    assert main(["audit", "verify"]) == 1
    assert "chain position 2: chain positions 2..2 are missing" in capsys.readouterr().out


# --- the database's guard ----------------------------------------------------------------------


def test_it_has_the_guard_after_migrating() -> None:
    from acuback.audit.guard import missing_triggers

    assert missing_triggers(connection) == []


def test_it_refuses_an_sql_update_of_an_entry() -> None:
    entry = _entries(2)[0]
    assert "append-only" in _refused(
        "UPDATE audit_auditentry SET outcome = 'denied' WHERE id = %s", entry.pk)
    assert AuditEntry.objects.get(pk=entry.pk).outcome == "ok"


def test_it_refuses_an_sql_delete_of_entries() -> None:
    _entries(2)
    assert "append-only" in _refused("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.count() == 2


def test_it_refuses_to_seal_an_entry_twice() -> None:
    entry = _entries(1)[0]
    assert "append-only" in _refused(
        "UPDATE audit_auditentry SET hash = %s WHERE id = %s", "f" * 64, entry.pk)


def test_it_refuses_a_change_of_content_dressed_as_sealing() -> None:
    """The one UPDATE allowed fills the chain columns of an unsealed entry and nothing else."""
    entry = _entries(1)[0]
    with audit_guard_lifted():  # make it look unsealed again
        AuditEntry.objects.filter(pk=entry.pk).update(chain_seq=None, prev_hash="", hash="")
    assert "append-only" in _refused(
        "UPDATE audit_auditentry SET chain_seq = 1, outcome = 'denied' WHERE id = %s", entry.pk)


def test_it_reports_a_missing_guard_trigger(capsys: pytest.CaptureFixture[str]) -> None:
    from acuback.audit.guard import TRIGGERS

    _entries(1)
    name = TRIGGERS[connection.vendor][0]
    with connection.cursor() as cursor:
        on_table = " ON audit_auditentry" if connection.vendor == "postgresql" else ""
        cursor.execute(f"DROP TRIGGER {name}{on_table}")
    assert [p.problem for p in audit_verify()] == [
        f"the database's guard trigger {name} is missing"]
    assert main(["audit", "verify"]) == 1


def test_it_refuses_an_update_from_a_program_without_the_guard_function(
        tmp_path: Path, migrated_sqlite: Callable[[Path], object]) -> None:
    """On SQLite, the sqlite3 shell (or any program that is not acuback) cannot even prepare
    an UPDATE or DELETE of the trail: the triggers call a function only acuback provides."""
    import sqlite3

    migrated_sqlite(tmp_path)
    with sqlite3.connect(tmp_path / "acuback.sqlite3") as db:
        db.execute("INSERT INTO audit_auditentry (seq, at, actor_username, action, object_type, "
                   "object_id, channel, client_addr, outcome, detail, prev_hash, hash) VALUES "
                   "(1, '2026-01-01', '', 'read', 'x', '', 'cli', '', 'ok', '{}', '', '')")
        for sql in ("UPDATE audit_auditentry SET outcome = 'denied'",
                    "DELETE FROM audit_auditentry"):
            with pytest.raises(sqlite3.OperationalError, match="acuback_audit_guard_off"):
                db.execute(sql)


# --- anchors: truncation and re-hashing ---------------------------------------------------------


def _anchor_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["audit", "anchor"]) == 0
    path = tmp_path / "anchor.json"
    path.write_text(capsys.readouterr().out)
    return path


def test_it_prints_the_chain_head_as_an_anchor(capsys: pytest.CaptureFixture[str]) -> None:
    entries = _entries(3)
    assert main(["audit", "anchor"]) == 0
    anchor = json.loads(capsys.readouterr().out)
    assert (anchor["chain_seq"], anchor["seq"], anchor["hash"], anchor["at"]) == (
        3, entries[-1].seq, entries[-1].hash, entries[-1].at.isoformat())
    assert anchor["anchored_at"]


def test_it_anchors_an_empty_trail_at_the_genesis() -> None:
    assert (audit_anchor().chain_seq, audit_anchor().hash) == (0, GENESIS)


def test_it_passes_an_intact_chain_against_its_anchor(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _entries(3)
    anchor = _anchor_file(tmp_path, capsys)
    _entries(2)  # the trail grows after the anchor was taken: still fine
    assert main(["audit", "verify", "--anchor", str(anchor)]) == 0
    assert "anchor" in capsys.readouterr().out


def test_it_catches_cutting_off_the_newest_entries(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = _entries(5)
    anchor = _anchor_file(tmp_path, capsys)
    with audit_guard_lifted():
        AuditEntry.objects.filter(pk__in=[e.pk for e in entries[-2:]]).delete()
    assert main(["audit", "verify"]) == 0  # the chain alone cannot see it
    capsys.readouterr()
    assert main(["audit", "verify", "--anchor", str(anchor)]) == 1
    assert "the trail was cut back" in capsys.readouterr().out


def test_it_catches_an_edit_with_the_whole_chain_recomputed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = _entries(5)
    anchor = _anchor_file(tmp_path, capsys)
    with audit_guard_lifted():
        AuditEntry.objects.filter(pk=entries[1].pk).update(actor_username="someone-else")
        _rehash_from(AuditEntry.objects.get(pk=entries[1].pk))
    assert list(audit_verify()) == []  # a perfect forgery, as far as the chain goes
    assert main(["audit", "verify", "--anchor", str(anchor)]) == 1
    assert "the chain was rewritten" in capsys.readouterr().out


@pytest.mark.parametrize("text", ["not json", "[]", '{"seq": 1}',
                                  '{"chain_seq": "x", "seq": 1, "hash": "' + "a" * 64 + '"}'])
def test_it_refuses_an_anchor_file_it_cannot_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    path = tmp_path / "anchor.json"
    path.write_text(text)
    assert main(["audit", "verify", "--anchor", str(path)]) == 2
    assert "anchor" in capsys.readouterr().err


def test_it_round_trips_an_anchor() -> None:
    _entries(2)
    anchor = audit_anchor()
    assert Anchor.parse(json.loads(json.dumps(anchor.as_dict()))) == anchor


def test_it_asks_for_migrations_before_verifying_an_older_database(tmp_path: Path) -> None:
    from tests.test_settings import acuback

    assert acuback(tmp_path, "manage", "migrate", "audit", "0001", "-v0").returncode == 0
    refused = acuback(tmp_path, "audit", "verify")
    assert (refused.returncode, "acuback manage migrate" in refused.stderr) == (2, True)
