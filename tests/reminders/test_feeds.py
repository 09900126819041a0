"""A practitioner's private calendar feed (revocable, initials only) and staff switching a
patient's reminders off per channel."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from acuback.reminders.models import ContactPreference
from tests.personas import World
from tests.scheduling.factories import Calendar as Cal
from tests.scheduling.factories import at, book, local_day, make_calendar


@pytest.fixture
def cal(world: World) -> Cal:
    return make_calendar(world)


def _new_feed(client: Client) -> str:
    page = client.post(reverse("calendar_feeds")).content.decode()
    return re.search(r'data-testid="feed-url">([^<]+)<', page).group(1)  # type: ignore[union-attr]


def test_it_serves_the_feed_without_a_login_and_with_initials_only(world: World, cal: Cal,
                                                                    client_for) -> None:
    mine = book(world.front_desk, world.patient, world.practitioner, cal.initial,
                at(local_day(2), 9))
    book(world.front_desk, world.other_patient, world.owner, cal.initial, at(local_day(2), 9))
    url = _new_feed(client_for("practitioner"))
    response = Client().get(url.replace("http://testserver", ""))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Initial visit: A. L."]
    assert events[0].decoded("dtstart") == mine.starts_at
    assert b"Lovelace" not in response.content and b"Hopper" not in response.content


def test_it_stops_a_revoked_feed(world: World, cal: Cal, client_for) -> None:
    client = client_for("practitioner")
    path = _new_feed(client).replace("http://testserver", "")
    feed_id = world.practitioner.calendar_feeds.get().pk
    client.post(reverse("calendar_feed_revoke", args=[feed_id]))
    assert Client().get(path).status_code == 404
    assert Client().get(path.replace(".ics", "x.ics")).status_code == 404


def test_it_gives_the_front_desk_no_feed(world: World, client_for) -> None:
    assert client_for("front_desk").post(reverse("calendar_feeds")).status_code == 403


def test_it_lets_staff_switch_reminders_off_per_channel(world: World, cal: Cal,
                                                        client_for) -> None:
    url = reverse("message_preference", args=[world.patient.pk])
    response = client_for("front_desk").post(url, {"channel": "sms", "opted_out": "1"})
    assert response.status_code == 302
    assert ContactPreference.objects.get(patient=world.patient).channel == "sms"
    page = client_for("front_desk").get(reverse("patient_detail", args=[world.patient.pk]))
    assert "Text reminders: <strong>off</strong>" in page.content.decode()
    assert client_for("outsider").post(url, {"channel": "email", "opted_out": "1"}
                                       ).status_code == 404
