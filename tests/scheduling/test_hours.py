"""The working-hours page: who may change whose week, the clash rules (overlapping shifts,
a shift that ends before it starts, booked appointments the new hours leave out), bad input
kept, and another clinic's practitioner not found."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from acuback.accounts.access import Forbidden
from acuback.clinical import calendar
from acuback.errors import InputError
from acuback.scheduling import services
from acuback.scheduling.models import WorkingHours
from tests.personas import World
from tests.scheduling.factories import Calendar, at, book, local_day, make_calendar


@pytest.fixture
def cal(world: World) -> Calendar:
    return make_calendar(world)


def _week(day_hours: dict[int, list[tuple[str, str]]]) -> dict[str, str]:
    form: dict[str, str] = {}
    for day, shifts in day_hours.items():
        for n, (start, end) in enumerate(shifts, start=1):
            form[f"d{day}_start{n}"], form[f"d{day}_end{n}"] = start, end
    return form


def _shifts(user: object) -> list[tuple[int, str, str]]:
    return [(w.weekday, f"{w.start:%H:%M}", f"{w.end:%H:%M}")
            for w in WorkingHours.objects.filter(practitioner=user).order_by("weekday", "start")]


@pytest.mark.parametrize(("persona", "whose", "expected"), [
    ("owner", "practitioner", 302), ("front_desk", "practitioner", 302),
    ("practitioner", "practitioner", 302), ("practitioner", "owner", 403),
    ("patient_user", "practitioner", 403), ("outsider", "practitioner", 404),
    ("outsider_owner", "practitioner", 404),
])
def test_it_lets_whom_the_rules_say_change_the_hours(world: World, cal: Calendar, client_for,
                                                      persona: str, whose: str,
                                                      expected: int) -> None:
    target = getattr(world, whose)
    url = reverse("hours_edit", args=[target.pk])
    assert client_for(persona).get(url).status_code == (200 if expected == 302 else expected)
    response = client_for(persona).post(url, _week({0: [("09:00", "12:00"), ("13:00", "17:00")]}))
    assert response.status_code == expected
    saved = _shifts(target) == [(0, "09:00", "12:00"), (0, "13:00", "17:00")]
    assert saved is (expected == 302)


def test_it_lists_every_practitioner_s_week(world: World, cal: Calendar, client_for) -> None:
    html = client_for("front_desk").get(reverse("hours_list")).content.decode()
    assert "Mon 08:00–18:00" in html and html.count('data-testid="edit-hours-') == 2
    mine = client_for("practitioner").get(reverse("hours_list")).content.decode()
    assert mine.count('data-testid="edit-hours-') == 1  # only their own
    assert client_for("patient_user").get(reverse("hours_list")).status_code == 403


def test_it_refuses_overlapping_shifts_and_keeps_what_was_typed(world: World, cal: Calendar,
                                                                client_for) -> None:
    before = _shifts(world.practitioner)
    page = client_for("owner").post(reverse("hours_edit", args=[world.practitioner.pk]),
                                    _week({2: [("09:00", "13:00"), ("12:30", "17:00")]}))
    html = page.content.decode()
    assert page.status_code == 200 and "overlap" in html
    assert 'value="12:30"' in html and _shifts(world.practitioner) == before


def test_it_refuses_a_shift_that_ends_before_it_starts(world: World, cal: Calendar,
                                                       client_for) -> None:
    page = client_for("owner").post(reverse("hours_edit", args=[world.practitioner.pk]),
                                    {"d1_start1": "17:00", "d1_end1": "09:00",
                                     "d3_start1": "09:00"})
    html = page.content.decode()
    assert "The shift must end after it starts." in html
    assert "Give both the start and the end, or neither." in html
    assert 'value="17:00"' in html and len(_shifts(world.practitioner)) == 7


def test_it_lets_a_shift_end_when_the_next_begins(world: World, cal: Calendar) -> None:
    services.working_hours_set(actor=world.owner, practitioner=world.practitioner, shifts=[
        calendar.Shift(0, dt.time(9), dt.time(12)), calendar.Shift(0, dt.time(12), dt.time(15))])
    assert len(_shifts(world.practitioner)) == 2
    with pytest.raises(InputError) as refused:
        services.working_hours_set(actor=world.owner, practitioner=world.practitioner, shifts=[
            calendar.Shift(0, dt.time(9), dt.time(12, 1)),
            calendar.Shift(0, dt.time(12), dt.time(15))])
    assert "day_0" in refused.value.errors


def test_it_lists_the_appointments_the_new_hours_leave_out(world: World, cal: Calendar,
                                                           client_for) -> None:
    day = local_day(2)
    kept = book(world.front_desk, world.patient, world.practitioner, cal.follow_up, at(day, 9))
    late = book(world.front_desk, world.other_patient, world.practitioner, cal.follow_up,
                at(day, 16))
    week = _week({day.weekday(): [("08:00", "12:00")]})
    url = reverse("hours_edit", args=[world.practitioner.pk])
    client = client_for("front_desk")
    page = client.post(url, week)
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="hours-left-out"' in html
    assert reverse("appointment_detail", args=[late.pk]) in html
    assert reverse("appointment_detail", args=[kept.pk]) not in html
    assert len(_shifts(world.practitioner)) == 7  # nothing saved yet
    saved = client.post(url, {**week, "keep_appointments": "on"})
    assert saved.status_code == 302 and len(_shifts(world.practitioner)) == 1


def test_it_leaves_a_booking_made_outside_the_hours_on_purpose_alone(world: World,
                                                                     cal: Calendar) -> None:
    day = local_day(2)
    book(world.front_desk, world.patient, world.practitioner, cal.follow_up, at(day, 19),
         allow_outside_hours=True)
    services.working_hours_set(actor=world.owner, practitioner=world.practitioner,
                               shifts=[calendar.Shift(day.weekday(), dt.time(9), dt.time(17))])
    assert len(_shifts(world.practitioner)) == 1


def test_it_refuses_a_practitioner_changing_someone_else_s_hours(world: World,
                                                                 cal: Calendar) -> None:
    with pytest.raises(Forbidden):
        services.working_hours_set(actor=world.practitioner, practitioner=world.owner,
                                   shifts=[])
