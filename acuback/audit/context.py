"""Where the current request or command came from, for the audit trail.

Set once per request by AuditContextMiddleware (web or API) and by the CLI; read by
`audit_record`, so services need not pass the client address around.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from acuback.audit.models import Channel


@dataclass(frozen=True)
class AuditContext:
    channel: str = Channel.SYSTEM
    client_addr: str = ""


_DEFAULT = AuditContext()  # frozen, so sharing it is safe
_current: ContextVar[AuditContext] = ContextVar("acuback_audit_context", default=_DEFAULT)  # noqa: B039


def current() -> AuditContext:
    return _current.get()


@contextmanager
def audit_context(channel: str, client_addr: str = "") -> Iterator[None]:
    token = _current.set(AuditContext(channel=channel, client_addr=client_addr))
    try:
        yield
    finally:
        _current.reset(token)
