"""Booking rules at their boundaries: overlaps of practitioner, room and patient, working
hours, daylight-saving changes, moves, cancels and late cancels, status steps, versions."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.accounts.access import Forbidden, NotFound
from acuback.audit.models import AuditEntry
from acuback.errors import ConflictError, InputError
from acuback.scheduling import services
from acuback.scheduling.models import Appointment, Status
from tests.personas import World, make_patient
from tests.scheduling.factories import LA, Calendar, at, book, local_day, make_calendar, next_change


@pytest.fixture
def cal(world: World) -> Calendar:
    return make_calendar(world)


def test_it_books_an_appointment_for_the_type_s_length(world: World, cal: Calendar) -> None:
    day = local_day(2)
    booked = book(world.front_desk, world.patient, world.practitioner, cal.initial,
                  at(day, 9), cal.room1)
    assert booked.status == Status.BOOKED
    assert booked.starts_at.astimezone(LA) == dt.datetime.combine(day, dt.time(9), tzinfo=LA)
    assert booked.ends_at - booked.starts_at == dt.timedelta(minutes=60)
    assert AuditEntry.objects.filter(object_type="appointment", object_id=str(booked.pk),
                                     action="create").exists()


def test_it_refuses_the_practitioner_twice_at_once(world: World, cal: Calendar) -> None:
    day = local_day(2)
    first = book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 9))
    with pytest.raises(services.BookingConflict) as caught:
        book(world.front_desk, world.other_patient, world.practitioner, cal.follow_up,
             at(day, 9, 45))
    clash = caught.value.clashes[0]
    assert clash.kind == "practitioner" and clash.appointment_id == first.pk
    assert Appointment.objects.count() == 1


def test_it_lets_the_next_appointment_start_when_one_ends(world: World, cal: Calendar) -> None:
    day = local_day(2)
    book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 9), cal.room1)
    after = book(world.front_desk, world.other_patient, world.practitioner, cal.follow_up,
                 at(day, 10), cal.room1)
    assert after.pk


def test_it_refuses_one_minute_of_overlap(world: World, cal: Calendar) -> None:
    day = local_day(2)
    book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 9))
    with pytest.raises(services.BookingConflict):
        book(world.front_desk, world.other_patient, world.practitioner, cal.follow_up,
             at(day, 9, 59))


def test_it_refuses_a_room_in_use_with_another_practitioner(world: World, cal: Calendar) -> None:
    day = local_day(2)
    book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 9), cal.room1)
    with pytest.raises(services.BookingConflict) as caught:
        book(world.front_desk, world.other_patient, world.owner, cal.follow_up, at(day, 9, 30),
             cal.room1)
    assert [c.kind for c in caught.value.clashes] == ["room"]


def test_it_books_another_room_at_the_same_time(world: World, cal: Calendar) -> None:
    day = local_day(2)
    book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 9), cal.room1)
    other = book(world.front_desk, world.other_patient, world.owner, cal.follow_up,
                 at(day, 9, 30), cal.room2)
    assert other.room == cal.room2


def test_it_refuses_the_patient_in_two_places(world: World, cal: Calendar) -> None:
    day = local_day(2)
    book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 9), cal.room1)
    with pytest.raises(services.BookingConflict) as caught:
        book(world.front_desk, world.patient, world.owner, cal.follow_up, at(day, 9, 30),
             cal.room2)
    assert [c.kind for c in caught.value.clashes] == ["patient"]


def test_it_frees_the_time_of_a_cancelled_appointment(world: World, cal: Calendar) -> None:
    day = local_day(5)
    first = book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 9))
    services.appointment_cancel(actor=world.front_desk, appointment=first, version=1)
    again = book(world.front_desk, world.other_patient, world.practitioner, cal.initial,
                 at(day, 9))
    assert again.pk != first.pk


def test_it_refuses_outside_working_hours_unless_asked(world: World, cal: Calendar) -> None:
    day = local_day(2)
    with pytest.raises(services.BookingConflict) as caught:
        book(world.front_desk, world.patient, world.practitioner, cal.follow_up, at(day, 17, 45))
    assert caught.value.clashes[0].kind == "outside_hours"
    late = book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
                at(day, 17, 45), allow_outside_hours=True)
    assert late.pk
    edge = book(world.front_desk, world.other_patient, world.practitioner, cal.follow_up,
                at(day, 17, 15))
    assert edge.ends_at.astimezone(LA).time() == dt.time(17, 45)


def test_it_refuses_a_time_skipped_by_the_clocks(world: World, cal: Calendar) -> None:
    day = next_change(spring=True)
    with pytest.raises(InputError) as caught:
        book(world.front_desk, world.patient, world.practitioner, cal.follow_up, at(day, 2, 30),
             allow_outside_hours=True)
    assert "does not exist" in caught.value.errors["starts_at"][0]


def test_it_sees_a_clash_across_the_autumn_change(world: World, cal: Calendar) -> None:
    day = next_change(spring=False)
    first = book(world.front_desk, world.patient, world.practitioner, cal.initial,
                 at(day, 1, 30), allow_outside_hours=True)
    # 60 minutes from 01:30 PDT end at 01:30 PST; 01:15 PST (an explicit offset) overlaps.
    pst = dt.datetime.combine(day, dt.time(1, 15), tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    with pytest.raises(services.BookingConflict):
        book(world.front_desk, world.other_patient, world.practitioner, cal.follow_up, pst,
             allow_outside_hours=True)
    assert first.ends_at - first.starts_at == dt.timedelta(hours=1)
    after = book(world.front_desk, world.other_patient, world.practitioner, cal.follow_up,
                 pst + dt.timedelta(minutes=15), allow_outside_hours=True)
    assert after.starts_at == first.ends_at


def test_it_refuses_a_time_before_today(world: World, cal: Calendar) -> None:
    with pytest.raises(InputError):
        book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
             at(local_day(-1), 10))


def test_it_refuses_references_of_another_clinic(world: World, cal: Calendar) -> None:
    with pytest.raises(InputError) as caught:
        book(world.front_desk, world.patient_b, world.outsider, cal.follow_up, at(local_day(2), 9))
    assert {"patient_id", "practitioner_id"} <= set(caught.value.errors)


def test_it_refuses_a_patient_and_another_clinic(world: World, cal: Calendar) -> None:
    with pytest.raises(Forbidden):
        book(world.patient_user, world.patient, world.practitioner, cal.follow_up,
             at(local_day(2), 9))
    with pytest.raises(InputError) as caught:  # clinic B's staff: no such patient for them
        book(world.outsider, world.patient, world.practitioner, cal.follow_up,
             at(local_day(2), 9))
    assert {"patient_id", "practitioner_id"} <= set(caught.value.errors)
    assert Appointment.objects.count() == 0


def test_it_moves_and_checks_clashes_without_itself(world: World, cal: Calendar) -> None:
    day = local_day(3)
    a = book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 9))
    moved = services.appointment_move(actor=world.front_desk, appointment=a,
                                      starts_at=at(day, 9, 30), version=1)
    assert moved.starts_at.astimezone(LA).time() == dt.time(9, 30) and moved.version == 2
    b = book(world.front_desk, world.other_patient, world.practitioner, cal.follow_up,
             at(day, 11))
    with pytest.raises(services.BookingConflict):
        services.appointment_move(actor=world.front_desk, appointment=b,
                                  starts_at=at(day, 10), version=1)


def test_it_refuses_a_stale_version(world: World, cal: Calendar) -> None:
    day = local_day(3)
    a = book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 9))
    services.appointment_move(actor=world.front_desk, appointment=a, starts_at=at(day, 12),
                              version=1)
    stale = Appointment.objects.get(pk=a.pk)
    stale.version = 1
    with pytest.raises(ConflictError):
        services.appointment_cancel(actor=world.front_desk, appointment=stale, version=1)


def test_it_makes_a_cancel_inside_the_notice_period_late(world: World, cal: Calendar) -> None:
    day = local_day(3)
    a = book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 9))
    notice_ends = a.starts_at - dt.timedelta(hours=24)
    on_time = services.appointment_cancel(actor=world.front_desk, appointment=a, version=1,
                                          now=notice_ends)
    assert on_time.status == Status.CANCELLED and on_time.fee_due is None
    b = book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 9))
    late = services.appointment_cancel(actor=world.front_desk, appointment=b, version=1,
                                       now=notice_ends + dt.timedelta(seconds=1))
    assert late.status == Status.LATE_CANCEL and late.fee_due == 40


def test_it_never_charges_a_cancel_by_the_clinic(world: World, cal: Calendar) -> None:
    a = book(world.front_desk, world.patient, world.practitioner, cal.initial,
             at(local_day(0), 17), allow_outside_hours=True)
    done = services.appointment_cancel(actor=world.front_desk, appointment=a, version=1,
                                       by_clinic=True)
    assert done.status == Status.CANCELLED and done.fee_due is None


def test_it_walks_the_status_steps(world: World, cal: Calendar) -> None:
    a = book(world.front_desk, world.patient, world.practitioner, cal.initial, at(local_day(2), 9))
    for n, status in enumerate([Status.ARRIVED, Status.IN_TREATMENT, Status.COMPLETED], start=1):
        a = services.appointment_set_status(actor=world.front_desk, appointment=a,
                                            status=status, version=n)
    assert a.status == Status.COMPLETED
    with pytest.raises(ConflictError):
        services.appointment_cancel(actor=world.front_desk, appointment=a, version=a.version)


def test_it_refuses_a_step_that_skips(world: World, cal: Calendar) -> None:
    a = book(world.front_desk, world.patient, world.practitioner, cal.initial, at(local_day(2), 9))
    with pytest.raises(ConflictError):
        services.appointment_set_status(actor=world.front_desk, appointment=a,
                                        status=Status.COMPLETED, version=1)
    with pytest.raises(InputError):
        services.appointment_set_status(actor=world.front_desk, appointment=a,
                                        status=Status.CANCELLED, version=1)


def test_it_records_the_no_show_fee_and_clears_it_on_undo(world: World, cal: Calendar) -> None:
    a = book(world.front_desk, world.patient, world.practitioner, cal.initial, at(local_day(2), 9))
    a = services.appointment_set_status(actor=world.front_desk, appointment=a,
                                        status=Status.NO_SHOW, version=1)
    assert a.fee_due == 60
    a = services.appointment_set_status(actor=world.front_desk, appointment=a,
                                        status=Status.BOOKED, version=2)
    assert a.fee_due is None


def test_it_answers_not_found_for_another_clinic_s_appointment(world: World, cal: Calendar,
                                                               ) -> None:
    a = book(world.front_desk, world.patient, world.practitioner, cal.initial, at(local_day(2), 9))
    with pytest.raises(NotFound):
        services.appointment_cancel(actor=world.outsider, appointment=a, version=1)
    with pytest.raises(NotFound):
        services.appointment_set_status(actor=world.outsider, appointment=a,
                                        status=Status.ARRIVED, version=1)
    assert AuditEntry.objects.filter(object_type="appointment", outcome="not_found").exists()


def test_it_offers_a_freed_time_to_the_waitlist_in_order(world: World, cal: Calendar) -> None:
    from acuback.scheduling import selectors

    day = local_day(4)
    a = book(world.front_desk, world.patient, world.practitioner, cal.initial, at(day, 9))
    third = make_patient(world.practitioner, "Mary", "Somerville")
    first = services.waitlist_add(actor=world.front_desk, patient=world.other_patient,
                                  appointment_type_id=cal.follow_up.pk)
    services.waitlist_add(actor=world.front_desk, patient=third,
                          appointment_type_id=cal.follow_up.pk, practitioner_id=world.owner.pk)
    later = services.waitlist_add(actor=world.front_desk, patient=third,
                                  appointment_type_id=cal.initial.pk, earliest=day)
    services.waitlist_add(actor=world.front_desk, patient=third,
                          appointment_type_id=cal.initial.pk, latest=day - dt.timedelta(days=1))
    freed = services.appointment_cancel(actor=world.front_desk, appointment=a, version=1)
    offers = selectors.waitlist_offers(actor=world.front_desk, freed=freed)
    assert [e.pk for e in offers] == [first.pk, later.pk]
    booked = book(world.front_desk, world.other_patient, world.practitioner, cal.follow_up,
                  at(day, 9), waitlist_entry=first)
    first.refresh_from_db()
    assert first.status == "booked" and first.booked_id == booked.pk
