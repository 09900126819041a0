"""Sessions end after SESSION_COOKIE_AGE idle, and SESSION_ABSOLUTE_SECONDS after they began."""

from __future__ import annotations

import datetime as dt
import time
from unittest import mock

from django.conf import settings
from django.test import Client
from django.utils import timezone

from acuback.accounts.middleware import SESSION_STARTED
from tests.personas import World

# The home page needs a login: logged in, a practitioner gets the start page (200), otherwise
# the login page (a redirect).
HOME = "/"


def _logged_in(client: Client) -> bool:
    response = client.get(HOME)
    return response.status_code == 200


def _at(offset: dt.timedelta) -> mock._patch:  # type: ignore[type-arg]
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + offset)


def test_it_uses_the_documented_limits() -> None:
    assert (settings.SESSION_COOKIE_AGE, settings.SESSION_ABSOLUTE_SECONDS) == (30 * 60, 12 * 3600)
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_it_keeps_a_session_within_the_idle_limit(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    with _at(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)):
        assert _logged_in(client)


def test_it_ends_a_session_idle_for_longer_than_the_limit(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    with _at(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)):
        assert not _logged_in(client)


def test_it_counts_idle_time_from_the_last_request(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    step = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    with _at(step):
        assert _logged_in(client)
    with _at(2 * step):  # longer than the idle limit since login, not since the last request
        assert _logged_in(client)


def test_it_stamps_the_start_on_the_first_request(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    before = int(time.time())
    client.get(HOME)
    assert before <= client.session[SESSION_STARTED] <= int(time.time())


def test_it_keeps_a_busy_session_until_the_absolute_limit(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    client.get(HOME)
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS + 60
    session.save()
    assert _logged_in(client)


def test_it_ends_a_busy_session_after_the_absolute_limit(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    client.get(HOME)
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    assert not _logged_in(client)
    assert "_auth_user_id" not in client.session


def test_it_refuses_the_api_after_the_absolute_limit(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    client.get(HOME)
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    assert client.get("/api/patients/").status_code == 401


def test_it_ends_sessions_with_the_browser() -> None:
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
