"""Calendar pages: thin views over the scoped selectors and the services.

Access errors rise to `acuback.web.errors.AccessErrorMiddleware` (404 / 403 pages). Status
buttons on the day lists post with HTMX and get back only their row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acuback.accounts.access import membership_of
from acuback.accounts.models import STAFF_ROLES, User
from acuback.audit.models import Action
from acuback.clinical import calendar
from acuback.errors import ConflictError, InputError
from acuback.patients.selectors import patient_get, patient_queryset
from acuback.plans.models import Plan
from acuback.scheduling import selectors, services
from acuback.scheduling.coverage import (
    CONFIRM_LEVELS,
    CoverageNotConfirmed,
    booking_warnings,
    episode_for_booking,
)
from acuback.scheduling.forms import (
    BookForm,
    CancelForm,
    CourseForm,
    MoveForm,
    WaitlistForm,
    WorkingHoursForm,
)
from acuback.scheduling.models import TRANSITIONS, Appointment, Status
from acuback.web.errors import require_role

FORM_METHODS = require_http_methods(["GET", "POST"])
# The buttons a day list offers for each status, in the order of a visit.
NEXT_STEPS = {
    Status.REQUESTED: [(Status.BOOKED, "Confirm")],
    Status.BOOKED: [(Status.ARRIVED, "Check in"), (Status.NO_SHOW, "No-show")],
    Status.ARRIVED: [(Status.IN_TREATMENT, "Start treatment")],
    Status.IN_TREATMENT: [(Status.COMPLETED, "Complete")],
}


def _clinic_id(request: HttpRequest) -> int:
    require_role(request.user, STAFF_ROLES, what="appointment", action=Action.LIST)
    return request.user.membership.clinic_id


def _day(value: str | None, clinic_id: int) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else selectors.today(clinic_id)
    except ValueError:
        return selectors.today(clinic_id)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    """Day view (every practitioner or room side by side) or week view (one of them)."""
    clinic_id = _clinic_id(request)
    day = _day(request.GET.get("date"), clinic_id)
    week = request.GET.get("view") == "week"
    by = "room" if request.GET.get("by") == "room" else "practitioner"
    practitioner_id = _int(request.GET.get("practitioner"))
    room_id = _int(request.GET.get("room"))
    if week and by == "practitioner" and practitioner_id is None:
        practitioner_id = _default_practitioner(request.user, clinic_id)
    first = calendar.week_start(day) if week else day
    view = selectors.calendar_view(actor=request.user, first_day=first, days=7 if week else 1,
                                   by=by, practitioner_id=practitioner_id if week else None,
                                   room_id=room_id if week else None)
    step = dt.timedelta(days=7 if week else 1)
    context = {"view": view, "day": day, "week": week, "by": by, "tz": view.schedule.tz,
               "prev": first - step, "next": first + step,
               "today": timezone.now().astimezone(view.schedule.tz).date(),
               "steps": NEXT_STEPS, "query": _query(week, by, view.focus)}
    return render(request, "scheduling/calendar.html", context)


def _default_practitioner(user: User, clinic_id: int) -> int | None:
    people = selectors.practitioners_of(clinic_id)
    if not people:
        return None
    mine = next((p for p in people if p.pk == user.pk), None)
    return (mine or people[0]).pk


def _query(week: bool, by: str, focus: object) -> str:
    parts = [f"view={'week' if week else 'day'}", f"by={by}"]
    if focus is not None and week:
        parts.append(f"{'room' if by == 'room' else 'practitioner'}={focus.pk}")  # type: ignore[attr-defined]
    return "&".join(parts)


@login_required
@require_GET
def desk_day(request: HttpRequest) -> HttpResponse:
    """The front desk's list of the day: who is due, who has arrived, check in."""
    clinic_id = _clinic_id(request)
    day = _day(request.GET.get("date"), clinic_id)
    rows = selectors.day_list(actor=request.user, day=day)
    return render(request, "scheduling/day_list.html", {
        "rows": rows, "day": day, "mine": False, "steps": NEXT_STEPS,
        "tz": services.schedule_of(clinic_id).tz, "today": selectors.today(clinic_id)})


