"""A freed time (cancel, late cancel, move) offered to the waitlist in order, through the
reminders' channels: no health detail, each offer recorded once, opt-outs respected; the
patient takes it in the portal, the front desk from the freed appointment's page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from acuback.patients.models import Patient
from acuback.reminders import services
from acuback.reminders.models import Channel, Message, MessageKind
from acuback.reminders.services import preference_set
from acuback.scheduling import services as calendar
from acuback.scheduling.models import Appointment, Status, WaitlistEntry, WaitlistStatus
from tests.personas import World, make_patient
from tests.reminders.conftest import Inbox
from tests.reminders.test_reminders import HEALTH_WORDS
from tests.scheduling.factories import Calendar, at, book, local_day, make_calendar


@pytest.fixture
def cal(world: World) -> Calendar:
    return make_calendar(world)


@pytest.fixture
def waiting(world: World, cal: Calendar) -> list[Patient]:
    """Three patients on the waitlist, in this order: Ada (email and text), Grace (email),
    Edith (who wants another practitioner: the freed time does not fit her)."""
    Patient.objects.filter(pk=world.patient.pk).update(email="ada@example.org",
                                                       phone="+12025550143")
    Patient.objects.filter(pk=world.other_patient.pk).update(email="grace@example.org")
    edith = make_patient(world.front_desk, "Edith", "Clarke")
    Patient.objects.filter(pk=edith.pk).update(email="edith@example.org")
    people = [Patient.objects.get(pk=p.pk) for p in (world.patient, world.other_patient, edith)]
    for patient in people:
        calendar.waitlist_add(actor=world.front_desk, patient=patient,
                              appointment_type_id=cal.follow_up.pk,
                              practitioner_id=(world.owner if patient == edith
                                               else world.practitioner).pk)
    return people


@pytest.fixture
def freed(world: World, cal: Calendar, waiting: list[Patient]) -> Appointment:
    """Someone else's initial visit in two days, cancelled."""
    other = make_patient(world.front_desk, "Mary", "Somerville")
    booked = book(world.front_desk, other, world.practitioner, cal.initial,
                  at(local_day(2), 11), cal.room1)
    return calendar.appointment_cancel(actor=world.front_desk, appointment=booked,
                                       version=booked.version, reason="away")


def test_it_offers_a_cancelled_time_in_order_on_each_channel(freed: Appointment, inbox: Inbox,
                                                             sms_log: Any) -> None:
    count = services.waitlist_offers_send(freed.pk, freed.starts_at)
    assert count.as_dict() == {"sent": 3, "failed": 0}  # Ada x2, Grace; never Edith
    offers = list(Message.objects.filter(kind=MessageKind.WAITLIST_OFFER).order_by("id"))
    assert [m.to for m in offers] == ["ada@example.org", "+12025550143", "grace@example.org"]
    [mail] = inbox.to("ada@example.org")
    assert not list(mail.iter_attachments())  # someone else's appointment: no .ics
    body = mail.get_body(("plain",)).get_content()
    assert "11:00" in body and "/portal/book/?appointment_type=" in body
    for said in (str(mail["Subject"]), body, sms_log.read_text()):
        assert not [w for w in [*HEALTH_WORDS, "Somerville", "away"] if w.lower() in said.lower()]


def test_it_records_each_offer_once(freed: Appointment, inbox: Inbox, sms_log: Any) -> None:
    services.waitlist_offers_send(freed.pk, freed.starts_at)
    again = services.waitlist_offers_send(freed.pk, freed.starts_at)
    assert again.as_dict() == {"sent": 0, "failed": 0}
    assert Message.objects.filter(kind=MessageKind.WAITLIST_OFFER).count() == 3
    assert len(inbox.received) == 2


def test_it_respects_an_opt_out(world: World, freed: Appointment, inbox: Inbox,
                                sms_log: Any) -> None:
    preference_set(actor=world.front_desk, patient=world.patient, channel=Channel.SMS,
                   opted_out=True)
    services.waitlist_offers_send(freed.pk, freed.starts_at)
    assert not Message.objects.filter(kind=MessageKind.WAITLIST_OFFER,
                                      channel=Channel.SMS).exists()


def test_it_offers_nothing_once_the_time_is_taken_again(world: World, cal: Calendar,
                                                        freed: Appointment, inbox: Inbox,
                                                        sms_log: Any) -> None:
    book(world.front_desk, world.other_patient, world.practitioner, cal.follow_up,
         freed.starts_at)
    assert services.waitlist_offers_send(freed.pk, freed.starts_at).as_dict()["sent"] == 0


