"""Logging in through the real form."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser


def test_it_logs_a_practitioner_in_to_the_start_page(page, world) -> None:
    page.goto("/login/")
    shot(page, "login")
    login(page, "prac")
    assert page.url.endswith("/")
    assert page.locator("h1").inner_text() == "Good to see you, Pat"
    assert page.get_by_test_id("start-attention").is_visible()
    shot(page, "start-practitioner")


def test_it_tells_a_wrong_password_plainly(page, world) -> None:
    page.goto("/login/")
    page.fill("#id_username", "prac")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    assert "not correct" in page.locator("[role=alert]").inner_text()
    shot(page, "login-refused")


def test_it_brings_a_patient_to_their_own_record(page, world) -> None:
    login(page, "pt")
    assert page.url.endswith("/portal/")
    assert page.locator("h1").inner_text() == "Hello Ada"
    page.click("a:has-text('Your record and results')")
    assert page.locator("h1").inner_text() == "Ada Lovelace"
    shot(page, "my-record")
