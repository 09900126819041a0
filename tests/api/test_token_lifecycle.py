"""Tokens expire (90 days unless asked, at most 365), are listed and revoked by their user and by
the clinic's owners (pages and `acuback token list|revoke`), show their last use, and every use
reaches the audit trail, cheaply (one entry a minute while in use)."""

from __future__ import annotations

import datetime as dt
import json
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acuback.accounts.models import ApiToken
from acuback.accounts.tokens import api_token_create
from acuback.audit.models import AuditEntry
from acuback.cli import main
from acuback.errors import InputError
from tests.personas import World


def _script(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _later(**delta: float) -> mock._patch:  # type: ignore[type-arg]
    moment = timezone.now() + dt.timedelta(**delta)
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_it_expires_a_token_after_90_days_by_default(world: World) -> None:
    before = timezone.now()
    api_token_create(user=world.practitioner, name="script")
    expires = ApiToken.objects.get().expires_at
    assert before + dt.timedelta(days=90) <= expires <= timezone.now() + dt.timedelta(days=90)


def test_it_works_until_it_expires_and_not_after(world: World) -> None:
    secret = api_token_create(user=world.practitioner, name="script", days=7)
    with _later(days=6, hours=23):
        assert _script(secret).get("/api/patients/").status_code == 200
    with _later(days=7, seconds=1):
        assert _script(secret).get("/api/patients/").status_code == 401


def test_it_audits_the_refusal_of_an_expired_token(world: World) -> None:
    secret = api_token_create(user=world.practitioner, name="script", days=1)
    with _later(days=2):
        _script(secret).get("/api/patients/")
    entry = AuditEntry.objects.filter(object_type="api_token", action="login").first()
    assert (entry.actor_id, entry.outcome, entry.detail) == (
        world.practitioner.pk, "denied", {"reason": "expired"})


@pytest.mark.parametrize("days", [0, -1, 366])
def test_it_refuses_a_life_outside_1_to_365_days(world: World, days: int) -> None:
    with pytest.raises(InputError) as caught:
        api_token_create(user=world.practitioner, name="script", days=days)
    assert list(caught.value.errors) == ["days"]
    assert not ApiToken.objects.exists()


def test_it_audits_the_first_use_and_then_once_a_minute(world: World) -> None:
    secret = api_token_create(user=world.practitioner, name="script")
    for _ in range(3):
        _script(secret).get("/api/patients/")
    with _later(minutes=1, seconds=1):
        _script(secret).get("/api/patients/")
    uses = AuditEntry.objects.filter(object_type="api_token", action="login", outcome="ok")
    assert sorted(e.detail["uses"] for e in uses) == [1, 4]
    assert ApiToken.objects.get().uses == 4


# --- pages ---------------------------------------------------------------------------------------


def test_it_creates_a_token_on_the_account_page_and_shows_it_once(world: World,
                                                                   client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    page = client.post(reverse("account"), {"name": "billing export", "days": "30"}
                       ).content.decode()
    secret = page.split('<code class="secret">')[1].split("</code>")[0]
    assert _script(secret).get("/api/patients/").status_code == 200
    assert secret not in client.get(reverse("account")).content.decode()
    token = ApiToken.objects.get()
    assert (token.name, token.user) == ("billing export", world.practitioner)


def test_it_lists_ones_own_tokens_with_their_last_use(world: World, client_for) -> None:  # noqa: ANN001
    secret = api_token_create(user=world.practitioner, name="nightly export")
    api_token_create(user=world.front_desk, name="desk script")
    _script(secret).get("/api/patients/")
    page = client_for("practitioner").get(reverse("account")).content.decode()
    assert "nightly export" in page and "desk script" not in page
    assert "1 use)" in page


def test_it_lets_a_user_revoke_their_token(world: World, client_for) -> None:  # noqa: ANN001
    secret = api_token_create(user=world.practitioner, name="script")
    token = ApiToken.objects.get()
    client_for("practitioner").post(reverse("token_revoke", args=[token.pk]))
    assert _script(secret).get("/api/patients/").status_code == 401
    entry = AuditEntry.objects.get(object_type="api_token", action="update")
    assert (entry.detail["revoked"], entry.actor_id) == (True, world.practitioner.pk)


def test_it_lets_the_owner_list_and_revoke_the_clinics_tokens(world: World, client_for) -> None:  # noqa: ANN001
    secret = api_token_create(user=world.practitioner, name="prac script")
    api_token_create(user=world.outsider, name="other clinic script")
    client = client_for("owner")
    page = client.get(reverse("token_list")).content.decode()
    assert "prac script" in page and "other clinic script" not in page
    client.post(reverse("token_revoke", args=[ApiToken.objects.get(name="prac script").pk]))
    assert _script(secret).get("/api/patients/").status_code == 401


def test_it_answers_404_to_revoking_someone_elses_token(world: World, client_for) -> None:  # noqa: ANN001
    api_token_create(user=world.practitioner, name="prac script")
    api_token_create(user=world.outsider, name="other clinic script")
    mine = ApiToken.objects.get(name="prac script")
    theirs = ApiToken.objects.get(name="other clinic script")
    assert client_for("front_desk").post(reverse("token_revoke", args=[mine.pk])).status_code == 404
    assert client_for("owner").post(reverse("token_revoke", args=[theirs.pk])).status_code == 404
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 2


def test_it_keeps_the_clinic_token_page_for_owners(client_for) -> None:  # noqa: ANN001
    assert client_for("practitioner").get(reverse("token_list")).status_code == 403


# --- the command line ---------------------------------------------------------------------------


def test_it_creates_a_token_with_an_expiry_from_the_command_line(world: World, capsys) -> None:  # noqa: ANN001
    assert main(["token", "create", "prac", "--name", "cron", "--expires", "10"]) == 0
    token = ApiToken.objects.get()
    assert token.name == "cron"
    assert abs(token.expires_at - token.created_at - dt.timedelta(days=10)) < dt.timedelta(
        seconds=5)


def test_it_refuses_an_expiry_out_of_range_on_the_command_line(world: World, capsys) -> None:  # noqa: ANN001
    assert main(["token", "prac", "--expires", "400"]) == 2
    assert "1 to 365 days" in capsys.readouterr().err


def test_it_lists_tokens_as_json_without_secrets(world: World, capsys) -> None:  # noqa: ANN001
    secret = api_token_create(user=world.practitioner, name="cron")
    capsys.readouterr()
    assert main(["token", "list", "prac"]) == 0
    out = capsys.readouterr().out
    [row] = json.loads(out)
    assert (row["user"], row["name"], row["usable"], row["uses"]) == ("prac", "cron", True, 0)
    assert secret not in out


def test_it_revokes_a_token_from_the_command_line(world: World, capsys) -> None:  # noqa: ANN001
    secret = api_token_create(user=world.practitioner, name="cron")
    assert main(["token", "revoke", str(ApiToken.objects.get().pk)]) == 0
    assert _script(secret).get("/api/patients/").status_code == 401
    entry = AuditEntry.objects.get(object_type="api_token", action="update")
    assert (entry.channel, entry.detail["revoked"]) == ("cli", True)


def test_it_exits_2_revoking_an_unknown_token(world: World, capsys) -> None:  # noqa: ANN001
    assert main(["token", "revoke", "999999"]) == 2
