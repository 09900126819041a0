"""The one write path of the audit trail, the sealing of its chain, and its verification.

How the chain stays exact without making every writer wait for every other:

- `audit_record` writes an entry with its number (`seq`) and takes no lock. On PostgreSQL
  `seq` comes from a sequence; on SQLite, where the database lets one writer in at a time
  anyway, the entry is sealed as it is written, in the same transaction.
- `audit_seal` takes the unsealed entries in `seq` order and gives each the next place in the
  chain (`chain_seq`), the previous entry's hash and its own: SHA-256 over the previous hash
  and the entry's content. Only one sealer runs at a time (a PostgreSQL advisory lock taken by
  sealers only; a request never waits for it). An entry that commits after a sealer looked
  is sealed the next time, so on PostgreSQL the chain's order may differ slightly from `seq`:
  the links, not the numbers, fix the order.
- Sealing runs after a writer's commit, at most once a second per process and only if no other
  sealer is busy, and before every `acuback audit` command and backup.
- `audit_verify` walks the chain from position 1: every position present, every link equal to
  the hash before it, every hash equal to a fresh hash of the content. Changing an entry
  breaks its hash; re-hashing it breaks the next link; re-hashing everything after it, or
  cutting entries off the end, leaves a chain that no longer contains the head recorded in an
  anchor kept outside the database (`audit_anchor`): verification against that anchor fails.
  The database refuses UPDATE and DELETE of entries besides (acuback/audit/guard.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from acuback.audit import context, durability, guard
from acuback.audit.models import Action, AuditEntry, Outcome, RefusalTally

GENESIS = "0" * 64
# Any constant: the PostgreSQL advisory lock that lets one sealer at a time extend the chain.
_SEAL_LOCK = 0x61637562
SEAL_BATCH = 2000
SEAL_INTERVAL_SECONDS = 1.0
# Anonymous refusals from one address are written once per window, and counted otherwise.
REFUSAL_WINDOW = dt.timedelta(minutes=5)


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
    returns the entry of the first, and a request that changes nothing writes its reads
    together when it ends (`acuback.audit.context`)."""
    ctx = context.current()
    user_id = getattr(actor, "pk", None) if actor is not None else None
    once = context.read_key(action, outcome, user_id, object_type, object_id, clinic_id, detail)
    if (earlier := context.earlier_read(once)) is not None:
        return earlier  # type: ignore[no-any-return]
    if clinic_id is None and actor is not None:
        membership = getattr(actor, "membership", None) if user_id else None
        clinic_id = membership.clinic_id if membership else None
    entry = AuditEntry(
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
    )
    if once is not None and ctx.held is not None:
        ctx.held.append(entry)  # written with the request's other reads (audit_flush)
    else:
        if ctx.held and context.outside_transactions():
            audit_flush()  # the reads came first: they go first
        _append([entry])
    context.remember_read(once, entry)
    return entry


def audit_flush() -> None:
    """Write the read entries the current request holds, together, in a commit that does not
    wait for the disk (`acuback.audit.durability`: durable within its stated bound)."""
    held = context.current().held
    if held:
        entries = held[:]
        held.clear()
        with durability.unsynced_commit():
            if connection.vendor == "postgresql":
                _append_unsealed(entries, also=durability.POSTGRES_UNSYNCED)
            else:
                _append_sealed(entries)


def _append(entries: list[AuditEntry]) -> None:
    """Append entries in one transaction, numbered in the order given."""
    if connection.vendor == "postgresql":
        _append_unsealed(entries)
    else:
        with transaction.atomic():
            _append_sealed(entries)


def _append_unsealed(entries: list[AuditEntry], also: str = "") -> None:
    """PostgreSQL: numbers from the sequence, the rows, and nothing that waits for anyone.
    `also`: an expression the numbering statement evaluates too (durability.POSTGRES_UNSYNCED)."""
    numbering = "SELECT nextval('audit_entry_seq')" + (f", {also}" if also else "")
    with connection.cursor() as cursor:
        if len(entries) == 1:
            cursor.execute(numbering)
        else:
            cursor.execute(numbering + " FROM generate_series(1, %s)", [len(entries)])
        numbers = sorted(row[0] for row in cursor.fetchall())
    for entry, number in zip(entries, numbers, strict=True):
        entry.seq = number
    _insert(entries)
    _seal_soon()


def _append_sealed(entries: list[AuditEntry]) -> None:
    """SQLite, inside a write transaction (which holds the database's one write lock): entries
    are sealed as they are written. Every SQLite append seals, so the newest entry is the
    chain's head, unless entries arrived unsealed some other way: then they are sealed too."""
    with connection.cursor() as cursor:  # the newest entry (hand-written: a request's cost)
        cursor.execute("SELECT seq, chain_seq, hash FROM audit_auditentry "
                       "ORDER BY seq DESC LIMIT 1")
        last = cursor.fetchone()
    seq = last[0] if last else 0
    for entry in entries:
        seq += 1
        entry.seq = seq
    if last is not None and last[1] is None:
        _insert(entries)
        audit_seal()
        return
    position, prev_hash = (last[1], last[2]) if last else (0, GENESIS)
    for entry in entries:
        position += 1
        entry.chain_seq, entry.prev_hash = position, prev_hash
        entry.hash = prev_hash = entry_hash(entry)
    _insert(entries)


