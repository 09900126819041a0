"""Sessions that end when they should, write only when they must, and lose no typed work.

- **Idle limit** (SESSION_COOKIE_AGE, 30 minutes) slides with activity, but the session is saved
  (and so its expiry moved) at most once every SESSION_REFRESH_SECONDS: a page read within a
  minute of the last refresh writes nothing. The page's script calls the keep-alive endpoint
  while someone types or a timer runs, and warns a few minutes before the limit.
- **Absolute limit** (SESSION_ABSOLUTE_SECONDS, 12 hours after login), however busy.
- **No lost work**: a form posted after the session ended is kept in the (new, anonymous)
  session; once the same person logs in again they return to the form, filled in, with a message
  that nothing was saved yet. A signed cookie says who was last logged in on this browser, so
  the answers go back only to that person.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import resolve_url
from django.utils import timezone

from acuback.audit.context import audit_context
from acuback.audit.middleware import client_address, request_channel
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record

SESSION_STARTED = "acuback_started"
SESSION_REFRESHED = "acuback_refreshed"
UNSAVED = "acuback_unsaved"
LAST_USER_COOKIE = "acuback_last_user"
PASSIVE = "session_passive"  # a view attribute: reading it is not activity (see `passive`)


def _now() -> int:
    # timezone.now, like the session store's own expiry check, so both read the same clock.
    return int(timezone.now().timestamp())


def passive(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view whose requests must not extend the session (the session-status poll)."""
    setattr(view, PASSIVE, True)
    return view


def expires_at(request: HttpRequest) -> int | None:
    """When this session ends if nothing happens (epoch seconds), or None when logged out."""
    if not request.user.is_authenticated:
        return None
    session = request.session
    refreshed = session.get(SESSION_REFRESHED) or _now()
    started = session.get(SESSION_STARTED) or refreshed
    return min(refreshed + settings.SESSION_COOKIE_AGE,
               started + settings.SESSION_ABSOLUTE_SECONDS)


def refresh(request: HttpRequest) -> None:
    """Move the idle limit to now + SESSION_COOKIE_AGE (the session is then saved)."""
    request.session[SESSION_REFRESHED] = _now()


class SessionActivityMiddleware:
    """The absolute limit, and the throttled sliding refresh of the idle limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            now = _now()
            started = session.get(SESSION_STARTED)
            if started is None:
                session[SESSION_STARTED] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                _end_at_absolute_limit(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any],
                     view_args: Any, view_kwargs: Any) -> None:
        if not request.user.is_authenticated or getattr(view_func, PASSIVE, False):
            return
        refreshed = request.session.get(SESSION_REFRESHED)
        if refreshed is None or _now() - refreshed >= settings.SESSION_REFRESH_SECONDS:
            refresh(request)


def _end_at_absolute_limit(request: HttpRequest) -> None:
    """Log out a session older than the absolute limit, and record it as a logout. This runs
    before AuditContextMiddleware has set the request's channel, so it sets it here."""
    with audit_context(request_channel(request), client_address(request)):
        audit_record(actor=request.user, action=Action.LOGOUT, object_type="session",
                     outcome=Outcome.OK, detail={"reason": "absolute limit"})
    logout(request)


class UnsavedFormMiddleware:
    """Keep a form posted after the session ended, and give it back after the next login."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and request.method == "GET":
            self._restore(request)
        response = self.get_response(request)
        if request.user.is_authenticated:
            self._remember_user(request, response)
        elif request.method == "POST" and _to_login(response) and _keeps(request):
            self._keep(request)
        return response

    def _keep(self, request: HttpRequest) -> None:
        data = {key: values for key, values in request.POST.lists()
                if key != "csrfmiddlewaretoken"}
        last = request.get_signed_cookie(LAST_USER_COOKIE, default=None,
                                         max_age=settings.SESSION_ABSOLUTE_SECONDS)
        request.session[UNSAVED] = {"path": request.path, "data": data, "user": last,
                                    "at": _now()}
        messages.warning(request, "Your session ended before the form was sent, so nothing "
                         "was saved yet. Log in again to get back to it, filled in as you left it.")

    def _restore(self, request: HttpRequest) -> None:
        kept = request.session.get(UNSAVED)
        if not kept or kept.get("path") != request.path:
            return
        del request.session[UNSAVED]
        if kept.get("user") != str(request.user.pk):
            return  # someone else logged in on this browser: their answers are not theirs
        if _now() - kept.get("at", 0) > settings.SESSION_ABSOLUTE_SECONDS:
            return
        restored = QueryDict(mutable=True)
        for key, values in kept["data"].items():
            restored.setlist(key, values)
        request.restored_form = restored  # type: ignore[attr-defined]
        messages.warning(request, "Nothing was saved yet: you were logged out before this form "
                         "was sent. Your answers are back below: check them, then save.")

    def _remember_user(self, request: HttpRequest, response: HttpResponse) -> None:
        user = str(request.user.pk)
        if request.get_signed_cookie(LAST_USER_COOKIE, default=None) != user:
            response.set_signed_cookie(
                LAST_USER_COOKIE, user, max_age=settings.SESSION_ABSOLUTE_SECONDS,
                httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)


def _to_login(response: HttpResponse) -> bool:
    return response.status_code == 302 and response.get("Location", "").startswith(
        resolve_url(settings.LOGIN_URL))


def _keeps(request: HttpRequest) -> bool:
    """Pages only (the API answers 401 and the caller keeps its own body); never the login or
    logout forms themselves, and never a password."""
    path = request.path
    return not path.startswith("/api/") and path not in (
        resolve_url("login"), resolve_url("logout")) and "password" not in request.POST


def form_data(request: HttpRequest) -> QueryDict | None:
    """What a form view binds: the POST, or on a GET the answers kept from a post that arrived
    after the session ended (shown, never saved, until the person saves again)."""
    if request.method == "POST":
        return request.POST
    return getattr(request, "restored_form", None)


def session_context(request: HttpRequest) -> dict[str, Any]:
    """For the page's script: when the session ends and when to warn (see static session.js)."""
    ends = expires_at(request)
    if ends is None:
        return {}
    return {"session_expires_at": ends, "session_warn_seconds": settings.SESSION_WARN_SECONDS,
            "session_refresh_seconds": settings.SESSION_REFRESH_SECONDS}
