"""`acuback worker` and `acuback reminders send` on PostgreSQL, as a clinic that uses it runs
them: the booking confirmation queued in PostgreSQL's task table (the Django tasks backport's
database backend) is sent once to a loopback SMTP server and the queue left empty; the reminder
due at --now is sent once, however often the command runs."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from tests.reminders.conftest import Inbox
from tests.served import run_acuback, scratch_postgres
from tests.test_postgres import _on_postgres_pass
from tests.test_settings import LONG_KEY, clean_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

# A clinic, its front desk and practitioner, and one booking in three days: booking it queues its
# confirmation (acuback.reminders.tasks.send_confirmation) when the transaction commits.
BOOK = """
import datetime as dt
from django.utils import timezone
from acuback.accounts.models import Clinic, Role
from acuback.accounts.services import member_create
from acuback.patients.services import PatientInput, patient_create
from acuback.scheduling.models import (AppointmentKind, AppointmentType, ClinicSchedule,
                                       WorkingHours)
from acuback.scheduling.services import BookingInput, appointment_book
clinic = Clinic.objects.create(name="Worker Clinic", slug="worker")
desk = member_create(clinic=clinic, username="desk", password="worker-password-2026",
                     role=Role.FRONT_DESK)
prac = member_create(clinic=clinic, username="prac", password="worker-password-2026",
                     role=Role.PRACTITIONER, first_name="Pat", last_name="Lin")
ClinicSchedule.objects.create(clinic=clinic, time_zone="UTC")
kind = AppointmentType.objects.create(clinic=clinic, name="Follow-up",
                                      kind=AppointmentKind.FOLLOW_UP, minutes=30)
WorkingHours.objects.bulk_create([WorkingHours(clinic=clinic, practitioner=prac, weekday=d,
                                               start=dt.time(0), end=dt.time(23, 30))
                                  for d in range(7)])
patient = patient_create(actor=desk, data=PatientInput(
    given_name="Ada", family_name="Worker", date_of_birth=dt.date(1970, 5, 17), sex="female",
    email="ada@worker.example"))
day = timezone.now().date() + dt.timedelta(days=3)
appointment_book(actor=desk, data=BookingInput(
    patient_id=patient.pk, practitioner_id=prac.pk, appointment_type_id=kind.pk,
    starts_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.timezone.utc)))
print(dt.datetime.combine(day, dt.time(8), tzinfo=dt.timezone.utc).isoformat())
"""


def _waiting(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as db:
        return [(str(path), str(status)) for path, status in db.execute(
            "SELECT task_path, status FROM django_tasks_database_dbtaskresult "
            "WHERE status <> 'SUCCESSFUL'").fetchall()]


def test_it_runs_the_queued_confirmation_from_postgresql_once(
        tmp_path: Path, smtp_server: Inbox, migrated_postgres: str) -> None:
    _on_postgres_pass()
    smtp_server.received.clear()
    with scratch_postgres("worker", template=migrated_postgres) as url:
        env = clean_env(tmp_path, ACUBACK_DATABASE_URL=url, ACUBACK_SECRET_KEY=LONG_KEY,
                        ACUBACK_SECURE="false",
                        ACUBACK_EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}",
                        ACUBACK_EMAIL_FROM="clinic@worker.example")
        done = run_acuback(env, "manage", "shell", "-c", BOOK)
        assert done.returncode == 0, done.stderr[-3000:]
        two_hours_before = done.stdout.strip().splitlines()[-1]
        assert [path for path, _ in _waiting(url)] == [
            "acuback.reminders.tasks.send_confirmation"]  # queued in PostgreSQL, not sent
        assert smtp_server.received == []
        for _ in range(2):  # the second run finds nothing left to send
            done = run_acuback(env, "worker", "--once")
            assert done.returncode == 0, done.stderr[-3000:]
        [mail] = smtp_server.to("ada@worker.example")  # the reminder is not due yet
        assert str(mail["Subject"]).startswith("Booked:") and "Pat Lin" in mail.get_body(
            ("plain",)).get_content()
        assert _waiting(url) == []
        sent = [run_acuback(env, "reminders", "send", "--now", two_hours_before)
                for _ in range(2)]
        assert [json.loads(s.stdout) for s in sent] == [{"sent": 1, "failed": 0},
                                                         {"sent": 0, "failed": 0}], sent
        subjects = [str(m["Subject"]) for m in smtp_server.to("ada@worker.example")]
        assert len(subjects) == 2 and subjects[1].startswith("Your appointment on"), subjects
