"""The health history in a real browser: a new patient's chart says "Not asked" in amber (never
green), the form answers yes / no / not asked, and two practitioners saving the same form do not
overwrite each other: the second sees the first's answer beside their own."""

from __future__ import annotations

import re

import pytest

from acuback.patients.models import HealthHistory
from tests.browser.conftest import TABLET, login, overflows, shot
from tests.personas import World, make_patient

pytestmark = pytest.mark.browser


def test_it_shows_a_new_patient_as_not_asked_never_as_clear(page, world: World) -> None:  # noqa: ANN001
    new = make_patient(world.practitioner, "Nell", "New", asked=False)
    login(page, "prac")
    page.goto(f"/patients/{new.pk}/")
    banner = page.get_by_test_id("not-asked")
    assert banner.inner_text().startswith("Not asked: pregnancy, blood thinners")
    assert page.locator(".banner.ok").count() == 0
    assert page.locator(".pill.not-asked").count() == 10
    shot(page, "health-chart-not-asked")

    page.get_by_role("link", name="Health history").first.click()
    page.wait_for_url(re.compile(r"/health/$"))
    assert page.is_checked("#id_pregnant_2")  # "Not asked" until someone asks
    page.check("#id_pregnant_1")
    page.check("#id_anticoagulant_0")
    shot(page, "health-form")
    page.get_by_role("button", name="Save health history").click()
    page.wait_for_url(re.compile(rf"/patients/{new.pk}/$"))
    assert "blood thinners" not in page.get_by_test_id("not-asked").inner_text()
    assert "Takes blood thinners" in page.get_by_test_id("safety-banner").inner_text()
    health = HealthHistory.objects.get(patient=new)
    assert (health.pregnant, health.anticoagulant, health.epilepsy) == (False, True, None)


def test_it_shows_the_first_practitioners_answer_to_the_second(
    browser, live_server, world: World  # noqa: ANN001
) -> None:
    pages = []
    for username in ("prac", "owner"):
        context = browser.new_context(viewport=TABLET, base_url=live_server.url)
        context.set_default_timeout(20_000)
        pages.append(context.new_page())
        login(pages[-1], username)
        pages[-1].goto(f"/patients/{world.other_patient.pk}/health/")
    first, second = pages
    first.check("#id_anticoagulant_0")  # yes: takes blood thinners
    first.get_by_role("button", name="Save health history").click()
    first.wait_for_url(re.compile(rf"/patients/{world.other_patient.pk}/$"))

    second.check("#id_diabetes_0")
    second.fill("#id_medications", "metformin 500 mg")
    second.get_by_role("button", name="Save health history").click()
    assert "Pat Lin saved this health history" in second.locator(".errors").inner_text()
    theirs = second.get_by_test_id("theirs-anticoagulant")
    assert theirs.inner_text() == "Saved meanwhile: Yes"
    assert second.input_value("#id_medications") == "metformin 500 mg"
    assert second.is_checked("#id_diabetes_0")
    assert not overflows(second)
    shot(second, "health-conflict")
    health = HealthHistory.objects.get(patient=world.other_patient)
    assert (health.anticoagulant, health.diabetes) == (True, False)

    second.check("#id_anticoagulant_0")  # having looked, keep both answers
    second.get_by_role("button", name="Save health history").click()
    second.wait_for_url(re.compile(rf"/patients/{world.other_patient.pk}/$"))
    health.refresh_from_db()
    assert (health.anticoagulant, health.diabetes, health.version) == (True, True, 4)
    for p in pages:
        p.context.close()
