"""Sessions in a real browser: a warning before the idle limit, typing keeps the session alive,
and a form sent after the session ended comes back filled in after logging in again."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from acuback.accounts.sessions import SESSION_REFRESHED
from acuback.patients.models import HealthHistory
from acuback.visits.models import Visit
from tests.browser.conftest import PHONE, login, overflows, shot
from tests.personas import PASSWORD, World
from tests.visits.factories import ready, start

pytestmark = pytest.mark.browser


def _session(page) -> SessionStore:  # noqa: ANN001
    key = next(c["value"] for c in page.context.cookies()
               if c["name"] == settings.SESSION_COOKIE_NAME)
    return SessionStore(session_key=key)


def _refreshed_ago(page, seconds: int) -> None:  # noqa: ANN001
    session = _session(page)
    session[SESSION_REFRESHED] = int(time.time()) - seconds
    session.save()


def test_it_warns_before_the_idle_limit_and_stays_logged_in(page, world: World) -> None:  # noqa: ANN001
    login(page, "prac")
    page.goto(f"/patients/{world.patient.pk}/")
    # Nothing happens for 26 minutes (another tab would have told us otherwise).
    _refreshed_ago(page, settings.SESSION_COOKIE_AGE - 4 * 60)
    page.evaluate("window.acuback.session.sync()")
    warning = page.locator("#session-warning")
    warning.wait_for(state="visible")
    assert "logged out in 4 minutes" in warning.inner_text()
    shot(page, "session-warning")
    with page.expect_response(re.compile(r"/session/keepalive$")) as answer:
        warning.get_by_role("button", name="Stay logged in").click()
    assert answer.value.json()["expires_at"] >= int(time.time()) + settings.SESSION_COOKIE_AGE - 5
    warning.wait_for(state="hidden")


def test_it_keeps_the_session_alive_while_someone_types(page, world: World) -> None:  # noqa: ANN001
    login(page, "prac")
    page.goto(f"/patients/{world.other_patient.pk}/health/")
    _refreshed_ago(page, 10 * 60)
    page.fill("#id_medications", "ibuprofen")  # typing is activity
    with page.expect_response(re.compile(r"/session/keepalive$")):
        page.evaluate("window.acuback.session.check()")
    assert time.time() - _session(page)[SESSION_REFRESHED] < 30


def test_it_gives_back_a_form_sent_after_the_session_ended(page, world: World) -> None:  # noqa: ANN001
    page.set_viewport_size(PHONE)
    login(page, "prac")
    url = f"/patients/{world.other_patient.pk}/health/"
    page.goto(url)
    page.check("#id_anticoagulant_0")
    page.fill("#id_medications", "apixaban 5 mg twice daily")
    _session(page).delete()  # the session ends while the form is open
    page.get_by_role("button", name="Save health history").click()
    page.wait_for_url(re.compile(r"/login/"))
    assert "nothing was saved yet" in page.locator(".messages").inner_text()
    shot(page, "session-ended-login")
    page.fill("#id_username", "prac")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(url) + "$"))
    assert "Nothing was saved yet" in page.locator(".messages").inner_text()
    assert page.is_checked("#id_anticoagulant_0")
    assert page.input_value("#id_medications") == "apixaban 5 mg twice daily"
    assert not overflows(page)
    shot(page, "session-form-restored")
    assert HealthHistory.objects.get(patient=world.other_patient).anticoagulant is False


def _quiet_for_ten_minutes(page) -> None:  # noqa: ANN001
    """Nothing typed since the last keep-alive, which was ten minutes ago."""
    page.evaluate("window.acuback.session.keepAlive()")
    _refreshed_ago(page, 10 * 60)


@pytest.mark.parametrize("started_ago, kept", [(5, True), (25, False)])
def test_it_keeps_the_session_alive_while_a_retention_timer_runs(
    page, world: World, started_ago: int, kept: bool  # noqa: ANN001
) -> None:
    """Needles retained for 20 minutes with nobody typing: the running countdown is activity;
    once it has ended it is not (a tablet left alone still logs out)."""
    ready(world)
    visit = start(world)
    Visit.objects.filter(pk=visit.pk).update(
        retention_minutes=20, retention_started_at=timezone.now()
        - dt.timedelta(minutes=started_ago))
    login(page, "prac")
    page.goto(f"/visits/{visit.pk}/")
    page.get_by_test_id("timer").wait_for()
    _quiet_for_ten_minutes(page)
    page.wait_for_timeout(5_500)  # one tick of the countdowns
    if kept:
        with page.expect_response(re.compile(r"/session/keepalive$")):
            page.evaluate("window.acuback.session.check()")
        assert time.time() - _session(page)[SESSION_REFRESHED] < 30
    else:
        assert page.evaluate("window.acuback.session.check()") is None
        assert time.time() - _session(page)[SESSION_REFRESHED] >= 10 * 60
