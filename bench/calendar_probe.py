"""The calendar benchmark's inside (run as its own process with a fresh ACUBACK_DATA_DIR):
build a busy clinic, time the pages, print JSON. See bench_calendar.py."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time

ROUNDS = 15
PRACTITIONERS = 8
STEP_MINUTES = 45
PASSWORD = "bench-password-0123"  # noqa: S105 - a throwaway database of this run only


def main() -> None:
    from acuback.cli.django_setup import migrate, setup

    setup()
    migrate()
    from django.test import Client

    world = build()
    client = Client(HTTP_HOST="localhost")
    client.force_login(world["desk"])
    bare = Client(HTTP_HOST="localhost")
    bare.force_login(world["idle"])
    monday = world["monday"]
    pages = {
        "one practitioner's week": f"/calendar/?view=week&practitioner={world['first']}"
                                   f"&date={monday}",
        "a busy day by practitioner": f"/calendar/?date={monday + dt.timedelta(days=2)}",
        "the clinic's week over the API": f"/api/appointments?date_from={monday}&days=7",
    }
    figures = {name: timed(client, url) for name, url in pages.items()}
    json.dump({"appointments": world["count"], "bare_ms": timed(bare, "/calendar/mine/"),
               "pages": figures}, sys.stdout)
    print()


def timed(client: object, url: str) -> float:
    """Median milliseconds of ROUNDS requests after one warm-up."""
    samples = []
    for i in range(ROUNDS + 1):
        start = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        if i:
            samples.append(elapsed)
    return statistics.median(samples)


def build() -> dict[str, object]:
    from django.utils import timezone

    from acuback.accounts.models import Clinic, Role
    from acuback.accounts.services import member_create
    from acuback.audit.context import audit_context
    from acuback.clinical import calendar
    from acuback.patients.services import PatientInput, patient_create
    from acuback.scheduling.models import (
        Appointment,
        AppointmentKind,
        AppointmentType,
        ClinicSchedule,
        Room,
        WorkingHours,
    )

    with audit_context("cli"):
        clinic = Clinic.objects.create(name="Busy Acupuncture", slug="busy")
        schedule = ClinicSchedule.objects.create(clinic=clinic, time_zone="America/New_York")
        desk = member_create(clinic=clinic, username="desk", password=PASSWORD,
                             role=Role.FRONT_DESK)
        idle = member_create(clinic=clinic, username="idle", password=PASSWORD,
                             role=Role.PRACTITIONER, first_name="Ida", last_name="Idle")
        people = [member_create(clinic=clinic, username=f"p{i}", password=PASSWORD,
                                role=Role.PRACTITIONER, first_name=f"P{i}", last_name="Busy")
                  for i in range(PRACTITIONERS)]
        rooms = [Room.objects.create(clinic=clinic, name=f"Room {i + 1}") for i in range(4)]
        kind = AppointmentType.objects.create(clinic=clinic, name="Follow-up", minutes=40,
                                              kind=AppointmentKind.FOLLOW_UP)
        WorkingHours.objects.bulk_create([
            WorkingHours(clinic=clinic, practitioner=p, weekday=d, start=dt.time(8),
                         end=dt.time(18)) for p in people for d in range(7)])
        patients = [patient_create(actor=desk, data=PatientInput(
            given_name=f"Given{i}", family_name=f"Family{i}", date_of_birth=dt.date(1970, 1, 1),
            sex="female")) for i in range(200)]
    tz = schedule.tz
    today = timezone.now().astimezone(tz).date()
    monday = calendar.week_start(today) + dt.timedelta(days=7)
    rows = []
    for d in range(7):
        day = monday + dt.timedelta(days=d)
        for n, person in enumerate(people):
            minute = 8 * 60
            while minute + 40 <= 18 * 60:
                start = calendar.to_instant(day, dt.time(minute // 60, minute % 60), tz)
                rows.append(Appointment(
                    clinic=clinic, patient=patients[(len(rows) * 7) % len(patients)],
                    practitioner=person, room=rooms[n % 4] if n < 4 else None,
                    appointment_type=kind, starts_at=start,
                    ends_at=start + dt.timedelta(minutes=40), created_by=desk))
                minute += STEP_MINUTES
    Appointment.objects.bulk_create(rows)
    return {"desk": desk, "idle": idle, "first": people[0].pk, "monday": monday,
            "count": len(rows)}


if __name__ == "__main__":
    main()
