"""The patient portal, for a phone: upcoming appointments, asking for a time, cancelling within
the clinic's rules, the questionnaires asked of them (each once), their own results in plain
words, message preferences, and plain-language information about acupuncture for back pain.

Every page reads the patient's own record through the scoped selectors; another patient's
appointment or assessment is not found (404).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acuback.assessments.forms import ResponseForm
from acuback.assessments.selectors import assessment_get, latest_wording
from acuback.assessments.services import assessment_record
from acuback.errors import ConflictError, InputError
from acuback.portal import selectors
from acuback.portal.forms import BookRequestForm, ChecklistForm, is_checklist
from acuback.portal.intake import intake_status
from acuback.portal.words import result_words
from acuback.reminders import ics
from acuback.reminders.services import preference_set, preferences_of
from acuback.scheduling import selectors as calendar
from acuback.scheduling.models import Status
from acuback.scheduling.services import (
    BookingConflict,
    ClashKind,
    portal_cancel,
    portal_request,
    schedule_of,
)

SLOT_DAYS = 7


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    patient = selectors.own_patient(request.user)
    rules = schedule_of(patient.clinic_id)
    upcoming = calendar.appointments_of_patient(actor=request.user, patient=patient,
                                                upcoming_only=True)
    notice = dt.timedelta(hours=rules.portal_cancel_hours)
    now = timezone.now()
    episodes = list(patient.episodes.order_by("-opened_on", "-id"))
    return render(request, "portal/home.html", {
        "patient": patient, "tz": rules.tz, "rules": rules,
        "upcoming": [(a, a.status == Status.REQUESTED or a.starts_at - now >= notice)
                     for a in upcoming],
        "due": selectors.questionnaires_due(patient),
        "episodes": [(e, selectors.episode_label(e, episodes)) for e in episodes],
        "intake": intake_status(request, patient),
    })


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    """Pick what, with whom and from which day; then one of the free times that week."""
    patient = selectors.own_patient(request.user)
    rules = schedule_of(patient.clinic_id)
    if not rules.portal_requests:
        return render(request, "portal/book.html", {"closed": True})
    types = calendar.appointment_types_of(patient.clinic_id, online_only=True)
    people = calendar.practitioners_of(patient.clinic_id)
    tomorrow = timezone.now().astimezone(rules.tz).date() + dt.timedelta(days=1)
    form = BookRequestForm(request.GET or None, types=types, people=people, initial={
        "practitioner": patient.practitioner_id, "day": tomorrow})
    if request.method == "POST":
        return _ask(request, rules)
    slots = []
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        slots = calendar.availability(
            actor=request.user, practitioner_id=d["practitioner"],
            appointment_type_id=d["appointment_type"], date_from=max(d["day"], tomorrow),
            date_to=max(d["day"], tomorrow) + dt.timedelta(days=SLOT_DAYS - 1))
    return render(request, "portal/book.html", {
        "form": form, "slots": slots, "tz": rules.tz, "rules": rules, "types": types})


def _ask(request: HttpRequest, rules: object) -> HttpResponse:
    try:
        when = dt.datetime.fromisoformat(request.POST.get("starts_at", ""))
        asked = portal_request(actor=request.user,
                               appointment_type_id=int(request.POST.get("appointment_type", 0)),
                               practitioner_id=int(request.POST.get("practitioner", 0)),
                               starts_at=when)
    except ValueError:
        messages.error(request, "That time could not be booked: choose a time.")
        return redirect("portal_book")
    except InputError as exc:
        messages.error(request, "That time could not be booked: "
                       + " ".join(m for ms in exc.errors.values() for m in ms))
        return redirect("portal_book")
    except BookingConflict as exc:
        # The clinic's own words name the appointment holding the time; a patient is told
        # only that it is not free (outside the practitioner's hours, or just taken).
        outside = all(c.kind == ClashKind.OUTSIDE_HOURS for c in exc.clashes)
        messages.error(request, "That time could not be booked: it is outside the "
                       "practitioner's hours; choose another." if outside else
                       "That time has just been taken; please choose another.")
        return redirect("portal_book")
    if asked.status == Status.REQUESTED:
        messages.success(request, "Your request is sent. The clinic will confirm it; you will "
                                  "get an email when it does.")
    else:
        messages.success(request, "Your appointment is booked.")
    return redirect("portal_home")


@login_required
@require_POST
def cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    from acuback.scheduling.selectors import appointment_get

    appointment = appointment_get(actor=request.user, appointment_id=appointment_id)
    try:
        portal_cancel(actor=request.user, appointment=appointment)
    except InputError as exc:
        messages.error(request, exc.message)
    except ConflictError:  # cancelled already (a second tap, or by the clinic), or held
        messages.info(request, f"This appointment is {appointment.get_status_display().lower()}"
                               "; nothing was changed.")
    else:
        messages.success(request, "Your appointment is cancelled.")
    return redirect("portal_home")


@login_required
@require_GET
def appointment_ics(request: HttpRequest, appointment_id: int) -> HttpResponse:
    from acuback.scheduling.selectors import appointment_get

    appointment = appointment_get(actor=request.user, appointment_id=appointment_id)
    response = HttpResponse(ics.patient_event(appointment), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, episode_id: int, instrument: str) -> HttpResponse:
    """A questionnaire that is due for this patient, answered once."""
    patient = selectors.own_patient(request.user)
    due = selectors.due_one(patient, episode_id, instrument)
    if due is None:
        messages.info(request, "That questionnaire is not waiting for you (any more).")
        return redirect("portal_home")
    definition = due.definition
    wording = latest_wording(clinic_id=patient.clinic_id, instrument=definition.id)
    posted = request.POST if request.method == "POST" else None
    checklist = is_checklist(definition) and wording is None
    form: ChecklistForm | ResponseForm = (
        ChecklistForm(posted, definition=definition) if checklist else
        ResponseForm(posted, definition=definition, clinician=False,
                     wording=wording.wording if wording else None))
    if posted is not None and form.is_valid():
        try:
            done = assessment_record(actor=request.user, episode=due.episode,
                                     instrument=definition.id, answers=form.answers(),
                                     time_point=due.due.time_point,
                                     visit_number=due.due.visit_number)
        except InputError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("portal_result", assessment_id=done.pk)
    return render(request, "portal/checklist.html" if checklist else "assessments/form.html", {
        "form": form, "definition": definition, "episode": due.episode, "due": due,
        "clinician": False, "clinic_wording": wording, "back_url": "/portal/",
        "back_label": "Back to your page"})


@login_required
@require_GET
def result(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The patient's own result in plain words, with their progress on it so far."""
    assessment = assessment_get(actor=request.user, assessment_id=assessment_id)
    patient = selectors.own_patient(request.user)
    if assessment.episode.patient_id != patient.pk:
        raise Http404
    if assessment.results.get("item9_positive"):
        return render(request, "assessments/patient_done.html", {"assessment": assessment})
    points = selectors.progress(patient, assessment.episode, assessment.instrument)
    first = points[0] if points else None
    baseline = first.total if first is not None and first.id != assessment.pk else None
    words = result_words(assessment.instrument, assessment.total or 0, baseline)
    return render(request, "portal/result.html", {
        "assessment": assessment, "words": words, "points": points,
        "chart": chart(points, assessment.instrument),
        "episode_label": selectors.episode_label(assessment.episode),
        "due": selectors.questionnaires_due(patient)})


