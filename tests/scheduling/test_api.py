"""Appointments and availability over JSON: 201, 409 with the clashes, 422, scoping."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.scheduling.models import Appointment
from tests.personas import World
from tests.scheduling.factories import LA, Calendar, at, book, local_day, make_calendar, next_change


@pytest.fixture
def cal(world: World) -> Calendar:
    return make_calendar(world)


def _body(world: World, cal: Calendar, starts_at: str, **extra: object) -> dict[str, object]:
    return {"patient_id": world.patient.pk, "practitioner_id": world.practitioner.pk,
            "appointment_type_id": cal.initial.pk, "starts_at": starts_at,
            "room_id": cal.room1.pk, **extra}


def test_it_books_with_201_and_the_local_time(world: World, cal: Calendar, client_for) -> None:
    day = local_day(2)
    response = client_for("front_desk").post("/api/appointments",
                                             _body(world, cal, f"{day}T09:00"),
                                             content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["local_start"].startswith(f"{day}T09:00:00-0")
    assert body["status"] == "booked" and body["version"] == 1


def test_it_answers_409_with_the_clashes(world: World, cal: Calendar, client_for) -> None:
    day = local_day(2)
    taken = book(world.front_desk, world.other_patient, world.practitioner, cal.initial,
                 at(day, 9), cal.room1)
    response = client_for("front_desk").post("/api/appointments",
                                             _body(world, cal, f"{day}T09:30"),
                                             content_type="application/json")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    clashes = response.json()["clashes"]
    assert {c["kind"] for c in clashes} == {"practitioner", "room"}
    assert {c["appointment_id"] for c in clashes} == {taken.pk}
    assert Appointment.objects.count() == 1


def test_it_answers_422_for_a_time_the_clocks_skip(world: World, cal: Calendar,
                                                   client_for) -> None:
    day = next_change(spring=True)
    response = client_for("front_desk").post(
        "/api/appointments", _body(world, cal, f"{day}T02:30", allow_outside_hours=True),
        content_type="application/json")
    assert response.status_code == 422
    assert "does not exist" in response.json()["errors"]["starts_at"][0]


def test_it_refuses_an_unknown_key(world: World, cal: Calendar, client_for) -> None:
    response = client_for("front_desk").post(
        "/api/appointments", _body(world, cal, f"{local_day(2)}T09:00", rooom=1),
        content_type="application/json")
    assert response.status_code == 422


def test_it_moves_cancels_and_checks_in_with_versions(world: World, cal: Calendar,
                                                      client_for) -> None:
    day = local_day(3)
    a = book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 9))
    client = client_for("front_desk")
    moved = client.post(f"/api/appointments/{a.pk}/move",
                        {"version": 1, "starts_at": f"{day}T11:00"},
                        content_type="application/json")
    assert moved.status_code == 200 and moved.json()["version"] == 2
    assert moved.json()["room_id"] is None
    stale = client.post(f"/api/appointments/{a.pk}/status", {"version": 1, "status": "arrived"},
                        content_type="application/json")
    assert stale.status_code == 409
    arrived = client.post(f"/api/appointments/{a.pk}/status",
                          {"version": 2, "status": "arrived"}, content_type="application/json")
    assert arrived.json()["status"] == "arrived"


def test_it_hides_another_clinic_s_appointment(world: World, cal: Calendar, client_for) -> None:
    a = book(world.front_desk, world.patient, world.practitioner, cal.initial, at(local_day(2), 9))
    client = client_for("outsider")
    assert client.get(f"/api/appointments/{a.pk}").status_code == 404
    cancel = client.post(f"/api/appointments/{a.pk}/cancel", {"version": 1},
                         content_type="application/json")
    assert cancel.status_code == 404
    listed = client.get(f"/api/appointments?date_from={local_day(0)}&days=7")
    assert listed.status_code == 200 and listed.json() == []


def test_it_lets_a_patient_read_only_their_own(world: World, cal: Calendar, client_for) -> None:
    own = book(world.front_desk, world.patient, world.practitioner, cal.initial,
               at(local_day(2), 9))
    other = book(world.front_desk, world.other_patient, world.practitioner, cal.initial,
                 at(local_day(2), 11))
    client = client_for("patient_user")
    assert client.get(f"/api/appointments/{own.pk}").status_code == 200
    assert client.get(f"/api/appointments/{other.pk}").status_code == 404
    assert client.get(f"/api/appointments?date_from={local_day(0)}").status_code == 403
    assert client.post(f"/api/appointments/{own.pk}/cancel", {"version": 1},
                       content_type="application/json").status_code == 403


def test_it_lists_free_times(world: World, cal: Calendar, client_for) -> None:
    day = local_day(3)
    book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 8))
    response = client_for("front_desk").get(
        f"/api/availability?practitioner_id={world.practitioner.pk}"
        f"&appointment_type_id={cal.follow_up.pk}&date_from={day}&date_to={day}")
    assert response.status_code == 200
    starts = [dt.datetime.fromisoformat(s["local_start"]).time() for s in response.json()]
    assert starts[0] == dt.time(9) and starts[-1] == dt.time(17, 30)
    assert dt.time(8, 30) not in starts and len(starts) == 35


def test_it_previews_a_course_then_books_it(world: World, cal: Calendar, client_for) -> None:
    from tests.plans.factories import save
    from tests.screening.factories import screen

    screen(world.practitioner, world.other_episode)
    plan = save(world.practitioner, world.other_episode)
    body = {"plan_id": plan.pk, "first_day": str(local_day(7)), "at": "10:00",
            "practitioner_id": world.practitioner.pk, "appointment_type_id": cal.follow_up.pk}
    client = client_for("front_desk")
    preview = client.post("/api/appointments/course", {**body, "dry_run": True},
                          content_type="application/json")
    assert preview.status_code == 200 and preview.json()["series_id"] is None
    assert len(preview.json()["sessions"]) == 10 and Appointment.objects.count() == 0
    booked = client.post("/api/appointments/course", body, content_type="application/json")
    assert booked.status_code == 201 and Appointment.objects.count() == 10
    again = client.post("/api/appointments/course", body, content_type="application/json")
    assert again.status_code == 409 and len(again.json()["clashes"]) >= 10
    assert LA  # the clinic's zone the local times above are in
