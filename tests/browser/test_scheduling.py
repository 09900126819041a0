"""The calendar in a real browser: a practitioner books a plan's course in one step (clashes
shown first), the front desk checks the patient in on a tablet, the practitioner opens the
chart from their day list. Screenshots go to /tmp/shots/.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from acuback.scheduling.models import Appointment, Status
from acuback.scheduling.views import visit_url
from tests.browser.conftest import TABLET, login, overflows
from tests.browser.conftest import shot as conftest_shot
from tests.personas import World
from tests.plans.factories import save
from tests.scheduling.factories import at, book, local_day, make_calendar
from tests.screening.factories import screen

pytestmark = pytest.mark.browser


def shot(page: Any, name: str) -> None:
    conftest_shot(page, f"scheduling-{name}")


def test_it_books_a_course_checks_in_and_opens_the_chart(page: Any, browser: Any,
                                                         live_server: Any, world: World) -> None:
    cal = make_calendar(world)
    screen(world.practitioner, world.other_episode)
    plan = save(world.practitioner, world.other_episode)
    # A Monday at least a week ahead, so the week view holds the first two sessions of the
    # twice-a-week course (Monday and Thursday) whatever day the suite runs on: from a Friday
    # the second session would fall in the next week (the CI failure of 2026-12-05).
    first = local_day(7)
    first += dt.timedelta(days=(7 - first.weekday()) % 7)
    # Someone already holds the practitioner at 10:15 on the first planned day.
    book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
                 at(first, 10, 15))
    today = book(world.front_desk, world.other_patient, world.practitioner, cal.follow_up,
                 at(local_day(0), 23, 30), allow_outside_hours=True)

    login(page, world.practitioner.username)
    page.goto(f"/plans/episode/{plan.episode_id}/")
    page.click("[data-testid=book-course-link]")
    page.fill("#id_first_day", str(first))
    page.fill("#id_time", "10:00")
    page.select_option("#id_appointment_type", str(cal.follow_up.pk))
    page.select_option("#id_room", str(cal.room1.pk))
    page.click("button:has-text('Show the sessions')")
    page.wait_for_selector("[data-testid=course-preview]")
    assert "1 not free" in page.inner_text("[data-testid=course-preview]")
    assert page.locator("[data-testid=book-course]").count() == 0
    shot(page, "01-course-clash")
    page.fill("#id_time", "11:00")
    page.click("button:has-text('Show the sessions')")
    page.wait_for_selector("[data-testid=book-course]")
    shot(page, "02-course-free")
    page.click("[data-testid=book-course]")
    page.wait_for_url(f"**/patients/{plan.episode.patient_id}/")
    assert Appointment.objects.filter(series__plan=plan).count() == plan.sessions
    assert page.is_visible("[data-testid=patient-appointments]")
    shot(page, "03-chart-appointments")

    page.goto(f"/calendar/?view=week&practitioner={world.practitioner.pk}&date={first}")
    assert page.locator("[data-testid=appointment]").count() >= 3
    shot(page, "04-week")

    # The front desk on a tablet checks the patient of today in.
    desk = browser.new_context(viewport=TABLET, base_url=live_server.url)
    desk_page = desk.new_page()
    login(desk_page, world.front_desk.username)
    desk_page.goto("/calendar/today/")
    row = desk_page.locator(f"#appt-{today.pk}")
    row.locator("button:has-text('Check in')").click()
    desk_page.wait_for_selector(f"#appt-{today.pk} .pill.st-arrived")
    assert not overflows(desk_page)
    shot(desk_page, "05-desk-checked-in")
    desk.close()
    today.refresh_from_db()
    assert today.status == Status.ARRIVED

    # The practitioner starts the visit from their day: a draft visit with the plan's points.
    page.goto("/calendar/mine/")
    shot(page, "06-my-day")
    page.locator(f"#appt-{today.pk} [data-testid=open-visit]").click()
    page.wait_for_load_state()
    today.refresh_from_db()
    assert today.status == Status.IN_TREATMENT and today.visit is not None
    assert today.visit.points.count() == plan.points.count()
    assert page.url.endswith(visit_url(today.visit))
    shot(page, "07-visit-opened")


def test_it_moves_through_the_calendar_with_the_keyboard(page: Any, world: World) -> None:
    make_calendar(world)
    login(page, world.front_desk.username)
    page.goto(f"/calendar/?date={local_day(0)}")
    page.keyboard.press("n")
    page.wait_for_url(f"**date={local_day(1)}")
    page.keyboard.press("t")
    page.wait_for_url(f"**date={local_day(0)}")
    page.set_viewport_size(TABLET)
    assert not overflows(page)
    shot(page, "08-day-tablet")


def test_it_warns_at_booking_and_records_the_abn_first(page: Any, world: World) -> None:
    """Visit 13 of the benefit year with no documented improvement: the booking page warns
    before saving, offers the ABN, comes back filled in, and books with GA on file."""
    from acuback.billing.models import Abn
    from tests.scheduling.test_booking_coverage import held

    cal = make_calendar(world)
    screen(world.practitioner, world.episode)
    held(world, world.episode, 12)
    day = local_day(3)
    login(page, world.front_desk.username)
    page.set_viewport_size(TABLET)
    page.goto(f"/calendar/book/?patient={world.patient.pk}")
    page.select_option("#id_appointment_type", str(cal.follow_up.pk))
    page.select_option("#id_practitioner", str(world.practitioner.pk))
    page.fill("#id_day", str(day))
    page.fill("#id_time", "10:00")
    page.click("[data-testid=book]")
    warning = page.locator("[data-testid=booking-coverage]")
    warning.wait_for()
    assert "Medicare is expected not to pay" in warning.inner_text()
    assert Appointment.objects.count() == 0
    shot(page, "04-booking-coverage-warning")

    page.click("[data-testid=record-abn]")
    page.wait_for_selector("[data-testid=save-abn]")
    page.check("input[name=option][value=bill_medicare]")
    page.click("[data-testid=save-abn]")
    page.wait_for_selector("[data-testid=book-form]")
    assert Abn.objects.filter(episode=world.episode).count() == 1
    assert page.input_value("#id_day") == str(day) and page.input_value("#id_time") == "10:00"
    page.click("[data-testid=book]")
    page.wait_for_selector("[data-testid=status]")
    booked = Appointment.objects.get()
    assert booked.status == Status.BOOKED and booked.patient_id == world.patient.pk
    assert "ABN on file: GA" in page.inner_text("[data-testid=booking-coverage]")
    shot(page, "05-booked-abn-on-file")


def test_it_changes_working_hours_with_the_keyboard_on_a_phone(page: Any, world: World) -> None:
    from acuback.scheduling.models import WorkingHours
    from tests.browser.conftest import PHONE

    make_calendar(world)
    login(page, world.front_desk.username)
    page.set_viewport_size(PHONE)
    page.goto("/calendar/hours/")
    page.click(f"[data-testid=edit-hours-{world.practitioner.pk}]")
    page.fill("#id_d0_start2", "12:00")
    page.fill("#id_d0_end2", "19:00")
    page.click("[data-testid=save-hours]")
    assert "overlap" in page.inner_text("[data-testid=hours-form]")
    assert page.input_value("#id_d0_start2") == "12:00"
    shot(page, "06-hours-overlap")
    page.fill("#id_d0_end1", "12:00")
    page.focus("[data-testid=save-hours]")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=hours-list]")
    assert WorkingHours.objects.filter(practitioner=world.practitioner, weekday=0).count() == 2
    assert not overflows(page)
    shot(page, "07-hours-list")
