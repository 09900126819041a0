"""The cohort dashboard in a real browser, as an owner: the responder table and chart beside
the trials, a filter chosen with the keyboard, a comparison refused beside its fields, and the
page on a phone. The conftest fails any test on a Content-Security-Policy violation.

Screenshots go to /tmp/shots/cohort-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PHONE, login, overflows, shot
from tests.outcomes.factories import measure, responder
from tests.personas import World

pytestmark = pytest.mark.browser


def test_it_shows_the_clinics_outcomes_beside_the_trials(page: Any, world: World) -> None:
    responder(world)
    worse = world.episode
    measure(world, worse, "nrs", 5, 30, "baseline")
    measure(world, worse, "nrs", 8, 2)
    page.set_default_timeout(30000)  # a shared, busy machine: the first page can take seconds
    login(page, world.owner.username)

    import matplotlib.figure  # noqa: F401 - the live server's first chart imports it: seconds
    page.goto("/outcomes/cohort/", timeout=30000)
    dashboard = page.locator("[data-testid=cohort-dashboard]")
    assert "2 episodes of 2 patients" in dashboard.inner_text()
    assert page.locator("[data-testid=cohort-outcomes] tr[data-instrument=nrs]").count() == 1
    chart = page.locator("[data-testid=cohort-chart]")
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", chart.element_handle())
    assert "GERAC" in page.inner_text("figure.charts figcaption")
    shot(page, "cohort-01-desktop")

    # A filter by keyboard alone: nobody's plan is electro, so nothing is left.
    page.focus("#protocol")
    page.keyboard.press("ArrowDown")  # manual
    page.keyboard.press("ArrowDown")  # electro
    page.locator("form[aria-label='Which episodes'] button[type=submit]").press("Enter")
    page.wait_for_url("**protocol=electro**")
    assert "0 episodes of 0 patients" in page.inner_text("[data-testid=cohort-size]")

    page.goto("/outcomes/cohort/?by=protocol&group_a=manual&group_b=manual")
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible() and "two different groups" in summary.inner_text()
    shot(page, "cohort-02-compare-error")

    page.set_viewport_size(PHONE)
    page.goto("/outcomes/cohort/")
    assert not overflows(page)
    shot(page, "cohort-03-phone")
