"""A practitioner charts a visit in a real browser: started from the plan, needles tapped in
and out, the needle for every point, signing refused on a needle mismatch, the count put
right, signed with the password, and an addendum shown beside the original. Then the same
charting with the keyboard alone.

Runs headless Chromium (/usr/bin/chromium, never `playwright install`): skipped on a machine
without it, a failure under CI=true. Screenshots go to /tmp/shots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from acuback.visits.models import Visit
from tests.browser.conftest import PHONE, TABLET, login, overflows
from tests.browser.conftest import shot as conftest_shot
from tests.personas import PASSWORD, World
from tests.visits.factories import ready

pytestmark = pytest.mark.browser
LOT = "HW-2026-0412"


@pytest.fixture
def practitioner(page: Any, world: World) -> Iterator[Any]:
    ready(world)  # Grace Hopper's episode: screened clear, planned with BL23 BL25 BL40 GV4
    login(page, world.practitioner.username)
    yield page


def shot(page: Any, name: str) -> None:
    conftest_shot(page, f"visits-{name}")


def tap(page: Any, which: str, times: int) -> None:
    for _ in range(times):
        before = page.inner_text(f"[data-testid=count-{which}]")
        page.click(f"[data-testid=tap-{which}]")
        page.wait_for_function(
            "([sel, old]) => document.querySelector(sel).textContent.trim() !== old",
            arg=[f"[data-testid=count-{which}]", before])


def press_on(page: Any, testid: str, key: str) -> None:
    """A key pressed on a control once the page is idle (no htmx request in flight: the
    control may be about to be swapped for a new one) and the control has the focus."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.focus(f"[data-testid={testid}]")
    page.wait_for_function("(id) => document.activeElement?.dataset.testid === id", arg=testid)
    page.keyboard.press(key)


def counted(page: Any, which: str, count: str) -> None:
    """The counter shows `count` needles `which` (in or out); if not, what the counter says
    instead (a refusal is shown in it) is the failure's message."""
    try:
        page.wait_for_function(
            "([sel, n]) => document.querySelector(sel)?.textContent.trim() === n",
            arg=[f"[data-testid=count-{which}]", count])
    except Exception as exc:  # noqa: BLE001 - reported with what the page shows
        raise AssertionError(f"needles {which} not {count}: "
                             f"{page.inner_text('#needle-counter')!r}") from exc