@login_required
@require_GET
def my_day(request: HttpRequest) -> HttpResponse:
    """A practitioner's patients of the day, each opening the chart."""
    clinic_id = _clinic_id(request)
    day = _day(request.GET.get("date"), clinic_id)
    rows = selectors.day_list(actor=request.user, day=day, practitioner=request.user)
    return render(request, "scheduling/day_list.html", {
        "rows": rows, "day": day, "mine": True, "steps": NEXT_STEPS,
        "tz": services.schedule_of(clinic_id).tz, "today": selectors.today(clinic_id)})


@login_required
@FORM_METHODS
def book(request: HttpRequest) -> HttpResponse:
    clinic_id = _clinic_id(request)
    require_role(request.user, STAFF_ROLES, what="appointment", action=Action.CREATE)
    initial = _book_initial(request, clinic_id)
    patients = _patients(request, initial.get("patient"))
    form = BookForm(request.POST if request.method == "POST" else None, initial=initial,
                    clinic_id=clinic_id, patients=patients)
    clashes: list[services.Clash] = []
    coverage: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            booked = services.appointment_book(
                actor=request.user, data=form.to_input(),
                allow_outside_hours=form.cleaned_data["outside_hours"],
                coverage_confirmed=_confirmed(request), waitlist_entry=_waiting(request))
        except services.BookingConflict as exc:
            clashes = exc.clashes
            form.add_error(None, "This time is not free; see why below.")
        except CoverageNotConfirmed as exc:
            coverage = exc.warnings
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            messages.success(request, f"Booked {booked.patient.full_name}.")
            return redirect("appointment_detail", appointment_id=booked.pk)
    tz = services.schedule_of(clinic_id).tz
    return render(request, "scheduling/book.html", {
        "form": form, "clashes": clashes, "tz": tz, "coverage": coverage,
        "evidence": _clinical(request), "confirm": "Book anyway", "confirm_form": "book-form",
        "next": _book_again(form, tz) if coverage else ""})


def _waiting(request: HttpRequest) -> Any:
    """The waitlist entry a booking takes (the "Book" link of an offered time carries it)."""
    entry_id = _int(request.GET.get("waitlist"))
    return selectors.waitlist_get(actor=request.user, entry_id=entry_id) if entry_id else None


def _confirmed(request: HttpRequest) -> bool:
    """The person booking saw the coverage warning and books anyway."""
    return request.POST.get("coverage_confirmed") == "1"


def _clinical(request: HttpRequest) -> bool:
    membership = membership_of(request.user)
    return membership is not None and membership.is_clinical


def _book_again(form: BookForm, tz: Any) -> str:
    """The booking page filled in as it was (where the ABN form comes back to)."""
    d = form.cleaned_data
    start = dt.datetime.combine(d["day"], d["time"], tzinfo=tz).isoformat()
    query = {"patient": d["patient"], "practitioner": d["practitioner"],
             "appointment_type": d["appointment_type"], "start": start}
    if d.get("room"):
        query["room"] = d["room"]
    if d.get("note"):
        query["note"] = d["note"]
    if d.get("outside_hours"):
        query["outside_hours"] = "1"
    return f"{reverse('appointment_book')}?{urlencode(query)}"


def _book_initial(request: HttpRequest, clinic_id: int) -> dict[str, Any]:
    """A free-slot link carries practitioner and start; a chart link carries the patient."""
    initial: dict[str, Any] = {}
    start = request.GET.get("start")
    if start:
        try:
            when = dt.datetime.fromisoformat(start).astimezone(services.schedule_of(clinic_id).tz)
        except ValueError:
            when = None
        if when is not None:
            initial.update(day=when.date(), time=when.time().replace(second=0, microsecond=0))
    for key in ("practitioner", "patient", "room", "appointment_type"):
        if _int(request.GET.get(key)):
            initial[key] = _int(request.GET.get(key))
    # Back from the ABN form: the note and the deliberate outside-hours tick as typed.
    if request.GET.get("note"):
        initial["note"] = request.GET["note"][:300]
    if request.GET.get("outside_hours") == "1":
        initial["outside_hours"] = True
    return initial


