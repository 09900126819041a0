"""A practitioner in a real browser: red-flag screen, blocked plan, clearance, proposal, an
excluded point added from the catalogue search, the override it needs, and the saved plan.

Runs headless Chromium (/usr/bin/chromium, never `playwright install`): skipped on a machine
without it, a failure under CI=true. Screenshots of every page go to /tmp/shots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from acuback.clinical.screening import FLAG_QUESTIONS
from acuback.plans.models import Plan
from tests.browser.conftest import SHOTS, TABLET, login, overflows
from tests.browser.conftest import shot as conftest_shot
from tests.personas import World
from tests.screening.factories import ROUTINE, screen

REASON = "Discussed with the patient and her midwife: 20 weeks, gentle needling, she agrees"

pytestmark = pytest.mark.browser


@pytest.fixture
def practitioner(page: Any, world: World) -> Iterator[Any]:
    """A page logged in as the clinic A practitioner (fixtures from tests/browser/conftest.py)."""
    login(page, world.practitioner.username)
    yield page


def shot(page: Any, name: str) -> None:
    conftest_shot(page, f"plans-{name}")


def test_it_blocks_then_plans_with_a_recorded_override(practitioner: Any, world: World) -> None:
    page = practitioner
    episode = world.episode  # Ada Lovelace: pregnant (20 weeks), pacemaker, born 1970

    # 1. The red-flag screen: a history of cancer at 56 is urgent.
    page.goto(f"/screening/episode/{episode.pk}/new/")
    shot(page, "01-screening-form")
    for flag in FLAG_QUESTIONS:
        answer = "yes" if flag == "history_of_cancer" else "no"
        page.check(f"input[name='{flag}'][value='{answer}']")
    page.click("button:has-text('Record the screen')")
    page.wait_for_selector("[data-testid=referral-form]")
    assert "Planning is blocked" in page.inner_text("[data-testid=screening-status]")
    shot(page, "02-screening-urgent")

    # 2. The plan page says why and offers no form.
    page.goto(f"/plans/episode/{episode.pk}/")
    assert page.is_visible("[data-testid=plan-blocked]")
    assert page.locator("#plan-form").count() == 0
    shot(page, "03-plan-blocked")

    # 3. A physician clears the patient.
    page.goto(f"/screening/episode/{episode.pk}/")
    page.check("input[name=outcome][value=cleared_by_physician]")
    page.fill("textarea[name=note]", "Dr Osler (GP), 3 March: bloods and MRI normal")
    page.click("button:has-text('Record the outcome')")
    page.wait_for_selector("text=The referral outcome is recorded.")
    assert "acupuncture may go ahead" in page.inner_text("[data-testid=screening-status]")
    shot(page, "04-screening-cleared")

    # 4. The plan page proposes points, each with its why.
    page.goto(f"/plans/episode/{episode.pk}/")
    page.wait_for_selector("[data-testid=row-BL23]")
    assert "Cherkin 2009" in page.inner_text("[data-testid=proposal]")
    shot(page, "05-plan-proposed")

    # 5. Search the catalogue as you type: BL60 is excluded for a pregnant patient.
    page.fill("[data-testid=point-search]", "kunlun")
    hit = page.wait_for_selector("#search-results li[data-code=BL60]")
    assert "excluded for this patient" in hit.inner_text()
    shot(page, "06-search-kunlun")
    page.fill("[data-testid=point-search]", "BL60")
    page.wait_for_selector("#search-results li[data-code=BL60]")
    page.click("#search-results li[data-code=BL60] button.add")
    row = page.wait_for_selector("[data-testid=row-BL60]")
    assert "pregnancy" in row.inner_text()
    shot(page, "07-bl60-added")
    page.locator(".point-search").screenshot(path=str(SHOTS / "plans-07b-search.png"))

    # 6. Saving without the override is refused, with the why, and nothing typed is lost.
    page.select_option("#id_goal_instrument_0", "odi")
    page.fill("#id_goal_target_0", "20")
    page.fill("#why-BL60", "Distal point on the bladder channel")
    page.fill("[data-testid=override-reason-BL60]", REASON)
    page.click("button:has-text('Save the plan')")
    page.wait_for_selector("[data-testid=plan-errors]")
    row_text = page.inner_text("[data-testid=row-BL60]")
    assert "BL60 is excluded for this patient" in row_text
    assert page.input_value("#why-BL60") == "Distal point on the bladder channel"
    assert page.input_value("[data-testid=override-reason-BL60]") == REASON
    assert page.input_value("#id_goal_target_0") == "20"
    assert not Plan.objects.exists()
    shot(page, "08-override-required")
    page.locator("[data-testid=row-BL60]").screenshot(path=str(SHOTS / "plans-08b-row.png"))

    # 7. With the override ticked, the plan saves and shows the override.
    page.check("[data-testid=override-check-BL60]")
    page.click("button:has-text('Save the plan')")
    page.wait_for_selector("text=The treatment plan is saved.")
    note = page.inner_text("[data-testid=saved-override-BL60]")
    assert REASON in note
    assert "added" in page.inner_text("[data-testid=plan-diff]")
    shot(page, "09-plan-saved")
    point = Plan.objects.get().points.get(code="BL60")
    assert (point.overridden, point.override_reason) == (True, REASON)

    # 8. The episode page and the chart show where the episode stands.
    page.goto(f"/episodes/{episode.pk}/")
    assert "Plan version 1" in page.inner_text("[data-testid=care-panel]")
    shot(page, "10-episode")
    page.goto(f"/patients/{world.patient.pk}/")
    shot(page, "10b-chart")


def test_it_keeps_an_emergency_blocked_after_the_referral(
    practitioner: Any, world: World
) -> None:
    page = practitioner
    episode = world.other_episode  # Grace Hopper, thoracic pain
    page.goto(f"/screening/episode/{episode.pk}/new/")
    for flag in FLAG_QUESTIONS:
        answer = "yes" if flag in ("saddle_anaesthesia", "thoracic_pain") else "no"
        page.check(f"input[name='{flag}'][value='{answer}']")
    page.click("button:has-text('Record the screen')")
    status = page.wait_for_selector("[data-testid=screening-status]")
    assert "emergency" in status.inner_text().lower()
    shot(page, "11-screening-emergency")

    page.check("input[name=outcome][value=referred_emergency]")
    page.fill("textarea[name=note]", "Sent to the emergency department by ambulance")
    page.click("button:has-text('Record the outcome')")
    page.wait_for_selector("text=The referral outcome is recorded.")
    text = page.inner_text("[data-testid=screening-status]")
    assert "Outcome so far: sent for emergency assessment" in text
    assert "episode referred out" in page.inner_text(".subtitle")
    shot(page, "12-screening-referred")

    page.goto(f"/plans/episode/{episode.pk}/")
    assert page.is_visible("[data-testid=plan-blocked]")
    assert page.locator("#plan-form").count() == 0


def test_it_warns_but_plans_after_a_routine_screen(practitioner: Any, world: World) -> None:
    page = practitioner
    screen(world.practitioner, world.other_episode, *ROUTINE)
    page.goto(f"/plans/episode/{world.other_episode.pk}/")
    banner = page.wait_for_selector("[data-testid=screening-status]")
    assert "Routine red flags" in banner.inner_text()
    assert "banner warn" in (banner.get_attribute("class") or "")
    assert page.is_visible("#plan-form")
    shot(page, "13-plan-routine-warning")
    page.set_viewport_size(TABLET)
    assert not overflows(page)
    shot(page, "14-plan-tablet")
    page.locator("#plan-points").screenshot(path=str(SHOTS / "plans-14b-rows-tablet.png"))
