"""Coverage and billing in a real browser: the warning before a visit Medicare will not
cover, the ABN recorded from it, the GA it puts on the claim line, and the billing pages on a
tablet and a phone. Headless Chromium (/usr/bin/chromium); screenshots in /tmp/shots/.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from acuback.billing.models import Abn, ClaimLine
from tests.billing.factories import at, course, credential, medicare_episode, set_fees
from tests.browser.conftest import PHONE, TABLET, login, overflows
from tests.browser.conftest import shot as conftest_shot
from tests.personas import PASSWORD, World

pytestmark = pytest.mark.browser


def shot(page: Any, name: str) -> None:
    conftest_shot(page, f"billing-{name}")


@pytest.fixture
def twelve(world: World) -> Any:
    """A Medicare patient who has had 12 covered visits and no follow-up measure."""
    credential(world.practitioner)
    set_fees(world)
    episode = medicare_episode(world)
    course(world, episode, timezone.localdate() - dt.timedelta(days=60), 12, every_days=4)
    return episode


def sign_today(world: World, episode: Any) -> Any:
    """Chart and sign the draft the browser started (the charting itself is the visits
    tests' business)."""
    from acuback.billing.services import supervision_record
    from acuback.visits.models import Visit
    from acuback.visits.services import visit_update
    from acuback.visits.signing import visit_sign
    from tests.visits.factories import charted

    visit = Visit.objects.get(episode=episode, status="draft")
    visit = visit_update(actor=world.practitioner, visit=visit,
                         data=charted(visit, started_at=at(timezone.localdate(), 0)),
                         version=visit.version)
    supervision_record(actor=world.practitioner, visit=visit, present=True)
    return visit_sign(actor=world.practitioner, visit=visit, password=PASSWORD,
                      version=visit.version)


def test_it_warns_before_visit_13_records_the_abn_and_bills_ga(page: Any, world: World,
                                                                twelve: Any) -> None:
    login(page, world.practitioner.username)
    page.set_viewport_size(TABLET)
    page.goto(f"/visits/episode/{twelve.pk}/")
    warning = page.locator("[data-testid=coverage-warning]")
    assert "Medicare is expected not to pay" in warning.inner_text()
    assert "visit 13 is past the first 12" in warning.inner_text()
    shot(page, "01-warning")

    page.click("[data-testid=record-abn]")
    page.wait_for_selector("[data-testid=save-abn]")
    assert "documented improvement" in page.input_value("#id_reason")
    page.check("input[name=option][value=bill_medicare]")
    shot(page, "02-abn-form")
    page.click("[data-testid=save-abn]")
    page.wait_for_url(f"**/visits/episode/{twelve.pk}/")
    assert "ABN on file: GA" in page.inner_text("[data-testid=coverage-warning]")
    assert Abn.objects.filter(episode=twelve).count() == 1
    shot(page, "03-abn-on-file")

    page.click("[data-testid=start-plan]")
    page.wait_for_selector("[data-testid=visit-claims]")
    assert "ABN on file: GA" in page.inner_text("[data-testid=visit-claims]")
    visit = sign_today(world, twelve)
    page.goto(f"/billing/visits/{visit.pk}/")
    lines = page.inner_text("[data-testid=current-lines]")
    assert "GA" in lines and "97810" in lines
    assert ClaimLine.objects.get(visit=visit).modifier == "GA"
    shot(page, "04-claim-line-ga")


def test_it_shows_coverage_on_the_episode_page_and_fits_a_phone(page: Any, world: World,
                                                                 twelve: Any) -> None:
    login(page, world.practitioner.username)
    page.set_viewport_size(PHONE)
    page.goto(f"/episodes/{twelve.pk}/")
    panel = page.inner_text("[data-testid=coverage-panel]")
    assert "12 of 20" in panel and "Re-assessment overdue" in panel
    assert not overflows(page)
    shot(page, "05-episode-phone")


def test_front_desk_records_the_abn_and_downloads_the_superbill(page: Any, world: World,
                                                                twelve: Any) -> None:
    login(page, world.front_desk.username)
    page.set_viewport_size(TABLET)
    page.goto(f"/billing/patients/{twelve.patient_id}/")
    assert "Medicare is expected not to pay" in page.inner_text("[data-testid=coverage]")
    assert not page.locator("[data-testid=evidence]").count()
    assert not overflows(page)
    shot(page, "06-billing-front-desk")
    page.click("[data-testid=record-abn]")
    page.check("input[name=option][value=bill_medicare]")
    page.click("[data-testid=save-abn]")
    page.wait_for_url(f"**/billing/patients/{twelve.patient_id}/")
    assert "ABN on file: GA" in page.inner_text("[data-testid=coverage]")
    with page.expect_download() as download:
        page.click("button[formaction$='superbill.pdf']")
    assert download.value.suggested_filename.endswith(".pdf")
    page.click("text=Show the superbill")
    page.wait_for_selector("[data-testid=superbill-totals]")
    page.set_viewport_size(PHONE)
    assert not overflows(page)
    shot(page, "07-superbill-phone")
