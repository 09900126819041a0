from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from acuback.audit.context import audit_context
from acuback.audit.models import Channel


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind a trusted proxy (ACUBACK_TRUST_PROXY) the address that proxy
    appended last to X-Forwarded-For. Without a trusted proxy the header is the client's own
    claim and is ignored."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.TRUST_PROXY else ""
    last_hop = forwarded.rsplit(",", 1)[-1].strip()
    return (last_hop or request.META.get("REMOTE_ADDR", ""))[:64]


def request_channel(request: HttpRequest) -> str:
    """The audit channel of a request: the API (JSON and FHIR) or the web pages."""
    return Channel.API if request.path.startswith(("/api/", "/fhir/")) else Channel.WEB


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A request that changes nothing writes its read entries together when it ends.
        with audit_context(request_channel(request), client_address(request), request=True,
                           hold_reads=request.method in ("GET", "HEAD")):
            return self.get_response(request)