def _insert(entries: list[AuditEntry]) -> None:
    """One INSERT of every entry, written by hand (every page that reads a record pays for it):
    the values prepared by the model's own fields, as the ORM's save would, the ids read back."""
    fields = _insert_fields()
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = [field.get_db_prep_save(getattr(entry, field.attname), connection)
              for entry in entries for field in fields]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(AuditEntry._meta.db_table)} "  # noqa: S608
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES {', '.join([row] * len(entries))} RETURNING {quote('id')}, {quote('seq')}",
            values)
        ids = dict((seq, pk) for pk, seq in cursor.fetchall())
    for entry in entries:
        entry.pk = ids[entry.seq]
        entry._state.adding = False
        entry._state.db = connection.alias


@functools.cache
def _insert_fields() -> list[Any]:
    return [field for field in AuditEntry._meta.concrete_fields if not field.primary_key]


_next_seal_at = 0.0


def _seal_soon() -> None:
    """After this transaction commits, seal what is waiting, unless this process did so less
    than a second ago (a busy server seals in batches, not once per entry)."""
    global _next_seal_at
    now = time.monotonic()
    if now < _next_seal_at:
        return
    _next_seal_at = now + SEAL_INTERVAL_SECONDS
    transaction.on_commit(_seal_if_free, robust=True)


def _seal_if_free() -> None:
    audit_seal(wait=False)


def audit_seal(*, wait: bool = True) -> int:
    """Bring the chain up to date: write the refusal counts of windows that have passed, then
    seal every entry not yet sealed, oldest first. Returns how many entries were sealed.

    wait=False gives way at once if another sealer is busy (the request path); wait=True
    (the CLI, backups, tests) waits for it, so that afterwards everything committed before
    the call is in the chain."""
    audit_refusals_close()
    sealed = 0
    while True:
        count = _seal_batch(wait=wait)
        sealed += count
        if count < SEAL_BATCH or not wait:
            return sealed


def _seal_batch(*, wait: bool) -> int:
    with transaction.atomic():
        if connection.vendor == "postgresql" and not _seal_lock(wait):
            return 0
        pending = list(AuditEntry.objects.filter(chain_seq__isnull=True)
                       .order_by("seq")[:SEAL_BATCH])
        if not pending:
            return 0
        head = (AuditEntry.objects.filter(chain_seq__isnull=False).order_by("-chain_seq")
                .only("chain_seq", "hash").first())
        position, prev_hash = (head.chain_seq or 0, head.hash) if head else (0, GENESIS)
        for entry in pending:
            position += 1
            entry.chain_seq, entry.prev_hash = position, prev_hash
            entry.hash = prev_hash = entry_hash(entry)
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE audit_auditentry SET chain_seq = %s, prev_hash = %s, hash = %s "
                "WHERE id = %s",
                [(e.chain_seq, e.prev_hash, e.hash, e.pk) for e in pending])
    return len(pending)


def _seal_lock(wait: bool) -> bool:
    """Held until the sealing transaction ends; only sealers ever take it."""
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SEAL_LOCK])
        return bool(cursor.fetchone()[0])


# --- anonymous refusals: counted, not one entry each -----------------------------------------


def _window_start(moment: dt.datetime) -> dt.datetime:
    seconds = int(REFUSAL_WINDOW.total_seconds())
    return dt.datetime.fromtimestamp(int(moment.timestamp()) // seconds * seconds, tz=dt.UTC)


_TALLY_UPSERT = (
    "INSERT INTO audit_refusaltally (window_start, client_addr, channel, count, last_at) "
    "VALUES (%s, %s, %s, 1, %s) ON CONFLICT (window_start, client_addr, channel) "
    "DO UPDATE SET count = audit_refusaltally.count + 1, last_at = excluded.last_at "
    "RETURNING count")


def audit_anonymous_refusal(*, action: str, object_type: str, object_id: object = "",
                            outcome: str = Outcome.DENIED,
                            detail: dict[str, Any] | None = None) -> None:
    """Record a refusal of someone not logged in. The first from an address in each five-minute
    window is an entry of its own; the rest are only counted, and once the window has passed
    the count is written as one more entry (`audit_refusals_close`)."""
    ctx = context.current()
    now = timezone.now()
    window = _window_start(now)
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_TALLY_UPSERT, [adapt(window), ctx.client_addr, ctx.channel,
                                           adapt(now)])
            count = cursor.fetchone()[0]
        if count > 1:
            return
        until = (window + REFUSAL_WINDOW).isoformat()
        audit_record(actor=None, action=action, object_type=object_type, object_id=object_id,
                     outcome=outcome, detail={**(detail or {}), "more_counted_until": until})
    audit_refusals_close()


