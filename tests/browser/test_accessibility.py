"""The axe-core check itself (tests.browser.axe): it finds a serious violation when a page has
one, and remembers it so that the test fails; the pages' message list, once its one violation,
passes (issue 7, finding 7)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import axe
from tests.browser.conftest import login, shot
from tests.personas import World

pytestmark = pytest.mark.browser


def test_it_finds_an_unnamed_button_and_an_image_without_text(page) -> None:  # noqa: ANN001
    page.set_content('<!doctype html><html lang="en"><head><title>t</title></head><body>'
                     '<main><h1>t</h1><img src="data:,"><button></button></main></body></html>')
    found = {v["id"]: v["impact"] for v in axe.violations(page)}
    assert found.get("image-alt") == "critical" and found.get("button-name") == "critical"


def test_it_remembers_a_serious_violation_on_one_of_our_pages(page, world: World) -> None:  # noqa: ANN001
    login(page, "prac")
    page.evaluate("document.querySelector('main').append(document.createElement('button'))")
    axe.check(page, "start-with-an-unnamed-button")
    found = list(axe.VIOLATIONS)
    # This test's own violation must not fail it at teardown (which checks the last state).
    axe.VIOLATIONS.clear()
    page.evaluate("document.querySelector('main > button:last-child').remove()")
    assert any("button-name [critical]" in v for v in found), found


def test_it_exempts_only_what_is_not_ours(page, world: World) -> None:  # noqa: ANN001
    login(page, "owner")
    page.goto("/admin/")
    page.evaluate("document.querySelector('#content').append(document.createElement('button'))")
    axe.check(page, "admin-with-an-unnamed-button")
    found = list(axe.VIOLATIONS)
    axe.VIOLATIONS.clear()
    page.evaluate("document.querySelector('#content > button:last-child').remove()")
    assert any("button-name [critical]" in v for v in found), found


def test_it_finds_nothing_serious_in_a_saved_message(page, world: World) -> None:  # noqa: ANN001
    login(page, "desk")
    page.goto(f"/patients/{world.patient.pk}/edit/")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".messages[role=status]")).to_be_visible()
    assert [v for v in axe.violations(page) if v["impact"] in axe.BLOCKING] == []
    shot(page, "patient-saved-message")
