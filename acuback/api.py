"""The JSON API under /api: OpenAPI docs at /api/docs, schema at /api/openapi.json.

Authentication: a session cookie (CSRF enforced) or `Authorization: Bearer <token>`.
Every error is application/problem+json (RFC 9457), a server error included.

Trailing slashes: the OpenAPI document gives each path one spelling (a collection ends in
`/`, a record does not); the other spelling is answered the same, by `unknown_path`.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from acuback.accounts.access import AccessError
from acuback.accounts.tokens import api_token_user
from acuback.errors import ConflictError, InputError


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session; CSRF is checked for unsafe methods (csrf=True).

    Only a request that carries a logged-in session is CSRF-checked: without one there is
    nothing to forge, and a script with a wrong or revoked bearer token (or no credentials)
    must get 401 with WWW-Authenticate, not a misleading "CSRF check failed" 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


PROBLEM_SCHEMA = {
    "type": "object", "title": "Problem",
    "description": "An RFC 9457 problem: every error of this API has this shape.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "errors": {"type": "object", "description": "what is wrong, field by field",
                   "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}
# The errors any operation may answer, by what the operation takes. Documented here once,
# for every operation, rather than on each route: they come from the layers every operation
# shares (authentication, scoping, roles, input checks, optimistic locking).
EVERY_OPERATION = {
    401: "Not authenticated: log in, or send `Authorization: Bearer <token>`.",
    403: "Your role may not do this (the record is in your clinic).",
    404: "No such record in your clinic (another clinic's records answer this too).",
    422: "Invalid input: a missing, unknown or wrong field, a value the rules refuse, or text "
         "that cannot be stored (a NUL character).",
}
WITH_A_BODY = {
    400: "The body is not JSON.",
    409: "Conflict: someone saved the record since you read it, or it is signed and changes "
         "only by amendment.",
}


class LocalSwagger(Swagger):
    """Swagger UI from ninja's own template and files, served here (the Content-Security-Policy
    allows no CDN). ninja renders them only when "ninja" is an installed app, and falls back to
    a CDN page otherwise; acuback leaves it out of INSTALLED_APPS, so that `acuback` commands
    do not import it at start (settings.NINJA_DIR), and renders the same page itself."""

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        # The page sends the CSRF token when a session can authenticate (SessionAuth).
        csrf = any(getattr(auth, "csrf", False) for auth in api.auth or ())
        return render(request, self.template, {
            "swagger_settings": json.dumps(self.settings, indent=1), "api": api,
            "add_csrf": csrf})


class AcubackAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                errors = {**EVERY_OPERATION,
                          **(WITH_A_BODY if method in ("post", "put", "patch") else {})}
                documented = operation.setdefault("responses", {})
                for status, why in errors.items():
                    documented.setdefault(status, _problem_response(why))  # ninja: int keys
        return schema


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {
        "schema": {"$ref": "#/components/schemas/Problem"}}}}


def preconditions_documented() -> dict[str, Any]:
    """`openapi_extra` for a write that needs If-Match (RFC 9110 section 13.1.1)."""
    return {"responses": {
        412: _problem_response("Precondition failed: the record changed since the ETag sent in "
                               "If-Match; the answer carries the current ETag."),
        428: _problem_response("Precondition required: send the ETag last read in If-Match."),
    }}


api = AcubackAPI(
    title="acuback API",
    version="1",
    description="Patients and episodes of care for acupuncture back-pain clinics.",
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
    docs=LocalSwagger(),
)


def problem(
    request: HttpRequest, status: int, title: str, detail: str = "", **extra: Any
) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    from acuback.audit.models import Action
    from acuback.audit.services import audit_anonymous_refusal

    # A refused attempt is audited with no actor to name: the first from an address in a few
    # minutes as an entry, the rest counted (a scanner must not flood the trail).
    action = Action.READ if request.method in ("GET", "HEAD") else Action.UPDATE
    audit_anonymous_refusal(action=action, object_type="api", object_id=request.path[:64],
                            detail={"method": request.method, "reason": "not authenticated"})
    response = problem(request, 401, "Not authenticated",
                       "Log in, or send an API token as 'Authorization: Bearer <token>'.")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(AccessError)
def _access(request: HttpRequest, exc: AccessError) -> HttpResponse:
    if exc.status == 404:
        return problem(request, 404, "Not found", "No such record in your clinic.")
    return problem(request, 403, "Forbidden", str(exc) or "Your role may not do this.")


@api.exception_handler(InputError)
def _input(request: HttpRequest, exc: InputError) -> HttpResponse:
    return problem(request, 422, "Invalid input", exc.message, errors=exc.errors)


@api.exception_handler(ValidationError)
def _schema(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        errors.setdefault(".".join(loc) or "__all__", []).append(str(err.get("msg", "invalid")))
    detail = "; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items())
    return problem(request, 422, "Invalid input", detail, errors=errors)


@api.exception_handler(ConflictError)
def _conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    return problem(request, 409, "Conflict", str(exc), **exc.extra)


@api.exception_handler(HttpError)
def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, str(exc.message), str(exc.message))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "Not found", "No such record in your clinic.")


logger = logging.getLogger("acuback.api")


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug, not the caller's fault: logged with its traceback, answered without one."""
    logger.exception("server error on %s %s", request.method, request.path)
    return problem(request, 500, "Server error",
                   "acuback could not finish this request; the error is logged. Nothing was "
                   "half-written: each change is stored completely or not at all.")


def unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any /api/ path no endpoint claims. If the same path with (or without) a final slash is
    an endpoint, answer as that endpoint does; else a problem response, never an HTML 404."""
    path = request.path_info
    other = path[:-1] if path.endswith("/") else path + "/"
    try:
        match = resolve(other)
    except Resolver404:
        match = None
    if match is not None and match.func is not unknown_path and "api" in match.namespaces:
        return match.func(request, *match.args, **match.kwargs)
    return problem(request, 404, "Not found", f"No API endpoint at {request.path}.")


def register_routers() -> None:
    from acuback.assessments.api import instruments_router
    from acuback.assessments.api import router as assessments
    from acuback.billing.api import router as billing
    from acuback.episodes.api import router as episodes
    from acuback.outcomes.api import router as outcomes
    from acuback.patients.api import router as patients
    from acuback.plans.api import router as plans
    from acuback.scheduling.api import availability_router
    from acuback.scheduling.api import router as appointments
    from acuback.screening.api import router as screening
    from acuback.visits.api import router as visits

    api.add_router("/patients", patients)
    api.add_router("/episodes", episodes)
    api.add_router("/assessments", assessments)
    api.add_router("/instruments", instruments_router)
    api.add_router("/screening", screening)
    api.add_router("/plans", plans)
    api.add_router("/visits", visits)
    api.add_router("/appointments", appointments)
    api.add_router("/availability", availability_router)
    api.add_router("/billing", billing)
    api.add_router("/outcomes", outcomes)


register_routers()
