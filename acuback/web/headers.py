"""Response headers every answer of acuback carries: a strict Content-Security-Policy and
`Cache-Control: no-store`.

The policy allows scripts, styles, fonts and requests from our own origin only: no inline
`<script>`, no `style=` attribute, no `eval` (htmx runs with `allowEval` off, see
web/base.html). A page that needs behaviour loads a static file and finds its elements by
`data-` attributes. Images may also be `data:` URLs (the API documentation's icons).

Every page and API answer may carry patient data, so none is stored by the browser or a proxy:
a treatment-room tablet must not show a patient's chart from its cache after logout. Static
files are served by whitenoise before this middleware runs, and keep their long cache life.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        patch_cache_control(response, no_store=True)
        return response
