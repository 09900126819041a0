"""Sessions end after SESSION_COOKIE_AGE idle, and SESSION_ABSOLUTE_SECONDS after they began."""

from __future__ import annotations

import datetime as dt
import time
from unittest import mock

from django.conf import settings
from django.test import Client
from django.utils import timezone

from acuback.accounts.middleware import SESSION_STARTED
from acuback.audit.models import AuditEntry
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
    assert (settings.SESSION_REFRESH_SECONDS, settings.SESSION_WARN_SECONDS) == (60, 5 * 60)
    assert settings.SESSION_SAVE_EVERY_REQUEST is False


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
    assert before <= client.session[SESSION_STARTED] <= int(time.time()) + 1


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


def _past_the_absolute_limit(client: Client) -> None:
    client.get(HOME)
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()


def test_it_audits_the_end_of_a_session_at_the_absolute_limit(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    _past_the_absolute_limit(client)
    response = client.get(HOME, REMOTE_ADDR="203.0.113.7")
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/login/")
    ends = list(AuditEntry.objects.filter(action="logout"))
    assert [(e.actor_id, e.outcome, e.detail, e.channel, e.client_addr) for e in ends] == [
        (world.practitioner.pk, "ok", {"reason": "absolute limit"}, "web", "203.0.113.7")]


def test_it_audits_the_absolute_limit_on_the_api_channel(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    _past_the_absolute_limit(client)
    assert client.get("/api/patients/").status_code == 401
    ends = list(AuditEntry.objects.filter(action="logout"))
    assert [(e.actor_id, e.detail, e.channel) for e in ends] == [
        (world.practitioner.pk, {"reason": "absolute limit"}, "api")]
    client.get(HOME)  # logged out already: nothing more to record
    assert AuditEntry.objects.filter(action="logout").count() == 1


def test_it_ends_sessions_with_the_browser() -> None:
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


# --- session writes: an ordinary read writes nothing -------------------------------------------


def _session_writes(client: Client, path: str = HOME, times: int = 5) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        for _ in range(times):
            client.get(path)
    return sum(1 for q in queries if "django_session" in q["sql"]
               and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT")))


def test_it_writes_no_session_on_reads_within_a_minute(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    client.get(HOME)  # the first request stamps the start and the refresh: one write
    assert _session_writes(client, HOME) == 0
    assert _session_writes(client, "/patients/") == 0


def test_it_refreshes_the_idle_limit_at_most_once_a_minute(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    client.get(HOME)
    with _at(dt.timedelta(seconds=settings.SESSION_REFRESH_SECONDS + 1)):
        assert _session_writes(client, HOME, times=4) == 1


def test_it_slides_the_idle_limit_with_activity(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    client.get(HOME)
    for minutes in (20, 40, 60):  # a request every 20 minutes: never idle for 30
        with _at(dt.timedelta(minutes=minutes)):
            assert _logged_in(client)


def test_it_keeps_the_session_alive_on_a_keep_alive(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    client.get(HOME)
    with _at(dt.timedelta(minutes=25)):
        answer = client.post("/session/keepalive")
        now = timezone.now()
    assert answer.status_code == 200
    assert answer.json()["expires_at"] == int(now.timestamp()) + settings.SESSION_COOKIE_AGE
    with _at(dt.timedelta(minutes=50)):  # 25 minutes after the keep-alive
        assert _logged_in(client)


def test_it_tells_the_page_when_the_session_ends_without_extending_it(
    world: World, client_for  # noqa: ANN001
) -> None:
    client = client_for("practitioner")
    client.get(HOME)
    ends = client.session["acuback_refreshed"] + settings.SESSION_COOKIE_AGE
    with _at(dt.timedelta(minutes=10)):
        assert client.get("/session/status").json() == {"expires_at": ends}
        assert _session_writes(client, "/session/status", times=3) == 0
    with _at(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)):
        assert client.get("/session/status").status_code == 401


def test_it_puts_the_expiry_on_the_page_for_its_script(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    html = client.get(HOME).content.decode()
    assert 'data-session-expires="' in html and 'data-session-warn="300"' in html
    assert 'id="session-warning"' in html and "acuback/session.js" in html
    assert "data-session-expires" not in Client().get("/login/").content.decode()


# --- no lost work -------------------------------------------------------------------------------


HEALTH_FORM = {"version": "2", "source": "patient", "pregnant": "no", "anticoagulant": "yes",
               "bleeding_disorder": "no", "implanted_device": "none", "needle_phobia": "no",
               "immunosuppressed": "no", "diabetes": "no", "epilepsy": "no",
               "metal_allergy": "no", "skin_lesions": "no", "skin_conditions": "",
               "medications": "apixaban 5 mg twice daily"}


def _expired_post(world: World, client: Client) -> tuple[str, object]:
    url = f"/patients/{world.other_patient.pk}/health/"
    client.get(url)
    with _at(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)):
        response = client.post(url, HEALTH_FORM)
    return url, response


def _login(client: Client, username: str, url: str) -> object:
    from tests.personas import PASSWORD

    return client.post(f"/login/?next={url}", {"username": username, "password": PASSWORD})


def test_it_keeps_a_form_posted_after_the_session_ended(world: World, client_for) -> None:  # noqa: ANN001
    from acuback.patients.models import HealthHistory

    client = client_for("practitioner")
    url, response = _expired_post(world, client)
    assert response["Location"] == f"/login/?next={url}"
    login_page = client.get(response["Location"]).content.decode()
    assert "nothing was saved yet" in login_page
    assert HealthHistory.objects.get(patient=world.other_patient).anticoagulant is False
    assert _login(client, "prac", url)["Location"] == url
    page = client.get(url).content.decode()
    assert "Nothing was saved yet" in page
    assert 'name="anticoagulant" value="yes" class="tri" id="id_anticoagulant_0" checked' in page
    assert "apixaban 5 mg twice daily</textarea>" in page
    assert HealthHistory.objects.get(patient=world.other_patient).anticoagulant is False
    again = client.get(url).content.decode()  # given back once
    assert "apixaban" not in again


def test_it_gives_the_kept_answers_to_no_one_else(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    url, _ = _expired_post(world, client)
    _login(client, "owner", url)
    page = client.get(url).content.decode()
    assert "apixaban" not in page and "Nothing was saved yet" not in page


def test_it_keeps_no_password_and_nothing_posted_to_the_api(world: World, client_for) -> None:  # noqa: ANN001
    client = Client()
    client.post("/patients/new/", {"given_name": "Ada", "password": "secret"})
    client.post("/api/patients/", {"given_name": "Ada"})
    assert "acuback_unsaved" not in client.session
