"""The appointment page's move and cancel, and the waitlist page, through the pages the front
desk uses (the services have their own tests; these check that each page calls them and says
what happened): clashes shown and nothing moved, a stale version refused, the notice period
making a cancel late, a patient kept out, a patient added to and removed from the waitlist."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from acuback.scheduling.models import Appointment, Status, WaitlistEntry, WaitlistStatus
from tests.personas import World
from tests.scheduling.factories import LA, Calendar, at, book, local_day, make_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def cal(world: World) -> Calendar:
    return make_calendar(world)


def _move(client, a: Appointment, day: dt.date, time: str, version: int | None = None,  # noqa: ANN001
          **extra: object):  # noqa: ANN202
    return client.post(reverse("appointment_move", args=[a.pk]), {
        "version": a.version if version is None else version, "day": day.isoformat(),
        "time": time, "practitioner": a.practitioner_id, "room": a.room_id or "", **extra},
        follow=True)


def test_it_moves_an_appointment_from_its_page(world: World, cal: Calendar, client_for) -> None:
    a = book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
             at(local_day(3), 9), cal.room1)
    page = _move(client_for("front_desk"), a, local_day(4), "14:30").content.decode()
    assert "The appointment is moved." in page
    a.refresh_from_db()
    assert a.starts_at.astimezone(LA) == dt.datetime.combine(local_day(4), dt.time(14, 30),
                                                             tzinfo=LA)
    assert a.version == 2 and a.ends_at - a.starts_at == dt.timedelta(minutes=30)


def test_it_shows_the_clash_and_moves_nothing(world: World, cal: Calendar, client_for) -> None:
    a = book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
             at(local_day(3), 9), cal.room1)
    book(world.front_desk, world.other_patient, world.owner, cal.follow_up,
         at(local_day(3), 11), cal.room1)
    response = _move(client_for("front_desk"), a, local_day(3), "11:15")
    page = response.content.decode()
    assert "That time is not free; see why below." in page and "Room 1 is already in use" in page
    assert 'value="11:15"' in page  # what was typed is kept
    before = a.starts_at
    a.refresh_from_db()
    assert a.starts_at == before and a.version == 1


def test_it_refuses_a_move_read_before_someone_else_s(world: World, cal: Calendar,
                                                      client_for) -> None:
    a = book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
             at(local_day(3), 9))
    client = client_for("front_desk")
    _move(client, a, local_day(3), "10:00")
    page = _move(client, a, local_day(3), "12:00", version=1).content.decode()
    assert "someone else" in page.lower() or "changed" in page.lower(), page
    a.refresh_from_db()
    assert a.starts_at.astimezone(LA).time() == dt.time(10) and a.version == 2


def test_it_cancels_late_inside_the_notice_and_never_charges_the_clinic_s_own(
        world: World, cal: Calendar, client_for) -> None:
    soon = book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
                at(local_day(0), 23, 30), allow_outside_hours=True)
    ours = book(world.front_desk, world.other_patient, world.owner, cal.follow_up,
                at(local_day(0), 23, 30), allow_outside_hours=True)
    client = client_for("front_desk")
    page = client.post(reverse("appointment_cancel", args=[soon.pk]), {
        "version": 1, "reason": "car broke down"}, follow=True).content.decode()
    assert "Late cancel: the time is free again." in page
    client.post(reverse("appointment_cancel", args=[ours.pk]), {
        "version": 1, "reason": "practitioner ill", "by_clinic": "on"})
    soon.refresh_from_db()
    ours.refresh_from_db()
    assert (soon.status, soon.fee_due) == (Status.LATE_CANCEL, 40)
    assert (ours.status, ours.fee_due) == (Status.CANCELLED, None)
    again = client.post(reverse("appointment_cancel", args=[ours.pk]), {"version": 2},
                        follow=True)
    assert again.status_code == 200 and "cannot be cancelled" in again.content.decode()


def test_it_keeps_a_patient_from_moving_or_cancelling_on_the_clinic_s_pages(
        world: World, cal: Calendar, client_for) -> None:
    own = book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
               at(local_day(3), 9))
    client = client_for("patient_user")
    moved = client.post(reverse("appointment_move", args=[own.pk]), {
        "version": 1, "day": local_day(4).isoformat(), "time": "10:00",
        "practitioner": world.practitioner.pk})
    cancelled = client.post(reverse("appointment_cancel", args=[own.pk]), {"version": 1})
    assert (moved.status_code, cancelled.status_code) == (403, 403)
    own.refresh_from_db()
    assert own.status == Status.BOOKED and own.version == 1


def test_it_adds_to_and_removes_from_the_waitlist_on_its_page(world: World, cal: Calendar,
                                                              client_for) -> None:
    client = client_for("front_desk")
    url = reverse("waitlist")
    form = client.get(url, {"patient": world.patient.pk}).content.decode()
    assert "Add Ada Lovelace" in form
    refused = client.post(url, {
        "patient": world.patient.pk, "appointment_type": cal.follow_up.pk,
        "earliest": local_day(5).isoformat(), "latest": local_day(2).isoformat(),
        "note": "mornings"}).content.decode()
    assert "The latest day must not be before the earliest." in refused
    assert 'value="mornings"' in refused and not WaitlistEntry.objects.exists()
    added = client.post(url, {
        "patient": world.patient.pk, "appointment_type": cal.follow_up.pk,
        "practitioner": world.practitioner.pk, "note": "mornings"}, follow=True)
    listed = added.content.decode()
    assert "Ada Lovelace is on the waitlist." in listed and "Follow-up with Pat Lin" in listed
    entry = WaitlistEntry.objects.get()
    assert entry.status == WaitlistStatus.WAITING and entry.note == "mornings"
    gone = client.post(reverse("waitlist_remove", args=[entry.pk]), follow=True)
    assert "Removed from the waitlist." in gone.content.decode()
    entry.refresh_from_db()
    assert entry.status != WaitlistStatus.WAITING
    assert "Nobody is waiting." in client.get(url).content.decode()


def test_it_keeps_the_waitlist_to_the_clinic(world: World, cal: Calendar, client_for) -> None:
    from acuback.scheduling.services import waitlist_add

    entry = waitlist_add(actor=world.front_desk, patient=world.patient,
                         appointment_type_id=cal.follow_up.pk)
    outsider = client_for("outsider")
    assert "Ada Lovelace" not in outsider.get(reverse("waitlist")).content.decode()
    assert outsider.post(reverse("waitlist_remove", args=[entry.pk])).status_code == 404
    assert outsider.get(reverse("waitlist"), {"patient": world.patient.pk}).status_code == 404
    assert client_for("patient_user").get(reverse("waitlist")).status_code == 403
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING
