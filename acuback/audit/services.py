"""The one write path of the audit trail, and its verification."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from acuback.audit import context
from acuback.audit.models import AuditEntry

GENESIS = "0" * 64
# Any constant: PostgreSQL advisory lock that serialises appends so the chain never forks.
_CHAIN_LOCK = 0x61637562


def _payload(entry: AuditEntry) -> str:
    return json.dumps(
        {
            "seq": entry.seq,
            "at": entry.at.isoformat(),
            "actor_id": entry.actor_id,
            "actor_username": entry.actor_username,
            "clinic_id": entry.clinic_id,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "channel": entry.channel,
            "client_addr": entry.client_addr,
            "outcome": entry.outcome,
            "detail": entry.detail,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256((entry.prev_hash + _payload(entry)).encode()).hexdigest()


def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: object = "",
    outcome: str,
    clinic_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction when there is one, so a write
    and its audit entry commit or roll back together. A read repeated within one request
    returns the entry of the first (`acuback.audit.context`)."""
    ctx = context.current()
    user_id = getattr(actor, "pk", None) if actor is not None else None
    once = context.read_key(action, outcome, user_id, object_type, object_id, clinic_id, detail)
    if (earlier := context.earlier_read(once)) is not None:
        return earlier  # type: ignore[no-any-return]
    if clinic_id is None and actor is not None:
        membership = getattr(actor, "membership", None) if user_id else None
        clinic_id = membership.clinic_id if membership else None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        last = AuditEntry.objects.order_by("-seq").only("seq", "hash").first()
        entry = AuditEntry(
            seq=(last.seq + 1) if last else 1,
            at=timezone.now(),
            actor_id=user_id,
            actor_username=getattr(actor, "username", "") or "",
            clinic_id=clinic_id,
            action=action,
            object_type=object_type,
            # Refused ids come from the request and may be any length; the column holds 64
            # (PostgreSQL refuses longer values where SQLite silently stores them).
            object_id=(str(object_id) if object_id is not None else "")[:64],
            channel=ctx.channel,
            client_addr=ctx.client_addr,
            outcome=outcome,
            detail=json.loads(json.dumps(detail or {}, default=str)),
            prev_hash=last.hash if last else GENESIS,
        )
        entry.hash = entry_hash(entry)
        entry.save()
    context.remember_read(once, entry)
    return entry


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


def audit_verify(batch: int = 2000) -> Iterator[ChainProblem]:
    """Walk the chain in order and report every entry that was changed, removed or inserted.

    A changed entry no longer matches its own hash; a deleted one leaves a gap in `seq` and a
    broken link in the next entry's `prev_hash`. (Removing only the newest entries leaves no
    trace inside the chain itself: keep the last hash elsewhere, e.g. in backups, for that.)
    """
    expected_seq = 1
    prev_hash = GENESIS
    last_seq = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not rows:
            return
        for entry in rows:
            if entry.seq != expected_seq:
                missing = f"entries {expected_seq}..{entry.seq - 1} are missing"
                yield ChainProblem(expected_seq, missing)
            if entry.prev_hash != prev_hash:
                yield ChainProblem(entry.seq, "does not link to the entry before it")
            if entry_hash(entry) != entry.hash:
                yield ChainProblem(entry.seq, "content does not match its hash (altered)")
            expected_seq = entry.seq + 1
            prev_hash = entry.hash
            last_seq = entry.seq
