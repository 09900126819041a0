"""Text no database can store is refused at the door, for every page and API field alike.

PostgreSQL cannot store a NUL character in text or JSON, and neither database can store half of
a UTF-16 surrogate pair (`"\\ud800"` in JSON decodes to one). SQLite would keep a NUL where
PostgreSQL fails with a server error, so the same request would answer differently on the two.
One check here, before any view runs, makes every interface answer the same: 422
problem+json under /api, a 422 OperationOutcome under /fhir, a 400 page elsewhere, and an
audit entry of the refusal.

It looks at the path, the query string, form fields and JSON bodies (keys and values). Uploaded
files are the view's business: they are parsed, not stored as text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_anonymous_refusal, audit_record

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
READS = frozenset({"GET", "HEAD", "OPTIONS"})


def _json_strings(value: Any) -> Iterator[str]:
    """Every key and string value of a decoded JSON document, without recursion (a deeply
    nested document must not crash the check)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def unstorable_json(value: Any) -> bool:
    """Whether a decoded JSON document holds text no database can store: the same check for
    what the command line reads from a file as for a request's body."""
    return any(UNSTORABLE.search(text) for text in _json_strings(value))


def _body_strings(request: HttpRequest) -> Iterator[str]:
    content_type = request.content_type or ""
    if content_type.endswith("json") or content_type.endswith("+json"):
        try:
            yield from _json_strings(json.loads(request.body))
        except (ValueError, RecursionError):
            return  # not JSON: the API answers that itself
    elif request.method not in READS and content_type in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        for key, values in request.POST.lists():
            yield key
            yield from values


def unstorable_part(request: HttpRequest) -> str | None:
    """Where the request carries text that cannot be stored: "path", "query", "body" or None."""
    if UNSTORABLE.search(request.path):
        return "path"
    for key, values in request.GET.lists():
        if UNSTORABLE.search(key) or any(UNSTORABLE.search(v) for v in values):
            return "query"
    if any(UNSTORABLE.search(text) for text in _body_strings(request)):
        return "body"
    return None


class UnstorableTextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        part = unstorable_part(request)
        if part is None:
            return self.get_response(request)
        refusal = {"action": Action.READ if request.method in READS else Action.UPDATE,
                   "object_type": "request",
                   "object_id": UNSTORABLE.sub("\ufffd", request.path),
                   "detail": {"method": request.method, "reason": f"unstorable text in {part}"}}
        if request.user.is_authenticated:
            audit_record(actor=request.user, outcome=Outcome.INVALID, **refusal)
        else:  # a fuzzer's thousand attempts are counted, not written one by one
            audit_anonymous_refusal(outcome=Outcome.INVALID, **refusal)
        message = (f"The {part} contains a character that cannot be stored (a NUL byte or half "
                   "of a surrogate pair). Remove it and send again.")
        if request.path.startswith("/api/"):
            from acuback.api import problem

            return problem(request, 422, "Invalid input", message, errors={part: [message]})
        if request.path == "/fhir" or request.path.startswith("/fhir/"):
            # FHIR answers every error with an OperationOutcome, never a page.
            from acuback.interop.api import outcome

            return outcome(422, "invalid", message, part)
        return render(request, "400.html", {"message": message}, status=400)
