from __future__ import annotations

import pytest

from acuback.audit.models import AppendOnlyError, AuditEntry
from acuback.audit.services import audit_record, audit_verify


def _entries(n: int) -> list[AuditEntry]:
    return [
        audit_record(actor=None, action="read", object_type="patient", object_id=i, outcome="ok")
        for i in range(n)
    ]


@pytest.mark.django_db
def test_it_reports_an_intact_chain() -> None:
    _entries(5)
    assert list(audit_verify()) == []


@pytest.mark.django_db
def test_it_refuses_changes_through_the_orm() -> None:
    entry = _entries(1)[0]
    entry.outcome = "denied"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


@pytest.mark.django_db
def test_it_catches_an_altered_entry() -> None:
    entries = _entries(5)
    AuditEntry.objects.filter(pk=entries[2].pk).update(outcome="denied")
    problems = list(audit_verify())
    assert [(p.seq, "altered" in p.problem) for p in problems] == [(3, True)]


@pytest.mark.django_db
def test_it_catches_a_deleted_entry() -> None:
    entries = _entries(5)
    AuditEntry.objects.filter(pk=entries[1].pk).delete()
    problems = list(audit_verify())
    assert {p.seq for p in problems} == {2, 3}
    assert any("missing" in p.problem for p in problems)


@pytest.mark.django_db
def test_it_catches_a_rehashed_forgery() -> None:
    """Rewriting an entry and recomputing its own hash still breaks the next link."""
    from acuback.audit.services import entry_hash

    entries = _entries(3)
    forged = AuditEntry.objects.get(pk=entries[0].pk)
    forged.actor_username = "someone-else"
    AuditEntry.objects.filter(pk=forged.pk).update(
        actor_username="someone-else", hash=entry_hash(forged)
    )
    assert [p.seq for p in audit_verify()] == [2]


@pytest.mark.django_db
def test_it_makes_the_cli_verify_fail_on_tampering(capsys: pytest.CaptureFixture[str]) -> None:
    from acuback.cli import main

    entries = _entries(4)
    assert main(["audit", "verify"]) == 0
    assert "chain intact" in capsys.readouterr().out
    AuditEntry.objects.filter(pk=entries[1].pk).update(object_id="999")
    AuditEntry.objects.filter(pk=entries[3].pk).delete()
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "entry 2: content does not match its hash (altered)" in out
    assert "TAMPERED" in out


@pytest.mark.django_db
def test_it_catches_a_deleted_entry_in_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    from acuback.cli import main

    entries = _entries(4)
    AuditEntry.objects.filter(pk=entries[1].pk).delete()
    assert main(["audit", "verify"]) == 1
    assert "entry 2: entries 2..2 are missing" in capsys.readouterr().out
