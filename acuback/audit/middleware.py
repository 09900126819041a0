from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from acuback.audit.context import audit_context
from acuback.audit.models import Channel


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy sets it.
    return request.META.get("REMOTE_ADDR", "")


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = Channel.API if request.path.startswith("/api/") else Channel.WEB
        with audit_context(channel, client_address(request)):
            return self.get_response(request)
