"""Reminders: due N hours before (per clinic), over real SMTP and the SMS gateway, nothing
about health in any message, opt-outs per channel, every message recorded, and sending twice
sends nothing twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from icalendar import Calendar

from acuback.patients.models import Patient
from acuback.reminders import services
from acuback.reminders.models import Message, MessageStatus
from acuback.scheduling.models import Appointment, ClinicSchedule
from acuback.scheduling.services import appointment_move
from tests.personas import World
from tests.reminders.conftest import Inbox
from tests.scheduling.factories import Calendar as Cal
from tests.scheduling.factories import at, book, local_day, make_calendar

# What the chart knows about Ada Lovelace and her episode; none of it may be in a message.
HEALTH_WORDS = ["pregnan", "pacemaker", "lumbar", "back pain", "M54", "Initial visit",
                "Follow-up", "episode", "RMDQ", "ODI", "score"]


class RejectingGateway:
    def send(self, to: str, text: str) -> str:
        from acuback.reminders.sms import SmsRejected

        raise SmsRejected(f"{to} is not a mobile number")


@pytest.fixture
def cal(world: World) -> Cal:
    c = make_calendar(world)
    Patient.objects.filter(pk=world.patient.pk).update(email="ada@example.org",
                                                       phone="+15550100")
    world.patient.refresh_from_db()
    return c


def _booked(world: World, cal: Cal, days: int = 2, hour: int = 9) -> Appointment:
    return book(world.front_desk, world.patient, world.practitioner, cal.initial,
                at(local_day(days), hour), cal.room1)


def test_it_emails_and_texts_what_is_due_without_health_detail(
        world: World, cal: Cal, inbox: Inbox, sms_log: Any) -> None:
    a = _booked(world, cal)
    count = services.reminders_send_due(now=a.starts_at - dt.timedelta(hours=23))
    assert count.as_dict() == {"sent": 2, "failed": 0}
    [mail] = inbox.to("ada@example.org")
    body = mail.get_body(("plain",)).get_content()
    assert "Riverside Acupuncture" in body and "Pat Lin" in body and "Hello Ada" in body
    text = sms_log.read_text()
    assert "+15550100" in text
    for said in (str(mail["Subject"]), body, text):
        assert not [w for w in HEALTH_WORDS if w.lower() in said.lower()], said
    ics = next(p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar")
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == a.starts_at
    assert "Initial" not in str(event.get("summary"))


def test_it_sends_nothing_twice(world: World, cal: Cal, inbox: Inbox, sms_log: Any) -> None:
    a = _booked(world, cal)
    now = a.starts_at - dt.timedelta(hours=2)
    assert services.reminders_send_due(now=now).sent == 2
    assert services.reminders_send_due(now=now).as_dict() == {"sent": 0, "failed": 0}
    assert services.reminders_send_due(now=now + dt.timedelta(hours=1)).sent == 0
    assert len(inbox.received) == 1 and Message.objects.count() == 2


def test_it_waits_for_the_clinic_s_reminder_hours(world: World, cal: Cal, inbox: Inbox,
                                                  sms_log: Any) -> None:
    ClinicSchedule.objects.filter(clinic=world.clinic_a).update(reminder_hours=48)
    a = _booked(world, cal, days=4)
    early = a.starts_at - dt.timedelta(hours=48, seconds=1)
    assert services.reminders_send_due(now=early).sent == 0
    assert services.reminders_send_due(now=early + dt.timedelta(seconds=1)).sent == 2


def test_it_never_reminds_of_a_cancelled_or_past_appointment(world: World, cal: Cal,
                                                             inbox: Inbox, sms_log: Any) -> None:
    from acuback.scheduling.services import appointment_cancel

    a = _booked(world, cal)
    appointment_cancel(actor=world.front_desk, appointment=a, version=1)
    assert services.reminders_send_due(now=a.starts_at - dt.timedelta(hours=1)).sent == 0
    b = _booked(world, cal, hour=11)
    assert services.reminders_send_due(now=b.starts_at).sent == 0


def test_it_respects_an_opt_out_per_channel(world: World, cal: Cal, inbox: Inbox,
                                            sms_log: Any) -> None:
    services.preference_set(actor=world.patient_user, patient=world.patient, channel="email",
                            opted_out=True)
    a = _booked(world, cal)
    assert services.reminders_send_due(now=a.starts_at - dt.timedelta(hours=1)).sent == 1
    assert inbox.received == [] and "+15550100" in sms_log.read_text()
    assert list(Message.objects.values_list("channel", flat=True)) == ["sms"]


def test_the_chart_shows_each_channels_preference_of_this_patient(world: World) -> None:
    # preferences_of is a hand-written statement: its patient clause decides what is shown.
    assert services.preferences_of(world.patient) == {"email": False, "sms": False}
    services.preference_set(actor=world.front_desk, patient=world.patient, channel="email",
                            opted_out=True)
    services.preference_set(actor=world.front_desk, patient=world.other_patient, channel="sms",
                            opted_out=True)
    found = services.preferences_of(world.patient)
    assert found == {"email": True, "sms": False}
    assert all(isinstance(off, bool) for off in found.values())
    services.preference_set(actor=world.front_desk, patient=world.patient, channel="email",
                            opted_out=False)
    assert services.preferences_of(world.patient) == {"email": False, "sms": False}


def test_it_records_a_bounce_and_never_tries_it_again(world: World, cal: Cal, inbox: Inbox,
                                                      settings: Any) -> None:
    from acuback.reminders.sms import gateway

    settings.SMS_GATEWAY = "tests.reminders.test_reminders.RejectingGateway"
    gateway.cache_clear()
    Patient.objects.filter(pk=world.patient.pk).update(email="bounce@example.org")
    a = _booked(world, cal)
    now = a.starts_at - dt.timedelta(hours=1)
    assert services.reminders_send_due(now=now).as_dict() == {"sent": 0, "failed": 2}
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.BOUNCED}
    assert inbox.refused == ["bounce@example.org"]
    assert services.reminders_send_due(now=now).as_dict() == {"sent": 0, "failed": 0}
    gateway.cache_clear()


def test_it_records_a_failure_and_tries_again_later(world: World, cal: Cal, inbox: Inbox,
                                                    settings: Any, sms_log: Any) -> None:
    from tests.served import free_port

    services.preference_set(actor=world.front_desk, patient=world.patient, channel="sms",
                            opted_out=True)
    a = _booked(world, cal)
    now = a.starts_at - dt.timedelta(hours=1)
    settings.EMAIL_PORT = free_port()  # nobody listens there
    assert services.reminders_send_due(now=now).as_dict() == {"sent": 0, "failed": 1}
    failed = Message.objects.get()
    assert failed.status == MessageStatus.FAILED and failed.error
    settings.EMAIL_PORT = inbox.port
    assert services.reminders_send_due(now=now).as_dict() == {"sent": 1, "failed": 0}
    failed.refresh_from_db()
    assert failed.status == MessageStatus.SENT and failed.attempts == 2


def test_it_reminds_again_of_a_moved_appointment(world: World, cal: Cal, inbox: Inbox,
                                                 sms_log: Any) -> None:
    a = _booked(world, cal)
    services.reminders_send_due(now=a.starts_at - dt.timedelta(hours=1))
    moved = appointment_move(actor=world.front_desk, appointment=a, version=1,
                             starts_at=at(local_day(2), 14))
    assert services.reminders_send_due(now=moved.starts_at - dt.timedelta(hours=1)).sent == 2
    assert len(inbox.received) == 2


def test_it_confirms_a_booking_with_the_ics(world: World, cal: Cal, inbox: Inbox) -> None:
    a = _booked(world, cal)
    assert services.confirmation_send(a.pk).sent == 1
    assert services.confirmation_send(a.pk).sent == 0
    [mail] = inbox.received
    assert str(mail["Subject"]).startswith("Booked:")
    assert any(p.get_content_type() == "text/calendar" for p in mail.iter_attachments())


def test_it_links_the_questionnaires_due_without_naming_them(world: World, cal: Cal,
                                                             inbox: Inbox, sms_log: Any) -> None:
    a = _booked(world, cal)  # Ada's lumbar episode: its baseline questionnaires are due
    services.reminders_send_due(now=a.starts_at - dt.timedelta(hours=1))
    body = inbox.received[0].get_body(("plain",)).get_content()
    assert "answer the short questions waiting for you: http" in body and "/portal/" in body
    assert "Roland" not in body and "RMDQ" not in body


def test_it_links_a_questionnaire_the_plan_itself_asks(world: World, cal: Cal,
                                                       inbox: Inbox, sms_log: Any) -> None:
    from acuback.plans.services import Questionnaire, Reassess
    from tests.plans.factories import save
    from tests.screening.factories import screen
    from tests.visits.factories import start

    screen(world.practitioner, world.episode)
    save(world.practitioner, world.episode, reassess=Reassess(after_session=5))
    start(world, world.episode)  # one visit held: the defaults ask nothing before visit 6
    first = _booked(world, cal, days=2)
    services.reminders_send_due(now=first.starts_at - dt.timedelta(hours=1))
    [mail] = inbox.to("ada@example.org")
    assert "questions waiting" not in mail.get_body(("plain",)).get_content()
    save(world.practitioner, world.episode, based_on=1, reassess=Reassess(after_session=5),
         questionnaires=[Questionnaire("phq9", "before_visit", 2)])
    second = _booked(world, cal, days=3)
    services.reminders_send_due(now=second.starts_at - dt.timedelta(hours=1))
    body = inbox.to("ada@example.org")[-1].get_body(("plain",)).get_content()
    assert "answer the short questions waiting for you: http" in body
    assert "PHQ" not in body  # linked, never named
