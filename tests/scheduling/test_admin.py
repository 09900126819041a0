"""Owners keep their clinic's calendar settings in the admin; appointments stay read-only."""

from __future__ import annotations

from django.urls import reverse

from acuback.scheduling.models import Room
from tests.personas import World
from tests.scheduling.factories import at, book, local_day, make_calendar


def test_it_lets_an_owner_add_a_room_to_their_own_clinic(world: World, client_for) -> None:
    response = client_for("owner").post(reverse("admin:scheduling_room_add"),
                                        {"name": "Quiet room", "position": 3, "active": "on"})
    assert response.status_code == 302, response.content
    assert Room.objects.get(name="Quiet room").clinic_id == world.clinic_a.pk


def test_it_shows_an_owner_only_their_rooms(world: World, client_for) -> None:
    make_calendar(world)
    Room.objects.create(clinic=world.clinic_b, name="Hillview room")
    page = client_for("owner").get(reverse("admin:scheduling_room_changelist")).content.decode()
    assert "Room 1" in page and "Hillview room" not in page


def test_it_keeps_appointments_read_only(world: World, client_for) -> None:
    cal = make_calendar(world)
    a = book(world.front_desk, world.patient, world.practitioner, cal.initial,
             at(local_day(2), 9))
    url = reverse("admin:scheduling_appointment_change", args=[a.pk])
    page = client_for("owner").get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
