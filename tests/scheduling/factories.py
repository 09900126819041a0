"""A clinic calendar for tests: Los Angeles time, two rooms, two types, a full working week."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from acuback.accounts.models import Clinic, User
from acuback.clinical import calendar
from acuback.patients.models import Patient
from acuback.scheduling.models import (
    AppointmentKind,
    AppointmentType,
    ClinicSchedule,
    Room,
    WorkingHours,
)
from acuback.scheduling.services import BookingInput, appointment_book
from tests.personas import World

ZONE = "America/Los_Angeles"
LA = calendar.zone(ZONE)


@dataclass
class Calendar:
    schedule: ClinicSchedule
    room1: Room
    room2: Room
    initial: AppointmentType
    follow_up: AppointmentType


def make_calendar(world: World, *, hours: tuple[dt.time, dt.time] = (dt.time(8), dt.time(18)),
                  clinic: Clinic | None = None, practitioners: Sequence[User] = ()) -> Calendar:
    """Clinic A's calendar (or `clinic`'s, for `practitioners`)."""
    clinic = clinic or world.clinic_a
    schedule = ClinicSchedule.objects.create(clinic=clinic, time_zone=ZONE,
                                             late_cancel_hours=24, late_cancel_fee=40,
                                             no_show_fee=60, fee_policy="Under 24 hours: $40.")
    room1 = Room.objects.create(clinic=clinic, name="Room 1", position=1)
    room2 = Room.objects.create(clinic=clinic, name="Room 2", position=2)
    initial = AppointmentType.objects.create(clinic=clinic, name="Initial visit",
                                             kind=AppointmentKind.INITIAL, minutes=60)
    follow_up = AppointmentType.objects.create(clinic=clinic, name="Follow-up",
                                               kind=AppointmentKind.FOLLOW_UP, minutes=30)
    for user in practitioners or (world.practitioner, world.owner):
        WorkingHours.objects.bulk_create([
            WorkingHours(clinic=clinic, practitioner=user, weekday=d, start=hours[0],
                         end=hours[1]) for d in range(7)])
    return Calendar(schedule, room1, room2, initial, follow_up)


def local_day(days_ahead: int = 1) -> dt.date:
    return timezone.now().astimezone(LA).date() + dt.timedelta(days=days_ahead)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A wall-clock time in Los Angeles (naive: the clinic's zone applies)."""
    return dt.datetime.combine(day, dt.time(hour, minute))


def next_change(*, spring: bool) -> dt.date:
    """The next day the clocks change in Los Angeles (forward in spring, back in autumn)."""
    day = local_day(1)
    while True:
        before = dt.datetime.combine(day, dt.time(0), tzinfo=LA).utcoffset()
        after = dt.datetime.combine(day, dt.time(23), tzinfo=LA).utcoffset()
        if before != after and (after > before) == spring:  # type: ignore[operator]
            return day
        day += dt.timedelta(days=1)


def book(actor: User, patient: Patient, practitioner: User, kind: AppointmentType,
         starts_at: dt.datetime, room: Room | None = None, **kwargs: object):  # noqa: ANN201
    return appointment_book(actor=actor, data=BookingInput(
        patient_id=patient.pk, practitioner_id=practitioner.pk, appointment_type_id=kind.pk,
        starts_at=starts_at, room_id=room.pk if room else None), **kwargs)  # type: ignore[arg-type]
