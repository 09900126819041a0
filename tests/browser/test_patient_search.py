"""Searching patients: HTMX refreshes only the results, and paging keeps the search."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from acuback.patients.selectors import PAGE_SIZE
from tests.browser.conftest import PHONE, login, overflows, shot
from tests.personas import make_patient

pytestmark = pytest.mark.browser


def mark_page(page) -> None:  # noqa: ANN001
    """A flag that a full page load would wipe out."""
    page.evaluate("window.__samePage = true")


def still_same_page(page) -> bool:  # noqa: ANN001
    return page.evaluate("window.__samePage === true")


def test_it_refreshes_only_the_results_while_typing(page, world) -> None:
    login(page, "desk")
    page.goto("/patients/")
    mark_page(page)
    with page.expect_request(lambda r: r.headers.get("hx-request") == "true"):
        page.locator("#id_q").press_sequentially("hop", delay=40)
    results = page.locator("#results")
    expect(results).to_contain_text("Hopper, Grace")
    expect(results).not_to_contain_text("Lovelace")
    assert still_same_page(page) and "q=hop" in page.url
    shot(page, "patient-list-search")


def test_it_searches_by_date_of_birth(page, world) -> None:
    login(page, "desk")
    page.goto("/patients/")
    page.fill("#id_dob", "1970-05-17")
    expect(page.locator("#results")).to_contain_text("Lovelace, Ada")
    expect(page.locator("#results")).not_to_contain_text("Hopper")


def test_it_pages_through_the_results_in_place(page, world) -> None:
    for n in range(PAGE_SIZE + 5):
        make_patient(world.front_desk, f"Sam{n:02d}", "Smith", dt.date(1980, 1, 1))
    login(page, "desk")
    page.goto("/patients/?q=smith")
    expect(page.locator("#results .row-link")).to_have_count(PAGE_SIZE)
    mark_page(page)
    page.get_by_role("link", name="Next").click()
    expect(page.locator("#results .row-link")).to_have_count(5)
    expect(page.get_by_role("link", name="Previous")).to_be_visible()
    assert still_same_page(page) and "after=" in page.url and "q=smith" in page.url
    shot(page, "patient-list-page-2")


def test_it_fits_a_phone_without_sideways_scrolling(page, world) -> None:
    page.set_viewport_size(PHONE)
    login(page, "desk")
    page.goto("/patients/")
    expect(page.locator("#results")).to_contain_text("Lovelace, Ada")
    assert not overflows(page)
    shot(page, "patient-list-phone")
