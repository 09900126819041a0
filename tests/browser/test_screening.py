"""The red-flag screen in Chromium: one deliberate act answers the questions still blank no."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from acuback.clinical.screening import FLAG_QUESTIONS
from acuback.screening.models import Screening
from tests.browser.conftest import login, shot
from tests.personas import World

pytestmark = pytest.mark.browser


def test_it_answers_the_rest_no_in_one_act_and_says_so(page, world: World) -> None:  # noqa: ANN001
    login(page, "prac")
    page.goto(f"/screening/episode/{world.episode.pk}/new/")
    page.check("input[name='history_of_cancer'][value='yes']")
    page.check("input[name='fever'][value='no']")
    shot(page, "screening-rest-no-form")
    page.get_by_role("button", name="Answer no to all the questions still blank, then record"
                     ).click()
    expect(page.get_by_test_id("referral-form")).to_be_visible()  # urgent: a referral is due
    blank = len(FLAG_QUESTIONS) - 2
    expect(page.get_by_test_id("rest-marked-no")).to_contain_text(f"{blank} answered no")
    shot(page, "screening-rest-no-recorded")
    assert len(Screening.objects.get().rest_marked_no) == blank
