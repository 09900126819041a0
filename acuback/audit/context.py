"""Where the current request or command came from, for the audit trail.

Set once per request by AuditContextMiddleware (web or API) and by the CLI; read by
`audit_record`, so services need not pass the client address around.

Within one request, a read of a record is audited once: a page that reads the same patient
twice (the chart and a panel on it) leaves one entry, not two. `audit_record` asks
`earlier_read` first and calls `remember_read` after writing. Writes and refusals are always
recorded; outside a request (CLI, tests calling services) every read is.

A request that changes nothing (GET, HEAD) holds its read entries (`held`) and writes them
together when it ends, in one insert: still one entry per record read, each in the chain.
They are written before any entry appended meanwhile outside a transaction the request began
(inside one, they wait: a rollback must not take them with it), so the trail keeps the order
in which things happened.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connection

from acuback.audit.models import Action, Channel, Outcome

# Only successful reads repeat harmlessly within a request; anything else is always recorded.
_ONCE_PER_REQUEST = frozenset({Action.READ, Action.LIST})


@dataclass(frozen=True)
class AuditContext:
    channel: str = Channel.SYSTEM
    client_addr: str = ""
    # The request's reads already recorded -> their entry; None outside a request.
    reads: dict[tuple[Any, ...], Any] | None = None
    # Read entries waiting to be written together; None: every entry is written at once.
    held: list[Any] | None = None
    # How many transactions were open when the request began (`outside_transactions`).
    depth: int = 0


_DEFAULT = AuditContext()  # frozen, so sharing it is safe
_current: ContextVar[AuditContext] = ContextVar("acuback_audit_context", default=_DEFAULT)  # noqa: B039


def current() -> AuditContext:
    return _current.get()


@contextmanager
def audit_context(channel: str, client_addr: str = "", *, request: bool = False,
                  hold_reads: bool = False) -> Iterator[None]:
    """`request=True` for one web or API request: its repeated reads are audited once.
    `hold_reads` (a request that changes nothing) writes its read entries together at the end."""
    held: list[Any] | None = [] if request and hold_reads else None
    token = _current.set(AuditContext(channel=channel, client_addr=client_addr,
                                      reads={} if request else None, held=held,
                                      depth=len(connection.atomic_blocks)))
    try:
        yield
    finally:
        try:
            if held:
                from acuback.audit.services import audit_flush  # services import this module

                audit_flush()
        finally:
            _current.reset(token)


def outside_transactions() -> bool:
    """True when no transaction begun since the context was set is open."""
    return len(connection.atomic_blocks) <= current().depth


def read_key(action: str, outcome: str, *parts: object) -> tuple[Any, ...] | None:
    """What makes two reads the same read (None: not a read audited once per request)."""
    if action not in _ONCE_PER_REQUEST or outcome != Outcome.OK or current().reads is None:
        return None
    return (action, *(repr(p) for p in parts))


def earlier_read(key: tuple[Any, ...] | None) -> Any:
    """The entry of the same read earlier in this request, if there was one."""
    reads = current().reads
    return reads.get(key) if key is not None and reads is not None else None


def remember_read(key: tuple[Any, ...] | None, entry: Any) -> None:
    reads = current().reads
    if key is not None and reads is not None:
        reads[key] = entry