def test_it_queues_the_offers_when_a_cancel_or_a_move_frees_a_time(
        world: World, cal: Calendar, django_capture_on_commit_callbacks: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    booked = book(world.front_desk, world.patient, world.practitioner, cal.initial,
                  at(local_day(3), 9))
    before = DBTaskResult.objects.filter(task_path__endswith="send_waitlist_offers").count()
    with django_capture_on_commit_callbacks(execute=True):
        calendar.appointment_move(actor=world.front_desk, appointment=booked,
                                  starts_at=at(local_day(4), 9), version=booked.version)
    with django_capture_on_commit_callbacks(execute=True):
        calendar.appointment_cancel(actor=world.front_desk, appointment=booked,
                                    version=booked.version)  # refreshed by the move
    queued = DBTaskResult.objects.filter(task_path__endswith="send_waitlist_offers")
    assert queued.count() == before + 2


def test_the_patient_takes_the_offer_in_the_portal(world: World, cal: Calendar,
                                                   freed: Appointment, client_for) -> None:
    client = client_for("patient_user")
    page = client.get(reverse("portal_book"), {
        "appointment_type": cal.follow_up.pk, "practitioner": world.practitioner.pk,
        "day": local_day(2).isoformat()})
    # The offer's link opens this page: the freed time is among the free ones.
    assert f'value="{freed.starts_at.isoformat()}"' in page.content.decode()
    taken = calendar.portal_request(actor=world.patient_user,
                                    appointment_type_id=cal.follow_up.pk,
                                    practitioner_id=world.practitioner.pk,
                                    starts_at=freed.starts_at)
    entry = WaitlistEntry.objects.get(patient=world.patient)
    assert entry.status == WaitlistStatus.BOOKED and entry.booked_id == taken.pk


def test_the_front_desk_takes_the_offer_for_the_patient(world: World, cal: Calendar,
                                                        freed: Appointment,
                                                        client_for) -> None:
    client = client_for("front_desk")
    detail = client.get(reverse("appointment_detail", args=[freed.pk])).content.decode()
    entry = WaitlistEntry.objects.get(patient=world.other_patient)
    assert f'data-testid="take-offer-{entry.pk}"' in detail
    local = freed.starts_at.astimezone(cal.schedule.tz)
    response = client.post(f"{reverse('appointment_book')}?waitlist={entry.pk}", {
        "patient": world.other_patient.pk, "practitioner": world.practitioner.pk,
        "appointment_type": cal.follow_up.pk, "day": local.date().isoformat(),
        "time": local.strftime("%H:%M")})
    assert response.status_code == 302, response.content[:500]
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.BOOKED
    assert Appointment.objects.get(pk=entry.booked_id).status == Status.BOOKED


def test_it_never_offers_a_time_already_past(world: World, freed: Appointment) -> None:
    past = freed.starts_at - dt.timedelta(days=30)
    assert services.waitlist_offers_send(freed.pk, past).as_dict()["sent"] == 0


def test_it_offers_the_first_practitioner_s_time_when_a_move_gives_it_to_another(
        world: World, cal: Calendar, waiting: list[Patient], inbox: Inbox, sms_log: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    """Moved to the owner at the same hour: the time that came free is the practitioner's, so
    Ada and Grace (waiting for the practitioner) are offered it, not Edith (waiting for the
    owner, whose hour is now taken)."""
    from django_tasks_db.models import DBTaskResult

    other = make_patient(world.front_desk, "Mary", "Somerville")
    booked = book(world.front_desk, other, world.practitioner, cal.initial,
                  at(local_day(2), 11), cal.room1)
    with django_capture_on_commit_callbacks(execute=True):
        calendar.appointment_move(actor=world.front_desk, appointment=booked,
                                  starts_at=booked.starts_at, version=booked.version,
                                  practitioner_id=world.owner.pk)
    task = DBTaskResult.objects.filter(task_path__endswith="send_waitlist_offers").latest("pk")
    freed_id, starts_at, practitioner_id = task.args_kwargs["args"]
    assert (freed_id, practitioner_id) == (booked.pk, world.practitioner.pk)
    count = services.waitlist_offers_send(freed_id, dt.datetime.fromisoformat(starts_at),
                                          practitioner_id=practitioner_id)
    assert count.as_dict() == {"sent": 3, "failed": 0}
    offers = Message.objects.filter(kind=MessageKind.WAITLIST_OFFER)
    assert sorted(offers.values_list("to", flat=True)) == [
        "+12025550143", "ada@example.org", "grace@example.org"]
    assert world.practitioner.get_full_name() in inbox.to("ada@example.org")[0].get_body(
        ("plain",)).get_content()
