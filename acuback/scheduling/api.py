"""Appointments and availability over JSON.

Times: `starts_at` with a UTC offset is taken as given; without one it is a wall-clock time in
the clinic's time zone (a time skipped by a daylight-saving change answers 422; a repeated one
means the first). Responses give UTC instants and the clinic's local time.

A time that is taken answers 409 Conflict (application/problem+json) with `clashes`: each with
`kind` (practitioner, room, patient, outside_hours, time), `message` and the clashing
`appointment_id`. A stale `version` answers 409 too. A visit Medicare is expected not to pay
(no ABN on file) or one the patient declined on an ABN answers 409 with
`code: coverage_not_confirmed` and `coverage` (each day's judgement, without outcome scores)
until it is sent again with `coverage_confirmed: true`. Nothing is stored on any refusal.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from acuback.accounts.models import User
from acuback.clinical import calendar
from acuback.scheduling import selectors, services
from acuback.scheduling.models import Appointment
from acuback.scheduling.models import Status as AppointmentStatus
from acuback.schemas import InputSchema

router = Router(tags=["appointments"])
availability_router = Router(tags=["appointments"])


class AppointmentIn(InputSchema):
    patient_id: int
    practitioner_id: int
    appointment_type_id: int
    starts_at: dt.datetime
    room_id: int | None = None
    episode_id: int | None = None
    note: str = Field("", max_length=300, description="for the front desk; nothing clinical")
    allow_outside_hours: bool = Field(False, description="book outside working hours on purpose")
    coverage_confirmed: bool = Field(False, description="book even though Medicare is "
                                     "expected not to pay (the 409 coverage_not_confirmed "
                                     "warning was seen)")


class MoveIn(InputSchema):
    version: int
    starts_at: dt.datetime
    practitioner_id: int | None = None
    room_id: int | None = Field(None, description="another room; omit to keep the room")
    allow_outside_hours: bool = False
    coverage_confirmed: bool = Field(False, description="book even though Medicare is "
                                     "expected not to pay (the 409 coverage_not_confirmed "
                                     "warning was seen)")


class CancelIn(InputSchema):
    version: int
    reason: str = Field("", max_length=300)
    by_clinic: bool = Field(False, description="the clinic cancels: never a late cancel")


class StatusIn(InputSchema):
    version: int
    status: AppointmentStatus
    coverage_confirmed: bool = Field(False, description="book even though Medicare is "
                                     "expected not to pay (the 409 coverage_not_confirmed "
                                     "warning was seen)")


class CourseIn(InputSchema):
    plan_id: int
    first_day: dt.date
    at: dt.time = Field(description="wall-clock time of every session, in the clinic's zone")
    practitioner_id: int
    appointment_type_id: int
    room_id: int | None = None
    weekdays: list[int] = Field(default_factory=list,
                                description="0 Monday ... 6 Sunday; empty: spread from the "
                                "plan's sessions a week")
    sessions: int | None = Field(None, ge=1, le=60, description="empty: the plan's sessions")
    dry_run: bool = Field(False, description="only show the sessions and their clashes")
    coverage_confirmed: bool = Field(False, description="book even though Medicare is "
                                     "expected not to pay (the 409 coverage_not_confirmed "
                                     "warning was seen)")


class AppointmentOut(Schema):
    id: int
    patient_id: int
    patient: str
    practitioner_id: int
    practitioner: str
    room_id: int | None
    room: str | None
    appointment_type_id: int
    appointment_type: str
    episode_id: int | None
    series_id: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    local_start: str
    status: str
    source: str
    note: str
    fee_due: float | None
    version: int


class ClashOut(Schema):
    kind: str
    message: str
    appointment_id: int | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None


class SessionOut(Schema):
    number: int
    day: dt.date
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    clashes: list[ClashOut]
    problem: str
    coverage_level: str = Field(description="Medicare's expected judgement of the session "
                                "(billing.coverage.Level)")


class CourseOut(Schema):
    series_id: int | None
    sessions: list[SessionOut]
    coverage: list[str]


class SlotOut(Schema):
    starts_at: dt.datetime
    local_start: str


def _out(a: Appointment, tz: calendar.ZoneInfo | None = None) -> AppointmentOut:
    tz = tz or services.schedule_of(a.clinic_id).tz
    return AppointmentOut(
        id=a.pk, patient_id=a.patient_id, patient=a.patient.full_name,
        practitioner_id=a.practitioner_id, practitioner=_name(a.practitioner),
        room_id=a.room_id, room=a.room.name if a.room else None,
        appointment_type_id=a.appointment_type_id, appointment_type=a.appointment_type.name,
        episode_id=a.episode_id, series_id=a.series_id, starts_at=a.starts_at,
        ends_at=a.ends_at, local_start=a.starts_at.astimezone(tz).isoformat(),
        status=a.status, source=a.source, note=a.note,
        fee_due=float(a.fee_due) if a.fee_due is not None else None, version=a.version)


def _name(user: User) -> str:
    return user.get_full_name() or user.username


class ListQuery(InputSchema):
    date_from: dt.date
    days: int = Field(7, ge=1, le=selectors.MAX_DAYS)
    practitioner_id: int | None = None
    room_id: int | None = None


@router.get("", response=list[AppointmentOut], summary="Appointments of some days")
def appointment_list(request: HttpRequest, q: Query[ListQuery]) -> list[AppointmentOut]:
    found = selectors.appointments_between(
        actor=request.user, first_day=q.date_from, days=q.days,
        practitioner_id=q.practitioner_id, room_id=q.room_id)
    tz = services.schedule_of(request.user.membership.clinic_id).tz
    return [_out(a, tz) for a in found]


@router.post("", response={201: AppointmentOut}, summary="Book an appointment")
def appointment_create(request: HttpRequest, payload: AppointmentIn) -> Status[AppointmentOut]:
    data = services.BookingInput(
        patient_id=payload.patient_id, practitioner_id=payload.practitioner_id,
        appointment_type_id=payload.appointment_type_id, starts_at=payload.starts_at,
        room_id=payload.room_id, episode_id=payload.episode_id, note=payload.note)
    booked = services.appointment_book(actor=request.user, data=data,
                                       allow_outside_hours=payload.allow_outside_hours,
                                       coverage_confirmed=payload.coverage_confirmed)
    return Status(201, _out(selectors.appointment_get(actor=request.user,
                                                      appointment_id=booked.pk)))


@router.post("/course", response={200: CourseOut, 201: CourseOut},
             summary="Book a plan's course in one step (or preview it with dry_run)")
def course_create(request: HttpRequest, payload: CourseIn) -> Status[CourseOut]:
    data = services.CourseInput(
        plan_id=payload.plan_id, first_day=payload.first_day, at=payload.at,
        practitioner_id=payload.practitioner_id, appointment_type_id=payload.appointment_type_id,
        room_id=payload.room_id, weekdays=payload.weekdays, sessions=payload.sessions)
    preview = services.course_preview(actor=request.user, data=data)
    series_id = None
    if not payload.dry_run:
        series_id = services.course_book(actor=request.user, data=data,
                                         coverage_confirmed=payload.coverage_confirmed).pk
    sessions = [SessionOut(number=s.number, day=s.day, starts_at=s.starts_at, ends_at=s.ends_at,
                           clashes=[ClashOut(**c.as_dict()) for c in s.clashes],
                           problem=s.problem, coverage_level=w.level.value)
                for s, w in zip(preview.sessions, preview.warnings, strict=True)]
    body = CourseOut(series_id=series_id, sessions=sessions, coverage=preview.coverage)
    return Status(200 if payload.dry_run else 201, body)


@router.get("/{appointment_id}", response=AppointmentOut, summary="One appointment")
def appointment_read(request: HttpRequest, appointment_id: int) -> AppointmentOut:
    return _out(selectors.appointment_get(actor=request.user, appointment_id=appointment_id))


@router.post("/{appointment_id}/move", response=AppointmentOut, summary="Move an appointment")
def appointment_move(request: HttpRequest, appointment_id: int, payload: MoveIn,
                     ) -> AppointmentOut:
    appointment = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    room = payload.room_id if "room_id" in payload.model_fields_set else False
    services.appointment_move(actor=request.user, appointment=appointment,
                              starts_at=payload.starts_at, version=payload.version,
                              practitioner_id=payload.practitioner_id, room_id=room,
                              allow_outside_hours=payload.allow_outside_hours,
                              coverage_confirmed=payload.coverage_confirmed)
    return _out(selectors.appointment_get(actor=request.user, appointment_id=appointment_id))


@router.post("/{appointment_id}/cancel", response=AppointmentOut,
             summary="Cancel (a late cancel inside the clinic's notice period)")
def appointment_cancel(request: HttpRequest, appointment_id: int, payload: CancelIn,
                       ) -> AppointmentOut:
    appointment = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    services.appointment_cancel(actor=request.user, appointment=appointment,
                                version=payload.version, reason=payload.reason,
                                by_clinic=payload.by_clinic)
    return _out(selectors.appointment_get(actor=request.user, appointment_id=appointment_id))


@router.post("/{appointment_id}/status", response=AppointmentOut,
             summary="Check in, start, complete, no-show, or confirm a request")
def appointment_status(request: HttpRequest, appointment_id: int, payload: StatusIn,
                       ) -> AppointmentOut:
    appointment = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    services.appointment_set_status(actor=request.user, appointment=appointment,
                                    status=payload.status, version=payload.version,
                                    coverage_confirmed=payload.coverage_confirmed)
    return _out(selectors.appointment_get(actor=request.user, appointment_id=appointment_id))


class AvailabilityQuery(InputSchema):
    practitioner_id: int
    appointment_type_id: int
    date_from: dt.date
    date_to: dt.date
    room_id: int | None = None


@availability_router.get("", response=list[SlotOut], summary="Free start times")
def availability(request: HttpRequest, q: Query[AvailabilityQuery]) -> list[SlotOut]:
    starts = selectors.availability(
        actor=request.user, practitioner_id=q.practitioner_id,
        appointment_type_id=q.appointment_type_id, date_from=q.date_from, date_to=q.date_to,
        room_id=q.room_id)
    membership = request.user.membership
    tz = services.schedule_of(membership.clinic_id).tz
    return [SlotOut(starts_at=s, local_start=s.astimezone(tz).isoformat()) for s in starts]
