"""Calendar pages: day and week views, booking with clashes shown, the day lists' status
buttons, the course from the plan, the chart's panel; scoping; pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from acuback.scheduling.models import Appointment, Status
from tests.personas import World, make_patient
from tests.plans.factories import save
from tests.scheduling.factories import Calendar, at, book, local_day, make_calendar
from tests.screening.factories import screen


@pytest.fixture
def cal(world: World) -> Calendar:
    return make_calendar(world)


def _busy_day(world: World, cal: Calendar, day: dt.date, count: int) -> None:
    for i in range(count):
        # A different person each: names that repeat on another day would be a likely duplicate.
        patient = make_patient(world.practitioner, f"P{i}", f"Busy{day:%m%d}x{i}")
        book(world.front_desk, patient, world.practitioner if i % 2 else world.owner,
             cal.follow_up, at(day, 8 + i // 2, 0 if i % 4 < 2 else 30))


def test_it_shows_the_day_by_practitioner_with_free_times(world: World, cal: Calendar,
                                                          client_for) -> None:
    day = local_day(2)
    book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 9), cal.room1)
    page = client_for("front_desk").get(reverse("calendar"), {"date": str(day)}).content.decode()
    assert "Ada Lovelace" in page and "09:00–10:00" in page
    assert "08:00–09:00</span> free" in page and "Pat Lin" in page


def test_it_shows_a_room_s_week(world: World, cal: Calendar, client_for) -> None:
    day = local_day(2)
    book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 9), cal.room1)
    book(world.front_desk, world.other_patient, world.practitioner, cal.initial, at(day, 11),
         cal.room2)
    page = client_for("front_desk").get(reverse("calendar"), {
        "date": str(day), "view": "week", "by": "room", "room": cal.room1.pk}).content.decode()
    assert "Ada Lovelace" in page and "Grace Hopper" not in page
    assert page.count('data-testid="appointment"') == 1


def test_it_shows_the_rooms_side_by_side_for_a_day_and_a_practitioner_s_week(
        world: World, cal: Calendar, client_for) -> None:
    day = local_day(2)
    book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 9), cal.room1)
    book(world.front_desk, world.other_patient, world.owner, cal.initial, at(day, 9), cal.room2)
    book(world.front_desk, world.other_patient, world.practitioner, cal.follow_up,
         at(day + dt.timedelta(days=1), 11), cal.room2)
    client = client_for("front_desk")
    room_day = client.get(reverse("calendar"), {"date": str(day), "by": "room"}).content.decode()
    columns = room_day.split('<section class="cal-col')[1:]
    assert [c.split("</h2>")[0].split(">", 2)[2].split("<")[0].strip() for c in columns] == [
        "Room 1", "Room 2"]
    assert "Ada Lovelace" in columns[0] and "Grace Hopper" not in columns[0]
    assert "Grace Hopper" in columns[1] and "Ada Lovelace" not in columns[1]
    assert room_day.count('data-testid="appointment"') == 2  # that day only
    week = client.get(reverse("calendar"), {
        "date": str(day), "view": "week", "practitioner": world.practitioner.pk}
        ).content.decode()
    assert week.count('data-testid="appointment"') == 2  # Pat Lin's two days, not the owner's
    assert "Ada Lovelace" in week and week.count("Grace Hopper") == 1


def test_it_reads_a_busy_week_in_a_fixed_number_of_queries(world: World, cal: Calendar,
                                                           client_for,
                                                           django_assert_max_num_queries,
                                                           ) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    day = local_day(2)
    client = client_for("front_desk")
    url = reverse("calendar")
    week = {"date": str(day), "view": "week", "practitioner": world.practitioner.pk}
    _busy_day(world, cal, day, 4)
    client.get(url, week)  # the session's first request refreshes its idle limit: not counted
    with CaptureQueriesContext(connection) as few:
        client.get(url, week)
    _busy_day(world, cal, day + dt.timedelta(days=1), 16)
    # The real count; SQLite adds its audit savepoint's 2.
    with django_assert_max_num_queries(12 if connection.vendor == "sqlite" else 10):
        response = client.get(url, week)
    assert response.content.decode().count('data-testid="appointment"') == 10
    with CaptureQueriesContext(connection) as many:
        client.get(url, week)
    assert len(many) == len(few)
    # The real count; SQLite adds its audit savepoint's 2.
    with django_assert_max_num_queries(12 if connection.vendor == "sqlite" else 10):
        client.get(url, {"date": str(day)})


def test_it_books_from_a_free_slot_link(world: World, cal: Calendar, client_for) -> None:
    day = local_day(2)
    client = client_for("front_desk")
    form = client.get(reverse("appointment_book"), {
        "start": f"{day}T10:30:00-08:00", "practitioner": world.practitioner.pk}).content.decode()
    assert f'value="{day}"' in form
    response = client.post(reverse("appointment_book"), {
        "patient": world.patient.pk, "practitioner": world.practitioner.pk,
        "appointment_type": cal.follow_up.pk, "day": str(day), "time": "10:30",
        "room": cal.room1.pk})
    booked = Appointment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "appointment_detail", args=[booked.pk])


def test_it_shows_clashes_and_keeps_what_was_typed(world: World, cal: Calendar,
                                                   client_for) -> None:
    day = local_day(2)
    book(world.front_desk, world.other_patient, world.practitioner, cal.initial, at(day, 10))
    response = client_for("front_desk").post(reverse("appointment_book"), {
        "patient": world.patient.pk, "practitioner": world.practitioner.pk,
        "appointment_type": cal.follow_up.pk, "day": str(day), "time": "10:15",
        "note": "bring scans"})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="clashes"' in page
    assert "Pat Lin is already booked" in page and 'value="bring scans"' in page
    assert Appointment.objects.count() == 1


def test_it_checks_a_patient_in_from_the_desk_list(world: World, cal: Calendar,
                                                   client_for) -> None:
    a = book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
             at(local_day(0), 23, 30), allow_outside_hours=True)
    client = client_for("front_desk")
    page = client.get(reverse("desk_day")).content.decode()
    assert "Check in" in page and "Ada Lovelace" in page
    row = client.post(reverse("appointment_status", args=[a.pk]),
                      {"status": "arrived", "version": 1}, HTTP_HX_REQUEST="true")
    assert "Arrived" in row.content.decode() and "<html" not in row.content.decode()
    a.refresh_from_db()
    assert a.status == Status.ARRIVED


def test_it_shows_the_practitioner_their_day_with_the_chart(world: World, cal: Calendar,
                                                            client_for) -> None:
    book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
         at(local_day(0), 23, 30), allow_outside_hours=True)
    book(world.front_desk, world.other_patient, world.owner, cal.follow_up,
         at(local_day(0), 23, 30), allow_outside_hours=True)
    page = client_for("practitioner").get(reverse("my_day")).content.decode()
    assert "Ada Lovelace" in page and "Grace Hopper" not in page
    assert 'data-testid="open-chart"' in page


def test_it_previews_a_course_then_books_it(world: World, cal: Calendar, client_for) -> None:
    screen(world.practitioner, world.other_episode)
    plan = save(world.practitioner, world.other_episode)
    client = client_for("practitioner")
    url = reverse("course_book", args=[plan.pk])
    fields = {"first_day": str(local_day(7)), "time": "10:00",
              "practitioner": world.practitioner.pk, "appointment_type": cal.follow_up.pk,
              "room": cal.room1.pk, "weekdays": [1, 4]}
    preview = client.post(url, {**fields, "confirm": "0"}).content.decode()
    assert preview.count('<span class="pill ok">free</span>') == 10
    assert Appointment.objects.count() == 0
    done = client.post(url, {**fields, "confirm": "1"})
    assert done.status_code == 302 and Appointment.objects.count() == 10


def test_it_links_the_plan_to_the_course_booking(world: World, cal: Calendar, client_for) -> None:
    screen(world.practitioner, world.other_episode)
    plan = save(world.practitioner, world.other_episode)
    page = client_for("practitioner").get(reverse("plan_episode", args=[plan.episode_id]))
    assert reverse("course_book", args=[plan.pk]) in page.content.decode()


def test_it_shows_appointments_and_attendance_on_the_chart(world: World, cal: Calendar,
                                                           client_for) -> None:
    a = book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
             at(local_day(3), 9))
    from acuback.scheduling.services import appointment_set_status

    appointment_set_status(actor=world.front_desk, appointment=a, status=Status.NO_SHOW,
                           version=1)
    book(world.front_desk, world.patient, world.practitioner, cal.follow_up, at(local_day(4), 9))
    page = client_for("front_desk").get(reverse("patient_detail", args=[world.patient.pk]))
    text = page.content.decode()
    assert 'data-testid="patient-appointments"' in text
    assert "1 no-show, 0 late cancels." in text and "Under 24 hours: $40." in text
    from acuback.scheduling.services import appointment_cancel

    # Cancelled inside the 24 hours' notice: a late cancel, counted on the chart.
    soon = book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
                timezone.now() + dt.timedelta(hours=2), allow_outside_hours=True)
    appointment_cancel(actor=world.front_desk, appointment=soon, version=1)
    text = client_for("front_desk").get(reverse("patient_detail", args=[world.patient.pk])
                                        ).content.decode()
    assert "1 no-show, 1 late cancel." in text


def test_it_hides_another_clinic_s_appointment_page(world: World, cal: Calendar,
                                                    client_for) -> None:
    a = book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
             at(local_day(3), 9))
    assert client_for("outsider").get(reverse("appointment_detail", args=[a.pk])
                                      ).status_code == 404
    assert client_for("outsider").post(reverse("appointment_status", args=[a.pk]), {
        "status": "arrived", "version": 1}).status_code == 404


def test_it_keeps_patients_out_of_the_calendar(world: World, cal: Calendar, client_for) -> None:
    client = client_for("patient_user")
    assert client.get(reverse("calendar")).status_code == 403
    assert client.get(reverse("desk_day")).status_code == 403


def test_it_lists_today_on_the_start_page(world: World, cal: Calendar, client_for) -> None:
    book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
         at(local_day(0), 23, 30), allow_outside_hours=True)
    book(world.front_desk, world.other_patient, world.owner, cal.follow_up,
         at(local_day(0), 23, 30), allow_outside_hours=True)
    desk = client_for("front_desk").get("/").content.decode()
    assert 'id="start-today"' in desk and "Ada Lovelace" in desk and "Grace Hopper" in desk
    mine = client_for("practitioner").get("/").content.decode()
    assert "Your patients today" in mine and "Ada Lovelace" in mine
    assert "Grace Hopper" not in mine.split('id="start-today"')[1].split("</section>")[0]


def test_it_starts_the_visit_from_the_appointment_once(world: World, cal: Calendar,
                                                       client_for) -> None:
    from acuback.visits.models import Visit

    screen(world.practitioner, world.other_episode)
    save(world.practitioner, world.other_episode)
    a = book(world.front_desk, world.other_patient, world.practitioner, cal.follow_up,
             at(local_day(0), 23, 30), cal.room1, allow_outside_hours=True)
    client = client_for("practitioner")
    url = reverse("appointment_start_visit", args=[a.pk])
    first = client.post(url)
    visit = Visit.objects.get()
    a.refresh_from_db()
    assert first.status_code == 302 and a.visit_id == visit.pk
    assert a.status == Status.IN_TREATMENT and a.episode_id == world.other_episode.pk
    assert visit.room == "Room 1" and visit.plan_id is not None and visit.points.exists()
    again = client.post(url)
    assert again["Location"] == first["Location"] and Visit.objects.count() == 1


def test_it_refuses_the_front_desk_a_visit(world: World, cal: Calendar, client_for) -> None:
    from acuback.visits.models import Visit

    screen(world.practitioner, world.other_episode)
    a = book(world.front_desk, world.other_patient, world.practitioner, cal.follow_up,
             at(local_day(1), 9))
    response = client_for("front_desk").post(reverse("appointment_start_visit", args=[a.pk]))
    assert response.status_code == 403 and not Visit.objects.exists()


def test_the_chart_panel_reads_upcoming_and_attendance_together(world: World, cal: Calendar,
                                                                ) -> None:
    from acuback.audit.models import AuditEntry
    from acuback.scheduling.models import ClinicSchedule
    from acuback.scheduling.selectors import appointments_of_patient, upcoming_and_attendance
    from acuback.scheduling.services import appointment_cancel, appointment_set_status

    def status(appointment: Appointment, to: str) -> None:
        appointment_set_status(actor=world.front_desk, appointment=appointment, status=to,
                               version=appointment.version)

    desk, patient, who, kind = world.front_desk, world.patient, world.practitioner, cal.follow_up
    # Over: a visit held, a no-show; cancelled in good time; cancelled late; two to come;
    # another patient's no-show, which is not this patient's.
    held = book(desk, patient, who, kind, at(local_day(1), 9))
    status(held, Status.ARRIVED)
    gone = timezone.now() - dt.timedelta(days=2)  # moved into the past: it is over
    Appointment.objects.filter(pk=held.pk).update(starts_at=gone - dt.timedelta(hours=1),
                                                  ends_at=gone)
    missed = book(desk, patient, who, kind, at(local_day(2), 9))
    status(missed, Status.NO_SHOW)
    appointment_cancel(actor=desk, appointment=book(desk, patient, who, kind,
                                                    at(local_day(6), 9)), version=1)
    appointment_cancel(actor=desk, appointment=book(
        desk, patient, who, kind, timezone.now() + dt.timedelta(hours=2),
        allow_outside_hours=True), version=1)
    later = [book(desk, patient, who, kind, at(local_day(d), 10)) for d in (5, 3)]
    status(book(desk, world.other_patient, who, kind, at(local_day(2), 11)), Status.NO_SHOW)
    # The clinic's rules come with the read, not another clinic's.
    ClinicSchedule.objects.update_or_create(clinic_id=world.clinic_b.pk,
                                            defaults={"fee_policy": "Not ours"})
    ClinicSchedule.objects.update_or_create(clinic_id=patient.clinic_id,
                                            defaults={"fee_policy": "Ours: $40"})
    upcoming, attendance, schedule = upcoming_and_attendance(actor=desk, patient=patient)
    assert (schedule.clinic_id, schedule.fee_policy, attendance.policy) == (
        patient.clinic_id, "Ours: $40", "Ours: $40")
    # Over and held (the visit), cancelled in good time: neither to come nor missed.
    assert [a.pk for a in upcoming] == [later[1].pk, later[0].pk]
    assert [(a.appointment_type.name, a.practitioner.username) for a in upcoming] == [
        (kind.name, who.username)] * 2
    assert upcoming == appointments_of_patient(actor=desk, patient=patient, upcoming_only=True)
    assert (attendance.no_shows, attendance.late_cancels) == (1, 1)
    entry = AuditEntry.objects.filter(object_type="appointment", action="list").latest("seq")
    assert entry.detail == {"patient": patient.pk, "ids": [later[1].pk, later[0].pk]}
