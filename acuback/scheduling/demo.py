"""Demo step: each clinic gets its scheduling rules (Los Angeles time), three rooms, two
appointment types and working hours; the front desk books the course of several planned
episodes from the next day on, a handful of appointments today (so the day lists have people
to check in), the portal patient's appointment tomorrow (so reminders can be tried at once)
and one request from the portal waiting for confirmation. Idempotent: a clinic that already
has scheduling rules is left alone. Runs after the plans step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from acuback.accounts.models import Clinic, Role, User
from acuback.clinical import calendar
from acuback.episodes.models import EpisodeStatus
from acuback.errors import InputError
from acuback.patients.models import Patient
from acuback.plans.models import Plan
from acuback.scheduling import services
from acuback.scheduling.models import (
    AppointmentKind,
    AppointmentType,
    ClinicSchedule,
    Room,
    Status,
    WorkingHours,
)

if TYPE_CHECKING:
    from acuback.demo import DemoContext

ZONE = "America/Los_Angeles"
COURSES = 8
TODAY_TIMES = [dt.time(9), dt.time(10, 30), dt.time(13), dt.time(14, 30), dt.time(16)]


def demo_schedule(ctx: DemoContext) -> None:
    for clinic in ctx.clinics.values():
        if ClinicSchedule.objects.filter(clinic=clinic).exists():
            continue
        _setup(clinic)
        desk = User.objects.filter(membership__clinic=clinic,
                                   membership__role=Role.FRONT_DESK).first()
        if desk is not None:
            _book(clinic, desk)


def _setup(clinic: Clinic) -> None:
    ClinicSchedule.objects.create(
        clinic=clinic, time_zone=ZONE, late_cancel_hours=24, late_cancel_fee=Decimal("40"),
        no_show_fee=Decimal("60"),
        fee_policy="Please give us 24 hours' notice: a later cancellation costs $40, a missed "
                   "appointment $60.")
    for n in (1, 2, 3):
        Room.objects.create(clinic=clinic, name=f"Room {n}", position=n)
    AppointmentType.objects.create(clinic=clinic, name="Initial consultation", minutes=60,
                                   kind=AppointmentKind.INITIAL, bookable_online=False)
    AppointmentType.objects.create(clinic=clinic, name="Treatment", minutes=45,
                                   kind=AppointmentKind.FOLLOW_UP)
    people = User.objects.filter(membership__clinic=clinic,
                                 membership__role__in=services.PRACTITIONER_ROLES)
    WorkingHours.objects.bulk_create([
        WorkingHours(clinic=clinic, practitioner=p, weekday=d, start=dt.time(9),
                     end=dt.time(13) if d == 5 else dt.time(17))
        for p in people for d in range(6)])


def _book(clinic: Clinic, desk: User) -> None:
    tz = calendar.zone(ZONE)
    today = timezone.now().astimezone(tz).date()
    treatment = AppointmentType.objects.get(clinic=clinic, kind=AppointmentKind.FOLLOW_UP)
    rooms = list(Room.objects.filter(clinic=clinic))
    plans = (Plan.objects.filter(clinic=clinic, episode__status=EpisodeStatus.ACTIVE)
             .select_related("episode__patient").order_by("episode__patient_id", "-number"))
    booked_patients: set[int] = set()
    for n, plan in enumerate(p for p in plans if p.episode.patient.practitioner_id):
        if len(booked_patients) >= COURSES:
            break
        if plan.episode.patient_id in booked_patients:
            continue
        if _course(desk, plan, treatment, rooms[n % len(rooms)], today, n):
            booked_patients.add(plan.episode.patient_id)
    _today(clinic, desk, treatment, rooms, today, booked_patients)
    _portal_patient(clinic, desk, treatment, rooms[0], today)


def _course(desk: User, plan: Plan, kind: AppointmentType, room: Room, today: dt.date,
            n: int) -> bool:
    first = _next_weekday(today + dt.timedelta(days=1))
    for hour in range(9 + n % 7, 16):
        data = services.CourseInput(
            plan_id=plan.pk, first_day=first, at=dt.time(hour), room_id=room.pk,
            practitioner_id=plan.episode.patient.practitioner_id,  # type: ignore[arg-type]
            appointment_type_id=kind.pk, weekdays=[first.weekday(), (first.weekday() + 3) % 5])
        try:
            services.course_book(actor=desk, data=data, coverage_confirmed=True)
        except (services.BookingConflict, InputError):
            continue
        return True
    return False


def _next_weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _today(clinic: Clinic, desk: User, kind: AppointmentType, rooms: list[Room],
           today: dt.date, taken: set[int]) -> None:
    """Today's list: the first has been treated, the second is waiting, the rest are due."""
    patients = [p for p in Patient.objects.filter(clinic=clinic, practitioner__isnull=False)
                .order_by("-id") if p.pk not in taken][:len(TODAY_TIMES)]
    steps = [[Status.ARRIVED, Status.IN_TREATMENT, Status.COMPLETED], [Status.ARRIVED]]
    for i, (patient, at) in enumerate(zip(patients, TODAY_TIMES, strict=False)):
        try:
            a = services.appointment_book(
                actor=desk, allow_outside_hours=True, coverage_confirmed=True, data=(
                services.BookingInput(patient.pk, patient.practitioner_id,  # type: ignore[arg-type]
                                      kind.pk, dt.datetime.combine(today, at),
                                      rooms[i % len(rooms)].pk)))
        except services.BookingConflict:
            continue
        for status in steps[i] if i < len(steps) else []:
            a = services.appointment_set_status(actor=desk, appointment=a, status=status,
                                                version=a.version)


def _portal_patient(clinic: Clinic, desk: User, kind: AppointmentType, room: Room,
                    today: dt.date) -> None:
    """The demo's portal login: an appointment tomorrow (its reminder is due now) and a
    request from the portal waiting for the clinic."""
    patient = Patient.objects.filter(clinic=clinic, user__isnull=False,
                                     practitioner__isnull=False).first()
    if patient is None:
        return
    for days, hour in ((1, 11), (2, 12), (3, 15)):
        try:
            services.appointment_book(
                actor=desk, allow_outside_hours=True, coverage_confirmed=True, data=(
                services.BookingInput(patient.pk, patient.practitioner_id,  # type: ignore[arg-type]
                                      kind.pk, dt.datetime.combine(today + dt.timedelta(days=days),
                                                                   dt.time(hour)), room.pk)))
            break
        except services.BookingConflict:
            continue
    _request(patient, kind, today)


def _request(patient: Patient, kind: AppointmentType, today: dt.date) -> None:
    for days in range(5, 12):
        day = _next_weekday(today + dt.timedelta(days=days))
        try:
            services.portal_request(
                actor=patient.user, appointment_type_id=kind.pk,  # type: ignore[arg-type]
                practitioner_id=patient.practitioner_id,  # type: ignore[arg-type]
                starts_at=dt.datetime.combine(day, dt.time(16)))
        except (services.BookingConflict, InputError):
            continue
        return
