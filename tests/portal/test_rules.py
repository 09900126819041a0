"""The clinic's rules for what a patient may book and cancel in the portal, at their edges,
through the portal's pages: requests confirmed by the clinic or booked at once, a clinic that
books by phone only, how far ahead, types offered online, a time just taken, working hours,
and the cancellation notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from acuback.scheduling.models import Appointment, AppointmentType, ClinicSchedule, Status
from tests.personas import World
from tests.scheduling.factories import LA, Calendar, at, book, local_day, make_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def cal(world: World) -> Calendar:
    return make_calendar(world)


def _rules(world: World, **rules: object) -> None:
    ClinicSchedule.objects.filter(clinic=world.clinic_a).update(**rules)


def _ask(client, cal: Calendar, world: World, starts_at: dt.datetime,  # noqa: ANN001
         kind: AppointmentType | None = None) -> str:
    """Ask for `starts_at` (aware) in the portal; the page the patient lands on."""
    response = client.post(reverse("portal_book"), {
        "appointment_type": (kind or cal.follow_up).pk, "practitioner": world.practitioner.pk,
        "starts_at": starts_at.isoformat()}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LA)


def test_it_holds_a_request_for_the_clinic_when_its_rules_say_so(world: World, cal: Calendar,
                                                                 client_for) -> None:
    page = _ask(client_for("patient_user"), cal, world, _aware(local_day(3), 10))
    assert "The clinic will confirm it" in page
    assert Appointment.objects.get().status == Status.REQUESTED


def test_it_books_at_once_when_the_clinic_needs_no_approval(world: World, cal: Calendar,
                                                            client_for) -> None:
    _rules(world, requests_need_approval=False)
    page = _ask(client_for("patient_user"), cal, world, _aware(local_day(3), 10))
    assert "Your appointment is booked." in page
    booked = Appointment.objects.get()
    assert booked.status == Status.BOOKED and booked.source == "portal"


def test_it_sends_the_patient_to_the_phone_when_the_clinic_takes_no_requests(
        world: World, cal: Calendar, client_for) -> None:
    _rules(world, portal_requests=False)
    client = client_for("patient_user")
    page = client.get(reverse("portal_book")).content.decode()
    assert "books appointments by phone" in page and 'name="starts_at"' not in page
    _ask(client, cal, world, _aware(local_day(3), 10))
    assert not Appointment.objects.exists()


def test_it_takes_a_request_up_to_the_clinic_s_horizon_and_no_further(world: World,
                                                                      cal: Calendar,
                                                                      client_for) -> None:
    _rules(world, portal_book_days=14)
    client = client_for("patient_user")
    now = timezone.now()
    # 10:00 on the day 13 days from now is always inside 14 days; 10:00 15 days on, never.
    inside = now + dt.timedelta(days=13)
    inside_day = inside.astimezone(LA).date()
    page = _ask(client, cal, world, _aware(inside_day, 10))
    assert "The clinic will confirm it" in page, page
    beyond = _aware(local_day(15), 10)
    page = _ask(client, cal, world, beyond)
    assert "Choose a time in the next 14 days." in page
    assert Appointment.objects.count() == 1


def test_it_offers_and_takes_only_the_types_booked_online(world: World, cal: Calendar,
                                                          client_for) -> None:
    AppointmentType.objects.filter(pk=cal.initial.pk).update(bookable_online=False)
    client = client_for("patient_user")
    form = client.get(reverse("portal_book")).content.decode()
    assert "Follow-up" in form and "Initial visit" not in form
    page = _ask(client, cal, world, _aware(local_day(3), 10), kind=cal.initial)
    assert "Choose one of the appointments offered online." in page
    assert not Appointment.objects.exists()


def test_it_refuses_a_time_just_taken_without_naming_who_has_it(world: World, cal: Calendar,
                                                                client_for) -> None:
    day = local_day(3)
    taken = book(world.front_desk, world.other_patient, world.practitioner, cal.follow_up,
                 at(day, 10))
    page = _ask(client_for("patient_user"), cal, world, _aware(day, 10))
    assert "That time has just been taken" in page, page
    assert f"#{taken.pk}" not in page and "Grace" not in page and "Hopper" not in page
    assert Appointment.objects.count() == 1


def test_it_never_books_a_patient_outside_working_hours(world: World, cal: Calendar,
                                                        client_for) -> None:
    page = _ask(client_for("patient_user"), cal, world, _aware(local_day(3), 17, 45))
    assert "That time could not be booked" in page
    assert "outside the practitioner&#x27;s hours" in page
    assert not Appointment.objects.exists()


def test_it_lets_the_patient_cancel_up_to_the_notice_and_not_after(world: World,
                                                                   cal: Calendar,
                                                                   client_for) -> None:
    from acuback.scheduling.services import portal_cancel

    _rules(world, portal_cancel_hours=48)
    a = book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
             at(local_day(5), 10))
    b = book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
             at(local_day(5), 11))
    notice = a.starts_at - dt.timedelta(hours=48)
    with pytest.raises(Exception, match="48 hours before"):
        portal_cancel(actor=world.patient_user, appointment=a,
                      now=notice + dt.timedelta(seconds=1))
    assert portal_cancel(actor=world.patient_user, appointment=a,
                         now=notice).status == Status.CANCELLED
    # The page says the same; a second cancel of the same appointment is answered, not a 500.
    client = client_for("patient_user")
    home = client.get(reverse("portal_home")).content.decode()
    assert reverse("portal_cancel", args=[b.pk]) in home
    client.post(reverse("portal_cancel", args=[b.pk]))
    b.refresh_from_db()
    assert b.status == Status.CANCELLED
    again = client.post(reverse("portal_cancel", args=[b.pk]), follow=True)
    assert again.status_code == 200
    assert "This appointment is cancelled; nothing was changed." in again.content.decode()
