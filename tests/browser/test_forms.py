"""Forms that refuse input: the reason beside the field, everything typed still there."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, login, overflows, shot

pytestmark = pytest.mark.browser

FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def test_it_registers_a_patient_after_a_future_birth_date_is_fixed(page, world) -> None:
    login(page, "desk")
    page.goto("/patients/new/")
    page.fill("#id_given_name", "Marie")
    page.fill("#id_family_name", "Curie")
    page.fill("#id_date_of_birth", FUTURE)
    page.select_option("#id_sex", "female")
    page.fill("#id_phone", "(202) 555-0100")
    page.fill("#id_address", "1 Rue Pierre")
    page.select_option("#id_practitioner_id", label="Pat Lin")
    page.get_by_role("button", name="Register patient").click()

    error = page.locator(".field:has(#id_date_of_birth) .field-error")
    expect(error).to_have_text(re.compile("Date of birth cannot be in the future."))
    shot(page, "patient-create-error")
    assert page.input_value("#id_given_name") == "Marie"
    assert page.input_value("#id_family_name") == "Curie"
    assert page.input_value("#id_date_of_birth") == FUTURE
    assert page.input_value("#id_sex") == "female"
    assert page.input_value("#id_phone") == "(202) 555-0100"
    assert page.input_value("#id_address") == "1 Rue Pierre"
    assert page.input_value("#id_practitioner_id") == str(world.practitioner.pk)

    page.fill("#id_date_of_birth", "1967-11-07")
    page.get_by_role("button", name="Register patient").click()
    page.wait_for_url(re.compile(r"/patients/\d+/$"))
    expect(page.locator("h1")).to_have_text("Marie Curie")
    expect(page.locator(".messages")).to_contain_text("Marie Curie is registered.")
    shot(page, "patient-chart-new")


def test_it_explains_the_deleted_code_m54_5_and_keeps_the_episode(page, world) -> None:
    login(page, "prac")
    page.goto(f"/patients/{world.other_patient.pk}/episodes/new/")
    page.fill("#id_onset_date", "2026-02-10")
    page.fill("#id_icd10_code", "M54.5")
    page.select_option("#id_region", "lumbosacral")
    page.select_option("#id_side", "left")
    page.select_option("#id_radiation", "posterior_leg")
    page.fill("#id_suspected_cause", "lifting a sofa")
    page.check("#id_surgery_associated")
    page.get_by_role("button", name="Open episode").click()

    hint = page.locator(".field:has(#id_icd10_code) .field-error")
    expect(hint).to_contain_text("M54.5 was deleted from ICD-10-CM")
    expect(hint).to_contain_text("use M54.50, M54.51 or M54.59")
    shot(page, "episode-create-deleted-code")
    assert page.input_value("#id_icd10_code") == "M54.5"
    assert page.input_value("#id_onset_date") == "2026-02-10"
    assert page.input_value("#id_region") == "lumbosacral"
    assert page.input_value("#id_side") == "left"
    assert page.input_value("#id_radiation") == "posterior_leg"
    assert page.input_value("#id_suspected_cause") == "lifting a sofa"
    assert page.is_checked("#id_surgery_associated")

    page.fill("#id_icd10_code", "M54.59")
    page.get_by_role("button", name="Open episode").click()
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    expect(page.locator("main")).to_contain_text("Other low back pain")
    shot(page, "episode-detail")


def test_it_moves_the_focus_to_an_error_summary_that_links_to_each_field(page, world) -> None:
    login(page, "desk")
    page.goto("/patients/new/")
    page.fill("#id_given_name", "Marie")
    page.fill("#id_date_of_birth", FUTURE)
    page.get_by_role("button", name="Register patient").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Family name: This field is required.")
    summary.get_by_role("link", name=re.compile("Family name")).click()
    expect(page.locator("#id_family_name")).to_be_focused()
    shot(page, "patient-create-error-summary")


def test_it_warns_of_a_likely_duplicate_and_registers_only_on_purpose(page, world) -> None:
    login(page, "desk")
    page.goto("/patients/new/")
    page.fill("#id_given_name", "ada")
    page.fill("#id_family_name", "LOVELACE")
    page.fill("#id_date_of_birth", world.patient.date_of_birth.isoformat())
    page.select_option("#id_sex", "female")
    page.get_by_role("button", name="Register patient").click()

    warning = page.get_by_test_id("duplicates")
    expect(warning).to_be_focused()  # forms.js moves focus to the warning
    expect(warning.get_by_role("link", name=re.compile("Lovelace, Ada"))).to_have_attribute(
        "href", f"/patients/{world.patient.pk}/")
    shot(page, "patient-create-duplicate")
    assert page.input_value("#id_family_name") == "LOVELACE"

    page.get_by_test_id("confirm-duplicate").click()
    page.wait_for_url(re.compile(r"/patients/\d+/$"))
    assert page.url.rstrip("/").split("/")[-1] != str(world.patient.pk)
    expect(page.locator(".messages")).to_contain_text("is registered.")


def test_it_warns_of_a_likely_duplicate_on_a_phone(page, world) -> None:
    """The same warning at 390 px: in view, focused, nothing scrolls sideways, and both ways
    out (the existing record, or "a different person") are there to tap."""
    page.set_viewport_size(PHONE)
    login(page, "desk")
    page.goto("/patients/new/")
    page.fill("#id_given_name", "Grace")
    page.fill("#id_family_name", "Hopper")
    page.fill("#id_date_of_birth", world.other_patient.date_of_birth.isoformat())
    page.select_option("#id_sex", "female")
    page.get_by_role("button", name="Register patient").click()

    warning = page.get_by_test_id("duplicates")
    expect(warning).to_be_focused()
    expect(warning).to_be_in_viewport()
    existing = warning.get_by_role("link", name=re.compile("Hopper, Grace"))
    expect(existing).to_have_attribute("href", f"/patients/{world.other_patient.pk}/")
    confirm = page.get_by_test_id("confirm-duplicate")
    confirm.scroll_into_view_if_needed()
    expect(confirm).to_be_visible()
    box = confirm.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["height"] >= 40  # a tap target, not a text link
    assert not overflows(page), "the duplicate warning scrolls sideways at 390 px"
    shot(page, "phone-patient-create-duplicate")

    existing.click()
    page.wait_for_url(f"**/patients/{world.other_patient.pk}/")