def audit_refusals_close() -> int:
    """One entry per passed window that counted refusals beyond its first; the tally row goes.
    Returns how many windows were closed."""
    with transaction.atomic():
        passed = list(RefusalTally.objects.filter(window_start__lt=_window_start(timezone.now()))
                      .select_for_update(skip_locked=True))
        for tally in passed:
            if tally.count > 1:
                with context.audit_context(tally.channel, tally.client_addr):
                    audit_record(
                        actor=None, action=Action.READ, object_type="anonymous_refusals",
                        outcome=Outcome.DENIED,
                        detail={"refusals": tally.count, "counted": tally.count - 1,
                                "from": tally.window_start.isoformat(),
                                "until": (tally.window_start + REFUSAL_WINDOW).isoformat(),
                                "last_at": tally.last_at.isoformat()})
        RefusalTally.objects.filter(pk__in=[t.pk for t in passed]).delete()
    return len(passed)


# --- verification and anchors ------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    position: int  # place in the chain (0: the trail as a whole)
    problem: str

    def __str__(self) -> str:
        return f"{f'chain position {self.position}' if self.position else 'trail'}: {self.problem}"


@dataclass(frozen=True)
class Anchor:
    """The chain's head at one moment, to keep outside the database (a file, a backup, a
    ticket): proof of how long the chain was and what its newest entry hashed to."""

    chain_seq: int
    seq: int
    hash: str
    at: str  # the head entry's time
    anchored_at: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def parse(cls, data: object) -> Anchor:
        """An anchor from its JSON; ValueError says what is wrong with it."""
        if not isinstance(data, dict):
            raise ValueError("an anchor is a JSON object")
        try:
            anchor = cls(chain_seq=int(data["chain_seq"]), seq=int(data["seq"]),
                         hash=str(data["hash"]), at=str(data.get("at", "")),
                         anchored_at=str(data.get("anchored_at", "")))
        except KeyError as exc:
            raise ValueError(f"an anchor needs {exc.args[0]!r}") from exc
        except (TypeError, ValueError) as exc:
            raise ValueError(f"an anchor's chain_seq and seq are whole numbers ({exc})") from exc
        if anchor.chain_seq < 0 or len(anchor.hash) != 64:
            raise ValueError("an anchor's chain_seq is 0 or more and its hash 64 hex digits")
        return anchor


def audit_anchor(*, seal: bool = True, using: str = "default") -> Anchor:
    """The chain's head now (after sealing what is waiting); the genesis for an empty trail.
    `using` names another database alias (a copy being backed up)."""
    if seal:
        audit_seal()
    head = (AuditEntry.objects.using(using).filter(chain_seq__isnull=False)
            .order_by("-chain_seq").first())
    now = timezone.now().isoformat()
    if head is None:
        return Anchor(chain_seq=0, seq=0, hash=GENESIS, at="", anchored_at=now)
    return Anchor(chain_seq=head.chain_seq or 0, seq=head.seq, hash=head.hash,
                  at=head.at.isoformat(), anchored_at=now)


def audit_verify(*, anchors: Iterable[Anchor] = (), seal: bool = True,
                 batch: int = 2000) -> Iterator[ChainProblem]:
    """Every problem of the trail: entries changed, removed or inserted, a guard trigger
    missing and, for each anchor given, a chain that no longer holds the head it recorded."""
    if seal:
        audit_seal()
    for name in guard.missing_triggers(connection):
        yield ChainProblem(0, f"the database's guard trigger {name} is missing")
    yield from _chain_problems(batch)
    for anchor in anchors:
        yield from _anchor_problems(anchor)


def _chain_problems(batch: int) -> Iterator[ChainProblem]:
    expected, prev_hash = 1, GENESIS
    while True:
        rows = list(AuditEntry.objects.filter(chain_seq__gte=expected).order_by("chain_seq")
                    [:batch])
        if not rows:
            return
        for entry in rows:
            position = entry.chain_seq or 0
            if position != expected:
                yield ChainProblem(expected, f"chain positions {expected}..{position - 1} "
                                             "are missing")
            if entry.prev_hash != prev_hash:
                yield ChainProblem(position, f"entry #{entry.seq} does not link to the entry "
                                             "before it")
            if entry_hash(entry) != entry.hash:
                yield ChainProblem(position, f"entry #{entry.seq}: content does not match its "
                                             "hash (altered)")
            expected, prev_hash = position + 1, entry.hash


def _anchor_problems(anchor: Anchor) -> Iterator[ChainProblem]:
    if anchor.chain_seq == 0:
        return
    entry = AuditEntry.objects.filter(chain_seq=anchor.chain_seq).first()
    if entry is None:
        yield ChainProblem(anchor.chain_seq, f"the anchored head (chain position "
                           f"{anchor.chain_seq}, entry #{anchor.seq}) is gone: the trail was "
                           "cut back")
    elif (entry.seq, entry.hash) != (anchor.seq, anchor.hash):
        yield ChainProblem(anchor.chain_seq, f"the anchored head (chain position "
                           f"{anchor.chain_seq}) no longer matches the anchor: the chain was "
                           "rewritten")


def audit_counts() -> tuple[int, int]:
    """(sealed, waiting to be sealed)."""
    total = AuditEntry.objects.count()
    waiting = AuditEntry.objects.filter(chain_seq__isnull=True).count()
    return total - waiting, waiting