def _patients(request: HttpRequest, chosen: int | None) -> list[Any]:
    if chosen is not None:
        found = list(patient_queryset(request.user).filter(pk=chosen))
        if found:
            return found
    return list(patient_queryset(request.user).only("pk", "given_name", "family_name",
                                                    "date_of_birth"))


@login_required
@require_GET
def appointment_detail(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    require_role(request.user, STAFF_ROLES, what="appointment", object_id=appointment.pk,
                 action=Action.READ)
    return _detail(request, appointment)


def _detail(request: HttpRequest, appointment: Appointment, *, move: MoveForm | None = None,
            clashes: list[services.Clash] | None = None,
            coverage: list[Any] | None = None) -> HttpResponse:
    tz = services.schedule_of(appointment.clinic_id).tz
    local = appointment.starts_at.astimezone(tz)
    move = move or MoveForm(initial={
        "version": appointment.version, "day": local.date(), "time": local.time(),
        "practitioner": appointment.practitioner_id, "room": appointment.room_id},
        clinic_id=appointment.clinic_id)
    offers = (selectors.waitlist_offers(actor=request.user, freed=appointment)
              if not appointment.holds_time and appointment.ends_at > timezone.now() else [])
    coverage = _appointment_coverage(appointment, local.date()) if coverage is None else coverage
    return render(request, "scheduling/appointment.html", {
        "a": appointment, "tz": tz, "move": move, "clashes": clashes or [],
        "coverage": coverage, "evidence": _clinical(request),
        "next": request.get_full_path(),
        "needs_confirming": any(w.level in CONFIRM_LEVELS for w in coverage),
        "cancel": CancelForm(initial={"version": appointment.version}),
        "steps": [(s, label) for s, label in NEXT_STEPS.get(appointment.status, [])
                  if s in TRANSITIONS[appointment.status]],
        "undo": _undo(appointment), "offers": offers,
        "clinical": membership_of(request.user).is_clinical,  # type: ignore[union-attr]
    })


def _appointment_coverage(appointment: Appointment, day: dt.date) -> list[Any]:
    """The coverage of a requested or booked appointment not yet charted, when it warns."""
    if appointment.status not in (Status.REQUESTED, Status.BOOKED) or appointment.visit_id:
        return []
    episode = episode_for_booking(appointment.episode, appointment.patient_id)
    if episode is None:
        return []
    return [w for w in booking_warnings(episode, [day], ignore=appointment.pk) if w.warns]


def _undo(appointment: Appointment) -> tuple[str, str] | None:
    back = {Status.ARRIVED: (Status.BOOKED, "Undo check-in"),
            Status.NO_SHOW: (Status.BOOKED, "Undo no-show"),
            Status.IN_TREATMENT: (Status.ARRIVED, "Back to arrived"),
            Status.COMPLETED: (Status.IN_TREATMENT, "Back to in treatment")}
    return back.get(appointment.status)  # type: ignore[call-overload]


@login_required
@require_POST
def appointment_move(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    form = MoveForm(request.POST, clinic_id=appointment.clinic_id)
    if not form.is_valid():
        return _detail(request, appointment, move=form)
    d = form.cleaned_data
    try:
        services.appointment_move(
            actor=request.user, appointment=appointment, version=d["version"],
            starts_at=dt.datetime.combine(d["day"], d["time"]),
            practitioner_id=d["practitioner"], room_id=d.get("room"),
            allow_outside_hours=d["outside_hours"], coverage_confirmed=_confirmed(request))
    except services.BookingConflict as exc:
        form.add_error(None, "That time is not free; see why below.")
        return _detail(request, appointment, move=form, clashes=exc.clashes)
    except CoverageNotConfirmed as exc:
        form.add_error(None, "Medicare is expected not to pay on that day; see below. "
                       "Nothing is moved yet.")
        return _detail(request, appointment, move=form, coverage=exc.warnings)
    except InputError as exc:
        for field, errors in exc.errors.items():
            for error in errors:
                form.add_error("time" if field == "starts_at" else None, error)
        return _detail(request, appointment, move=form)
    except ConflictError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The appointment is moved.")
    return redirect("appointment_detail", appointment_id=appointment.pk)


@login_required
@require_POST
def appointment_cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            done = services.appointment_cancel(
                actor=request.user, appointment=appointment, version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"], by_clinic=form.cleaned_data["by_clinic"])
        except (ConflictError, InputError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{done.get_status_display()}: the time is free again.")
    return redirect("appointment_detail", appointment_id=appointment.pk)


@login_required
@require_POST
def appointment_status(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """A status button. From a day list (HTMX) the answer is the row again."""
    appointment = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    error, coverage = "", False
    try:
        appointment = services.appointment_set_status(
            actor=request.user, appointment=appointment, status=request.POST.get("status", ""),
            version=_int(request.POST.get("version")) or 0,
            coverage_confirmed=_confirmed(request))
    except CoverageNotConfirmed:
        error, coverage = ("Medicare is expected not to pay for this visit: open the appointment "
                           "to record the patient's ABN or confirm it anyway."), True
        appointment = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    except (ConflictError, InputError) as exc:
        error = str(exc)
        appointment = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    if request.headers.get("HX-Request"):
        return render(request, "scheduling/_day_row.html", {
            "a": appointment, "steps": NEXT_STEPS, "error": error, "coverage": coverage,
            "mine": request.POST.get("mine") == "1",
            "tz": services.schedule_of(appointment.clinic_id).tz})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{appointment.patient.full_name}: "
                                  f"{appointment.get_status_display().lower()}.")
    back = {"detail": reverse("appointment_detail", args=[appointment.pk]),
            "mine": reverse("my_day")}
    return redirect(back.get(request.POST.get("back", ""), reverse("desk_day")))


@login_required
@require_POST
def appointment_start_visit(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Start (or reopen) the appointment's visit and go to its chart."""
    appointment = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    try:
        visit = services.appointment_start_visit(actor=request.user, appointment=appointment)
    except (ConflictError, InputError) as exc:
        messages.error(request, str(exc))
        return redirect("appointment_detail", appointment_id=appointment.pk)
    return redirect(visit_url(visit))


def visit_url(visit: Any) -> str:
    """The visit's chart page (the treatment-room page of the visits app)."""
    return reverse("visit_page", args=[visit.pk])


@login_required
@FORM_METHODS
def course_book(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's sessions x frequency: preview with every clash, then book all in one step."""
    plan = _plan(request, plan_id)
    clinic_id = plan.clinic_id
    initial = {"first_day": selectors.today(clinic_id) + dt.timedelta(days=1),
               "time": dt.time(9), "practitioner": plan.episode.patient.practitioner_id
               or request.user.pk}
    form = CourseForm(request.POST if request.method == "POST" else None, initial=initial,
                      clinic_id=clinic_id)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            preview = services.course_preview(actor=request.user, data=form.to_input(plan.pk))
            if request.POST.get("confirm") == "1" and preview.ok:
                series = services.course_book(actor=request.user, data=form.to_input(plan.pk),
                                              coverage_confirmed=_confirmed(request))
                messages.success(request, f"Booked {series.appointments.count()} sessions.")
                return redirect("patient_detail", patient_id=plan.episode.patient_id)
        except services.BookingConflict:
            form.add_error(None, "Something changed since the preview; check the clashes.")
            preview = services.course_preview(actor=request.user, data=form.to_input(plan.pk))
        except CoverageNotConfirmed:
            form.add_error(None, "Medicare is expected not to pay for some sessions; see the "
                           "coverage below. Nothing is booked yet.")
        except InputError as exc:
            form.show_service_errors(exc)
    stopping = ([w for w in preview.warnings if w.level in CONFIRM_LEVELS]
                if preview is not None else [])
    return render(request, "scheduling/course.html", {
        "form": form, "plan": plan, "preview": preview, "episode": plan.episode,
        "tz": services.schedule_of(clinic_id).tz, "coverage": stopping[:1],
        "evidence": _clinical(request), "next": request.get_full_path()})


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    """The plan through the episode's scoped, audited read (clinicians and front desk book)."""
    from acuback.accounts.access import NotFound

    require_role(request.user, STAFF_ROLES, what="course", action=Action.CREATE)
    plan = (Plan.objects.select_related("episode__patient")
            .filter(pk=plan_id, clinic_id=request.user.membership.clinic_id).first())
    if plan is None:
        raise NotFound("plan not found")
    patient_get(actor=request.user, patient_id=plan.episode.patient_id)
    return plan


@login_required
@FORM_METHODS
def waitlist_page(request: HttpRequest) -> HttpResponse:
    clinic_id = _clinic_id(request)
    patient_id = _int(request.GET.get("patient") or request.POST.get("patient"))
    patient = patient_get(actor=request.user, patient_id=patient_id) if patient_id else None
    form = WaitlistForm(request.POST if request.method == "POST" else None, clinic_id=clinic_id)
    if request.method == "POST" and patient is not None and form.is_valid():
        d = form.cleaned_data
        try:
            services.waitlist_add(actor=request.user, patient=patient,
                                  appointment_type_id=d["appointment_type"],
                                  practitioner_id=d.get("practitioner"), earliest=d["earliest"],
                                  latest=d["latest"], note=d["note"])
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            messages.success(request, f"{patient.full_name} is on the waitlist.")
            return redirect("waitlist")
    return render(request, "scheduling/waitlist.html", {
        "entries": selectors.waitlist(actor=request.user), "form": form, "patient": patient})


@login_required
@require_POST
def waitlist_remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.waitlist_get(actor=request.user, entry_id=entry_id)
    services.waitlist_remove(actor=request.user, entry=entry)
    messages.success(request, "Removed from the waitlist.")
    return redirect("waitlist")


@login_required
@require_GET
def hours_list(request: HttpRequest) -> HttpResponse:
    """Every practitioner's working week, with a link to change the ones the actor may."""
    clinic_id = _clinic_id(request)
    week = selectors.working_weeks(clinic_id)
    rows = [(p, week.get(p.pk, []), services.may_edit_hours(request.user, p))
            for p in selectors.practitioners_of(clinic_id)]
    return render(request, "scheduling/hours_list.html", {"rows": rows})


@login_required
@FORM_METHODS
def hours_edit(request: HttpRequest, practitioner_id: int) -> HttpResponse:
    clinic_id = _clinic_id(request)
    practitioner = selectors.practitioner_get(actor=request.user, practitioner_id=practitioner_id)
    if not services.may_edit_hours(request.user, practitioner):
        require_role(request.user, services.HOURS_EDITORS, what="working_hours",
                     object_id=practitioner.pk)
    current = selectors.working_weeks(clinic_id).get(practitioner.pk, [])
    form = WorkingHoursForm(request.POST if request.method == "POST" else None,
                            initial=WorkingHoursForm.initial_of(current))
    left_out: list[Appointment] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.working_hours_set(
                actor=request.user, practitioner=practitioner, shifts=form.shifts(),
                keep_appointments=form.cleaned_data["keep_appointments"])
        except services.HoursLeaveAppointments as exc:
            left_out = exc.appointments
            form.add_error("keep_appointments", str(exc) + " Move them first, or keep them "
                           "as they are (they stay booked outside the hours).")
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            messages.success(request, f"Working hours of {_person(practitioner)} saved.")
            return redirect("hours_list")
    return render(request, "scheduling/hours_edit.html", {
        "form": form, "practitioner": practitioner, "left_out": left_out,
        "tz": services.schedule_of(clinic_id).tz})


def _person(user: User) -> str:
    return user.get_full_name() or user.username
