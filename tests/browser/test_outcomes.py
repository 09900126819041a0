"""Progress in a real browser: the episode page's progress panel (the worse-than-baseline flag,
trend lines), the outcome page's charts on a desktop and a phone, the claims ledger, and the
PDF report links. The conftest fails any test on a Content-Security-Policy violation.

Screenshots go to /tmp/shots/outcomes-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PHONE, login, overflows
from tests.browser.conftest import shot as conftest_shot
from tests.outcomes.factories import measure, responder
from tests.personas import World

pytestmark = pytest.mark.browser


def shot(page: Any, name: str) -> None:
    conftest_shot(page, f"outcomes-{name}")


def test_it_shows_progress_charts_and_claims(page: Any, world: World) -> None:
    episode = responder(world)
    worse = world.episode
    measure(world, worse, "nrs", 5, 30, "baseline")
    measure(world, worse, "nrs", 8, 2)
    login(page, world.practitioner.username)

    page.goto(f"/episodes/{episode.pk}/")
    panel = page.locator("[data-testid=episode-progress]")
    assert "Continue the plan" in panel.inner_text()
    assert page.locator("[data-testid=worse-flag]").count() == 0
    assert panel.locator("svg.trend polyline").count() >= 3  # ODI, NRS, pain at visits
    shot(page, "01-episode-progress")

    page.goto(f"/episodes/{worse.pk}/")
    flag = page.locator("[data-testid=worse-flag]")
    assert flag.is_visible() and "Pain NRS" in flag.inner_text()
    shot(page, "02-worse-flag")

    import matplotlib.figure  # noqa: F401 - the live server's first chart imports it: seconds
    page.goto(f"/outcomes/episodes/{episode.pk}/", timeout=30000)
    chart = page.locator("[data-testid=chart-progress]")
    chart.wait_for()
    # The chart is drawn (an SVG image that loaded, not a broken one).
    assert page.evaluate("img => img.complete && img.naturalWidth > 0",
                         chart.element_handle())
    assert "not measured" in page.inner_text("[data-testid=claims-ledger]")
    shot(page, "03-outcome-desktop")

    page.set_viewport_size(PHONE)
    page.reload()
    assert not overflows(page)
    shot(page, "04-outcome-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/outcomes/claims/")
    assert "Less back pain" in page.inner_text("[data-testid=clinic-ledger]")
    shot(page, "05-claims-ledger")

    response = page.request.get(f"/outcomes/episodes/{episode.pk}/progress.pdf?for=physician")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
