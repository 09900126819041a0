"""A patient on a 390 px phone: asks for an appointment from the free times, fills the
questionnaire that is due (the RMDQ as a checklist) and reads the result in plain words.
Screenshots go to /tmp/shots/."""

from __future__ import annotations

from typing import Any

import pytest

from acuback.assessments.models import Assessment
from acuback.scheduling.models import Appointment, Status
from tests.browser.conftest import PHONE, login, overflows
from tests.browser.conftest import shot as conftest_shot
from tests.personas import World
from tests.scheduling.factories import local_day, make_calendar

pytestmark = pytest.mark.browser


def shot(page: Any, name: str) -> None:
    conftest_shot(page, f"portal-{name}")


def test_it_books_a_request_and_answers_what_is_due_on_a_phone(browser: Any, live_server: Any,
                                                               world: World) -> None:
    cal = make_calendar(world)
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(20_000)  # two test processes share two cores with Chromium
    login(page, world.patient_user.username)
    page.wait_for_selector("[data-testid=portal-due]")
    assert not overflows(page)
    shot(page, "01-home")

    # Ask for an appointment.
    page.click("[data-testid=portal-book]")
    page.select_option("#id_appointment_type", str(cal.follow_up.pk))
    page.fill("#id_day", str(local_day(3)))
    page.click("button:has-text('Show free times')")
    page.wait_for_selector("[data-testid=portal-slots]")
    assert not overflows(page)
    shot(page, "02-free-times")
    page.locator("label.slot").first.click()
    page.click("[data-testid=portal-ask]")
    page.wait_for_selector("text=waiting for the clinic to confirm")
    asked = Appointment.objects.get(patient=world.patient)
    assert asked.status == Status.REQUESTED
    shot(page, "03-requested")

    # The questionnaire that is due: tick three statements, leave the rest.
    page.click("[data-testid=portal-due] a:has-text('Roland-Morris')")
    page.wait_for_selector("[data-testid=checklist]")
    boxes = page.locator("[data-testid=checklist] input[type=checkbox]")
    assert boxes.count() == 24
    for n in (0, 5, 9):
        boxes.nth(n).check()
    assert not overflows(page)
    shot(page, "04-checklist")
    page.click("[data-testid=send-answers]")
    page.wait_for_selector("[data-testid=portal-result]")
    assert "Your score: 3 out of 24." in page.inner_text("[data-testid=portal-result]")
    assert Assessment.objects.get(instrument="rmdq").total == 3
    assert not overflows(page)
    shot(page, "05-result")

    # Back home: the RMDQ is no longer asked for.
    page.goto("/portal/")
    assert "Roland-Morris" not in page.inner_text("[data-testid=portal-due]")
    page.goto("/portal/acupuncture-for-back-pain/")
    assert not overflows(page)
    shot(page, "06-information")
    context.close()
