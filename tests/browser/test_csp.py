"""The Content-Security-Policy holds in Chromium: the pages that use scripts (htmx, the plan
editor, the questionnaire, the API documentation, the admin) run without a single violation,
and the watch in conftest.py does catch one when it happens."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from acuback.web.headers import CONTENT_SECURITY_POLICY
from tests.browser import conftest
from tests.browser.conftest import login
from tests.personas import World
from tests.screening.factories import CLEAR, screen

pytestmark = pytest.mark.browser

SCRIPTED_PAGES = {
    "login": (None, lambda w: "/login/"),
    "patient-search": ("prac", lambda w: "/patients/?q=lov"),
    "plan-editor": ("prac", lambda w: f"/plans/episode/{w.episode.pk}/"),
    "questionnaire": ("prac", lambda w: f"/assessments/episode/{w.episode.pk}/new/nrs/"),
    "api-docs": ("prac", lambda w: "/api/docs"),
    "admin-index": ("owner", lambda w: "/admin/"),
    "admin-users": ("owner", lambda w: "/admin/accounts/user/"),
}


@pytest.mark.parametrize("name", SCRIPTED_PAGES)
def test_it_runs_the_scripted_pages_without_a_violation(page, world: World, name: str) -> None:
    username, path = SCRIPTED_PAGES[name]
    if username:
        login(page, username)
    response = page.goto(path(world))
    assert response.status < 400, (name, response.status)
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    page.wait_for_load_state("networkidle")
    # conftest.no_csp_violations fails this test at teardown if Chromium reported any.


def test_it_keeps_htmx_working_under_the_policy(page, world: World) -> None:
    login(page, "prac")
    page.goto("/patients/")
    page.fill("input[name=q]", "Lovel")
    expect(page.locator("#results")).to_contain_text("Lovelace")


def test_it_keeps_the_plan_editors_script_working(page, world: World) -> None:
    """plan.js (moved out of an inline block): "Remove" drops a row; adding a point already on
    the plan shows that row instead of a second one."""
    screen(world.practitioner, world.other_episode, *CLEAR)
    login(page, "prac")
    page.goto(f"/plans/episode/{world.other_episode.pk}/")
    first = page.locator("#plan-points li.point-row").first
    code = first.get_attribute("data-code")
    page.fill("[data-testid=point-search]", code)
    page.click(f"#search-results li[data-code='{code}'] button.add")
    expect(page.locator(f"#plan-points li[data-code='{code}']")).to_have_class(
        "point-row flash")
    rows = page.locator("#plan-points li.point-row").count()
    page.click(f"#plan-points li[data-code='{code}'] button.remove")
    expect(page.locator("#plan-points li.point-row")).to_have_count(rows - 1)


def test_it_notices_a_violation(page, world: World) -> None:
    """The watch is not blind: a page with an inline script under our policy is reported."""
    page.route("**/csp-probe", lambda route: route.fulfill(
        status=200, content_type="text/html",
        headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
        body="<!doctype html><title>probe</title><script>document.title='ran'</script>"))
    page.goto("/csp-probe")
    page.wait_for_load_state("load")
    assert page.title() == "probe"  # the inline script was refused
    page.context.close()  # delivers the console messages
    assert any("csp-probe" in found for found in conftest.CSP_VIOLATIONS)
    conftest.CSP_VIOLATIONS.clear()
