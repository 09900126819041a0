"""The chart: a practitioner sees the safety banner, front desk does not; it fits a tablet."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TABLET, login, overflows, shot

pytestmark = pytest.mark.browser


def test_it_shows_a_practitioner_the_safety_banner(page, world) -> None:
    login(page, "prac")
    page.goto(f"/patients/{world.patient.pk}/")
    banner = page.get_by_test_id("safety-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("No electro-stimulation.")
    expect(banner).to_contain_text("Pregnant, 20 weeks")
    expect(banner).to_contain_text("Implanted electrical device: Pacemaker")
    shot(page, "chart-practitioner")


def test_it_shows_front_desk_no_banner_and_no_clinical_content(page, world) -> None:
    login(page, "desk")
    page.goto(f"/patients/{world.patient.pk}/")
    expect(page.locator("h1")).to_have_text("Ada Lovelace")
    expect(page.get_by_test_id("safety-banner")).to_have_count(0)
    main = page.locator("main")
    for clinical in ("Health history", "Episodes of care", "Pregnant", "Pacemaker"):
        expect(main).not_to_contain_text(clinical)
    expect(main).to_contain_text("No consent on file.")
    shot(page, "chart-front-desk")


def test_it_fits_the_chart_on_a_tablet(page, world) -> None:
    page.set_viewport_size(TABLET)
    login(page, "prac")
    page.goto(f"/patients/{world.patient.pk}/")
    expect(page.get_by_test_id("safety-banner")).to_be_visible()
    assert not overflows(page)
    shot(page, "chart-tablet")
