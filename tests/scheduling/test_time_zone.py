"""The next visit's time as the clinic's clock shows it, wherever it appears (patient list,
chart, portal, reminders), on both sides of a daylight-saving change, whatever the server's
own zone (ACUBACK_TIME_ZONE is London here, the clinic is in Los Angeles)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse

from acuback.reminders import texts
from acuback.scheduling.models import Appointment
from tests.personas import World
from tests.scheduling.factories import LA, Calendar, at, book, make_calendar, next_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def cal(world: World) -> Calendar:
    return make_calendar(world)


@pytest.fixture(params=["before", "after"])
def booked(request: pytest.FixtureRequest, world: World, cal: Calendar) -> Appointment:
    """Ada at 09:05 the day before the clocks go back in Los Angeles (UTC-7), or the day
    after (UTC-8): the same wall-clock time, instants an hour apart in UTC."""
    change = next_change(spring=False)
    day = change - dt.timedelta(days=1) if request.param == "before" else change + dt.timedelta(
        days=1)
    appointment = book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
                       at(day, 9, 5))
    offset = appointment.starts_at.astimezone(LA).utcoffset()
    assert offset == dt.timedelta(hours=-7 if request.param == "before" else -8)
    return appointment


@override_settings(TIME_ZONE="Europe/London")
def test_it_shows_the_clinic_s_time_on_the_patient_list(booked: Appointment,
                                                        client_for) -> None:
    html = client_for("front_desk").get(reverse("patient_list"), {"q": "lovelace"}).content
    cell = html.decode().split('data-testid="next-visit">')[1].split("</td>")[0]
    assert cell.endswith(", 09:05"), cell


@override_settings(TIME_ZONE="Europe/London")
def test_it_shows_the_clinic_s_time_on_the_chart(booked: Appointment, client_for) -> None:
    html = client_for("front_desk").get(
        reverse("patient_detail", args=[booked.patient_id])).content.decode()
    panel = html.split('data-testid="patient-appointments"')[1].split("</section>")[0]
    assert ", 09:05</a>" in panel


@override_settings(TIME_ZONE="Europe/London")
def test_it_shows_the_clinic_s_time_in_the_portal(booked: Appointment, client_for) -> None:
    html = client_for("patient_user").get(reverse("portal_home")).content.decode()
    card = html.split('data-testid="portal-appointments"')[1].split("</section>")[0]
    assert ", 09:05</strong>" in card


@override_settings(TIME_ZONE="Europe/London")
def test_it_says_the_clinic_s_time_in_reminders(booked: Appointment) -> None:
    reminder = texts.reminder(booked, "https://clinic.example/portal/", False)
    confirmation = texts.confirmation(booked, "https://clinic.example/portal/")
    for text in (reminder.subject, reminder.body, reminder.sms, confirmation.sms):
        assert "at 09:05" in text
