"""Two bookings racing for one practitioner's slot on PostgreSQL: exactly one wins, the other
gets the clash (the rows are locked before the check). SQLite's IMMEDIATE transactions let one
writer in at a time, so the race only means something here."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from acuback.scheduling.models import Appointment
from acuback.scheduling.services import BookingConflict
from tests.personas import build_world
from tests.scheduling.factories import at, book, local_day, make_calendar
from tests.test_postgres import _on_postgres_pass

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_it_books_one_of_two_racing_requests() -> None:
    _on_postgres_pass()
    world = build_world()
    cal = make_calendar(world)
    when = at(local_day(3), 10)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(patient: object) -> None:
        try:
            start.wait()
            book(world.front_desk, patient, world.practitioner, cal.initial, when)  # type: ignore[arg-type]
            outcomes.append("booked")
        except BookingConflict:
            outcomes.append("clash")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(p,))
               for p in (world.patient, world.other_patient)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["booked", "clash"]
    assert Appointment.objects.count() == 1