def chart(points: list[selectors.Point], instrument: str) -> dict[str, object] | None:
    """An SVG line of the scores over time (drawn with attributes, no inline style)."""
    if len(points) < 2:
        return None
    from acuback.clinical import instruments

    low, high = instruments.get(instrument).total_range
    width, height, pad = 320, 140, 20
    span = max(1, (points[-1].on - points[0].on).days)
    xy = []
    for p in points:
        x = pad + (width - 2 * pad) * (p.on - points[0].on).days / span
        y = pad + (height - 2 * pad) * (1 - (p.total - low) / ((high - low) or 1))
        xy.append((round(x, 1), round(y, 1), p))
    return {"width": width, "height": height, "line": " ".join(f"{x},{y}" for x, y, _ in xy),
            "dots": xy, "low": low, "high": high}


@login_required
@require_http_methods(["GET", "POST"])
def message_settings(request: HttpRequest) -> HttpResponse:
    patient = selectors.own_patient(request.user)
    if request.method == "POST":
        for channel in ("email", "sms"):
            preference_set(actor=request.user, patient=patient, channel=channel,
                           opted_out=request.POST.get(channel) != "on")
        messages.success(request, "Your message choices are saved.")
        return redirect("portal_home")
    return render(request, "portal/messages.html", {"patient": patient,
                                                    "opted_out": preferences_of(patient)})


@require_GET
def information(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/information.html")
