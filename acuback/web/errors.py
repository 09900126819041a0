"""Access errors on web pages: the one place where NotFound becomes a 404 page and Forbidden a
403 page, plus the role check that views use after the scoped selector has found the record.

Selectors raise NotFound for anything outside the actor's clinic (we never confirm that it
exists) and Forbidden for a record the actor's clinic holds but their role may not see. Views
let those exceptions rise; `AccessErrorMiddleware` renders the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.models import User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record


class AccessErrorMiddleware:
    """Render 403.html / 404.html for access errors raised by a view (the JSON API maps its own
    errors to application/problem+json before they reach here)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            return render(request, "404.html", status=404)
        if isinstance(exception, Forbidden):
            return render(request, "403.html", status=403)
        return None


def require_role(
    actor: User, roles: Iterable[str], *, what: str, object_id: object = "",
    action: str = Action.UPDATE,
) -> None:
    """Refuse (403, audited) an actor whose role may not `action` a `what`. Call it after the
    selector, so that a record of another clinic still answers 404 rather than 403."""
    membership = membership_of(actor)
    if membership is not None and membership.role in set(roles):
        return
    audit_record(actor=actor, action=action, object_type=what, object_id=object_id,
                 outcome=Outcome.DENIED)
    raise Forbidden(f"this role may not {action} {what}")
