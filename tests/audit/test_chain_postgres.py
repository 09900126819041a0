"""On PostgreSQL, writers append without waiting for each other or for the sealer; sealing then
fixes the chain's order exactly. (On SQLite the database admits one writer at a time, and each
entry is sealed as it is written.)"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from acuback.audit.models import AuditEntry
from acuback.audit.services import _seal_lock, audit_record, audit_seal, audit_verify
from tests.audit.test_chain import _refused
from tests.test_postgres import _on_postgres_pass

pytestmark = pytest.mark.postgres


def _append(object_id: object) -> AuditEntry:
    return audit_record(actor=None, action="read", object_type="patient", object_id=object_id,
                        outcome="ok")


@pytest.mark.django_db
def test_it_appends_unsealed_and_seals_in_order() -> None:
    _on_postgres_pass()
    seqs = [_append(i).seq for i in range(3)]
    assert list(AuditEntry.objects.filter(seq__in=seqs).values_list("chain_seq", "hash")) == [
        (None, "")] * 3
    assert audit_seal() == 3
    sealed = AuditEntry.objects.filter(seq__in=seqs).order_by("chain_seq")
    assert [e.seq for e in sealed] == seqs
    assert list(audit_verify()) == []


@pytest.mark.django_db
def test_it_refuses_truncate() -> None:
    _on_postgres_pass()
    _append(1)
    assert "append-only" in _refused("TRUNCATE audit_auditentry")


@pytest.mark.django_db(transaction=True)
def test_it_appends_while_a_sealer_holds_the_chain() -> None:
    """The chain's lock belongs to sealers only: an append (a page view) never waits for it.
    Before sealing existed, every append took this lock, and this append would hang."""
    _on_postgres_pass()
    holding, release = threading.Event(), threading.Event()

    def sealer() -> None:
        try:
            with transaction.atomic():
                _seal_lock(wait=True)
                holding.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    appended: list[int] = []

    def writer() -> None:
        try:
            appended.append(_append("while-sealing").seq)
        finally:
            connections.close_all()

    busy = threading.Thread(target=sealer)
    busy.start()
    try:
        assert holding.wait(timeout=30)
        write = threading.Thread(target=writer)
        write.start()
        write.join(timeout=10)
        assert appended, "the append waited for the sealer's lock"
    finally:
        release.set()
        busy.join(timeout=30)
    audit_seal()
    assert AuditEntry.objects.get(seq=appended[0]).chain_seq is not None
    assert list(audit_verify()) == []
    connection.close()


@pytest.mark.django_db
def test_it_seals_what_requests_left_waiting_when_the_worker_runs() -> None:
    """A request seals after its commit at most once a second, so the last entries before a
    quiet spell wait unchained; the worker beside the server (`acuback worker`) seals them."""
    from acuback.cli.worker import seal

    _on_postgres_pass()
    seqs = [_append(i).seq for i in range(2)]
    assert AuditEntry.objects.filter(seq__in=seqs, chain_seq__isnull=True).count() == 2
    assert seal() >= 2
    assert AuditEntry.objects.filter(seq__in=seqs, chain_seq__isnull=True).count() == 0
    assert list(audit_verify()) == []
