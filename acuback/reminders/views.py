"""Calendar feeds (a practitioner's private ICS link) and message preferences."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acuback.accounts.models import CLINICAL_ROLES
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.patients.selectors import patient_get
from acuback.reminders import ics, services
from acuback.reminders.models import CalendarFeed
from acuback.scheduling.models import Appointment
from acuback.web.errors import require_role

FEED_PAST = dt.timedelta(days=30)
FEED_AHEAD = dt.timedelta(days=180)


@login_required
@require_http_methods(["GET", "POST"])
def feeds(request: HttpRequest) -> HttpResponse:
    """A practitioner's feed links: make one (its address shown once), revoke one."""
    require_role(request.user, CLINICAL_ROLES, what="calendar_feed", action=Action.READ)
    created = ""
    if request.method == "POST":
        secret = services.feed_create(actor=request.user)
        created = request.build_absolute_uri(reverse("calendar_feed", args=[secret]))
    live = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(request, "reminders/feeds.html", {"feeds": live, "created": created})


@login_required
@require_POST
def feed_revoke(request: HttpRequest, feed_id: int) -> HttpResponse:
    services.feed_revoke(actor=request.user, feed_id=feed_id)
    messages.success(request, "That link no longer works.")
    return redirect("calendar_feeds")


@require_GET
@never_cache
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed itself: no login (calendar apps cannot log in), the secret is the key."""
    found = services.feed_owner(secret)
    if found is None:
        audit_record(actor=None, action=Action.READ, object_type="calendar_feed",
                     object_id=secret[:8], outcome=Outcome.NOT_FOUND)
        raise Http404("no such feed")
    now = timezone.now()
    shown = list(Appointment.objects.filter(
        practitioner=found.user, starts_at__gte=now - FEED_PAST, starts_at__lte=now + FEED_AHEAD,
    ).select_related("patient", "practitioner", "appointment_type", "clinic"))
    audit_record(actor=found.user, action=Action.EXPORT, object_type="calendar_feed",
                 object_id=found.pk, outcome=Outcome.OK,
                 clinic_id=found.user.membership.clinic_id,
                 detail={"ids": [a.pk for a in shown]})
    name = f"acuback: {found.user.get_full_name() or found.user.username}"
    return HttpResponse(ics.practitioner_feed(name, shown),
                        content_type="text/calendar; charset=utf-8")


@login_required
@require_POST
def preference(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Staff switch a patient's reminders on a channel off or on again."""
    patient = patient_get(actor=request.user, patient_id=patient_id)
    services.preference_set(actor=request.user, patient=patient,
                            channel=request.POST.get("channel", ""),
                            opted_out=request.POST.get("opted_out") == "1")
    messages.success(request, "Message preferences saved.")
    return redirect("patient_detail", patient_id=patient.pk)
