"""Questionnaires in a real browser: a clinician's ODI with a missed section, and a patient's
PHQ-9 on a phone that raises the safety alert the practitioner must acknowledge."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, login, overflows, shot
from tests.personas import World

pytestmark = pytest.mark.browser

ODI_32 = [2, 1, 2, 1, 2, 2, 1, 2, 1, 2]
PHQ9_ITEM9 = [3, 0, 1, 2, 0, 0, 1, 0, 3]  # item 9 "nearly every day"


def _choose(page, answers: list[int | None]) -> None:  # noqa: ANN001 - Playwright types
    """Tap each answer's label, as a person would (not the tiny radio itself)."""
    for number, code in enumerate(answers, start=1):
        if code is not None:
            page.locator(f"label[for=id_item_{number}_{code}]").click()


def test_it_keeps_a_clinicians_answers_through_a_missed_odi_section(page, world: World) -> None:
    login(page, "prac")
    page.goto(f"/assessments/episode/{world.episode.pk}/new/")
    shot(page, "assessments-choose")
    page.get_by_role("link", name=re.compile("Oswestry Disability Index")).click()
    shot(page, "assessments-odi-empty")
    assert page.get_by_text("Skipped / does not apply").first.is_visible()
    _choose(page, [*ODI_32[:3], None, *ODI_32[4:]])
    page.get_by_role("button", name="Save and score").click()

    error = page.locator("#q-4 [data-testid=item-error]")
    assert "Choose an answer, or mark it skipped." in error.inner_text()
    shot(page, "assessments-odi-missing-section")
    for number, code in enumerate(ODI_32, start=1):
        if number != 4:
            assert page.is_checked(f"#id_item_{number}_{code}"), f"item {number} lost"

    page.locator(f"label[for=id_item_4_{ODI_32[3]}]").click()
    page.get_by_role("button", name="Save and score").click()
    page.wait_for_url(re.compile(r"/assessments/\d+/$"))
    assert page.get_by_test_id("score").inner_text() == "32"
    assert page.get_by_test_id("band").inner_text().lower() == "moderate"
    assert "10 points or 30 % of baseline" in page.get_by_test_id("mic").inner_text()
    assert "Mapi Research Trust" in page.get_by_test_id("copyright").inner_text()
    shot(page, "assessments-odi-result")


def test_it_walks_a_patients_item9_answer_to_the_practitioners_acknowledgement(
    browser, live_server, world: World  # noqa: ANN001
) -> None:
    phone = browser.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True,
                                has_touch=True)
    phone.set_default_timeout(20_000)
    patient = phone.new_page()
    login(patient, "pt")
    patient.goto(f"/assessments/me/{world.episode.pk}/")
    shot(patient, "assessments-patient-choose")
    patient.get_by_role("link", name=re.compile("PHQ-9")).click()
    progress = patient.locator("[data-progress]")
    assert progress.inner_text() == "0 of 9 answered"
    _choose(patient, PHQ9_ITEM9[:7])
    assert progress.inner_text() == "7 of 9 answered"
    shot(patient, "assessments-patient-phq9-progress")
    heights = patient.locator(".q-option").evaluate_all(
        "labels => labels.map(l => l.getBoundingClientRect().height)")
    assert min(heights) >= 44
    assert not overflows(patient)
    _choose(patient, [None] * 7 + PHQ9_ITEM9[7:])
    patient.get_by_role("button", name="Send my answers").click()
    message = patient.get_by_test_id("patient-safety-message")
    assert "call or text 988" in message.inner_text()
    # On a phone the crisis numbers are one tap away.
    assert message.get_by_role("link", name="Call 988").get_attribute("href") == "tel:988"
    assert message.get_by_role("link", name="Call 911").get_attribute("href") == "tel:911"
    assert not overflows(patient)
    shot(patient, "assessments-patient-safety-message")
    phone.close()

    clinic = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    clinic.set_default_timeout(20_000)
    page = clinic.new_page()
    login(page, "prac")
    # The start page puts it first, with who raised it; the patient list badges her.
    attention = page.get_by_test_id("attention-alert")
    assert "Ada Lovelace" in attention.inner_text()
    assert "entered by the patient" in attention.inner_text()
    shot(page, "assessments-practitioner-start-page")
    page.goto("/patients/")
    row = page.locator("tr", has_text="Lovelace, Ada")
    assert row.get_by_test_id("alert-badge").inner_text() == "1 open safety alert"
    page.goto(f"/patients/{world.patient.pk}/")
    assert "Ada Lovelace" in page.get_by_test_id("safety-alert").inner_text()
    shot(page, "assessments-practitioner-chart-alert")
    page.goto(f"/episodes/{world.episode.pk}/")
    alert = page.get_by_test_id("safety-alert")
    assert "Safety alert: possible risk of self-harm" in alert.inner_text()
    shot(page, "assessments-practitioner-episode-alert")
    alert.get_by_label("What was done").fill("Phoned Ada; she is safe, GP informed.")
    alert.get_by_role("button", name="I have seen this and followed it up").click()
    page.wait_for_url(re.compile(rf"/episodes/{world.episode.pk}/$"))
    assert page.get_by_test_id("safety-alert").count() == 0
    assert "Alert acknowledged" in page.locator(".messages").inner_text()
    shot(page, "assessments-practitioner-acknowledged")
    page.goto(f"/patients/{world.patient.pk}/")
    assert page.get_by_test_id("safety-alert").count() == 0
    clinic.close()