def test_it_charts_refuses_a_mismatch_signs_and_amends(practitioner: Any, world: World) -> None:
    page = practitioner
    page.set_viewport_size(TABLET)
    page.goto(f"/visits/episode/{world.other_episode.pk}/")
    page.fill("[data-testid=start-room]", "Room 2")
    shot(page, "01-episode")
    page.click("[data-testid=start-plan]")
    page.wait_for_selector("[data-testid=visit-form]")
    codes = page.locator("#visit-points [data-row]").count()
    assert codes == 4  # BL23, BL25, BL40 (both sides), GV4

    # Seven needles in (three points on both sides, one on the midline), six out.
    tap(page, "in", 7)
    tap(page, "out", 6)
    assert page.inner_text("[data-testid=count-in]") == "7"
    assert "Room 2" in page.inner_text("[data-testid=rooms]")
    page.fill("#nd-gauge", "0.25")
    page.fill("#nd-length", "40")
    page.fill("[data-testid=default-lot]", LOT)
    page.click("[data-testid=apply-needle]")
    page.select_option("#id_pain_before", "6")
    page.select_option("#id_pain_after", "3")
    page.click("[data-region=lower_back_left]")
    assert page.is_checked("input[name=pain_regions][value=lower_back_left]")
    page.fill("#id_subjective", "Stiff for an hour after waking.")
    page.fill("#id_minutes_without_estim", "20")
    page.select_option("#id_painkillers_taken", "no")
    shot(page, "02-charting")
    page.click("[data-testid=save]")
    page.wait_for_selector("text=The visit is saved.")
    visit = Visit.objects.get()
    assert {p.lot for p in visit.points.all()} == {LOT}
    assert visit.pain_regions == ["lower_back_left"]
    assert [line["code"] for line in visit.cpt["lines"]] == ["97810"]

    # Signing is refused while a needle is unaccounted for.
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=sign-button]")
    errors = page.wait_for_selector("[data-testid=sign-errors]")
    assert "7 needles went in and 6 came out" in errors.inner_text()
    assert page.is_visible("[data-testid=mismatch]")
    shot(page, "03-sign-refused")

    # The last needle is found and counted out: now it signs.
    tap(page, "out", 1)
    assert "All 7 accounted for" in page.inner_text("[data-testid=needle-balance]")
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=sign-button]")
    page.wait_for_selector("text=The visit is signed and locked.")
    assert page.inner_text("[data-testid=visit-status]") == "Signed"
    assert page.locator("[data-testid=visit-form]").count() == 0
    shot(page, "04-signed")

    # An addendum, shown beside the original.
    page.select_option("#id_kind", "addendum")
    page.fill("#id_text", "Phoned next day: no soreness, walked to work.")
    page.fill("#id_reason", "Follow-up call")
    page.click("[data-testid=amend-button]")
    page.wait_for_selector("text=The amendment is added beside the original.")
    aside = page.locator("[data-testid=amendments]").bounding_box()
    record = page.locator("[data-testid=record]").bounding_box()
    assert aside["x"] >= record["x"] + record["width"] - 1  # to the right of the original
    assert aside["y"] < record["y"] + record["height"]
    assert "Phoned next day" in page.inner_text("[data-testid=amendments]")
    assert "Stiff for an hour" in page.inner_text("[data-testid=record]")
    assert not overflows(page)
    shot(page, "05-addendum-beside")
    page.goto(f"/visits/{visit.pk}/print/")
    assert "Phoned next day" in page.inner_text("[data-testid=printout]")
    shot(page, "06-printout")


def test_it_charts_with_the_keyboard_alone(practitioner: Any, world: World) -> None:
    page = practitioner
    page.goto(f"/visits/episode/{world.other_episode.pk}/")
    page.focus("[data-testid=start-plan]")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=visit-form]")

    # A point by its code: type, Enter adds the first suggestion.
    page.focus("[data-testid=point-search]")
    page.keyboard.type("BL60")
    page.wait_for_selector("#point-hits [data-add-hit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=point-BL60]")
    assert page.evaluate("() => document.activeElement.dataset.pointSearch") is not None

    # A point by its name: "kunlun" finds BL60 too; "weizhong" finds BL40.
    page.keyboard.type("huantiao")
    page.wait_for_selector("#point-hits [data-add-hit]")
    assert "GB30" in page.inner_text("#point-hits")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=point-GB30]")

    # Needles counted by keyboard: focus the button, Space (or Enter).
    press_on(page, "tap-in", "Space")
    counted(page, "in", "1")
    press_on(page, "tap-out", "Enter")
    counted(page, "out", "1")

    # The pain drawing by its tick boxes.
    page.focus("input[name=pain_regions][value=buttock_right]")
    page.keyboard.press("Space")
    assert page.locator("[data-region=buttock_right].marked").count() == 1
    page.focus("[data-testid=save]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=The visit is saved.")
    visit = Visit.objects.get()
    assert [p.code for p in visit.points.all()][-2:] == ["BL60", "GB30"]
    assert (visit.needles_in, visit.needles_out, visit.pain_regions) == (1, 1, ["buttock_right"])


def test_it_fits_a_phone(practitioner: Any, world: World) -> None:
    page = practitioner
    page.set_viewport_size(PHONE)
    page.goto(f"/visits/episode/{world.other_episode.pk}/")
    page.click("[data-testid=start-plan]")
    page.wait_for_selector("[data-testid=visit-form]")
    shot(page, "07-phone")
    assert not overflows(page)
