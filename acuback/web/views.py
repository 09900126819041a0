from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from acuback.accounts.access import membership_of
from acuback.accounts.models import Role
from acuback.web.start import sections_for


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    if membership is None:  # e.g. a superuser made with createsuperuser
        if request.user.is_staff:
            return redirect("admin:index")
        return render(request, "web/no_clinic.html")
    if membership.role == Role.PATIENT:
        return redirect("portal_home")
    # Staff: the start page, "needs your attention today" first (acuback.web.start).
    return render(request, "web/start.html", {"shown_sections": sections_for(request.user)})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an error that escaped every view. Under /api it is problem+json like every
    other API error; a page gets a plain page that needs no database and no context."""
    if request.path.startswith("/api/"):
        body = {"type": "about:blank", "title": "Server error", "status": 500,
                "detail": "acuback could not finish this request; the error is logged."}
        return JsonResponse(body, status=500, content_type="application/problem+json")
    return HttpResponse(render_to_string("500.html"), status=500)
