"""One-time links: a forgotten password sends one to the login's address (the page says the
same whether or not the login exists); a link that is wrong, used or expired is refused and
audited."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acuback.accounts.links import link_path
from acuback.accounts.models import User
from acuback.audit.models import AuditEntry
from tests.personas import World

NEW = "harbour-lantern-55"


def _forgot(login: str, capture) -> str:  # noqa: ANN001
    with capture(execute=True):
        response = Client().post(reverse("password_forgot"), {"login": login}, follow=True)
    return response.content.decode()


def test_it_sends_a_reset_link_for_a_username(world: World,
                                              django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    User.objects.filter(pk=world.practitioner.pk).update(email="pat@example.org")
    _forgot("PRAC", django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == ["pat@example.org"]
    link = re.search(r"http://testserver(\S+)", message.body).group(1)
    Client().post(link, {"new_password": NEW, "new_password2": NEW})
    assert User.objects.get(pk=world.practitioner.pk).check_password(NEW)


def test_it_sends_a_reset_link_for_an_email_address(world: World,
                                                    django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    User.objects.filter(pk=world.practitioner.pk).update(email="pat@example.org")
    _forgot("Pat@Example.org", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_it_says_the_same_whether_or_not_the_login_exists(
        world: World, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    User.objects.filter(pk=world.practitioner.pk).update(email="pat@example.org")
    known = _forgot("prac", django_capture_on_commit_callbacks)
    unknown = _forgot("nobody-here", django_capture_on_commit_callbacks)
    said = "If that login exists and has an e-mail address"
    assert said in known and said in unknown
    assert len(mail.outbox) == 1


def test_it_audits_both_kinds_of_request(world: World,
                                         django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    User.objects.filter(pk=world.practitioner.pk).update(email="pat@example.org")
    _forgot("prac", django_capture_on_commit_callbacks)
    _forgot("nobody-here", django_capture_on_commit_callbacks)
    sent, unknown = AuditEntry.objects.filter(object_type="password_reset").order_by("seq")
    assert (sent.actor_id, sent.outcome, sent.detail) == (
        world.practitioner.pk, "ok", {"asked_by": "self"})
    assert (unknown.actor_id, unknown.outcome, unknown.detail) == (
        None, "not_found", {"asked_for": "nobody-here"})


def test_it_sends_nothing_to_a_switched_off_login(world: World,
                                                  django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    User.objects.filter(pk=world.practitioner.pk).update(email="pat@example.org", is_active=False)
    _forgot("prac", django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_it_refuses_and_audits_a_made_up_link(db: None) -> None:
    response = Client().get("/account/link/MQ/made-up-token/")
    assert response.status_code == 400
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.object_type, entry.outcome) == ("account_link", "denied")


def test_it_refuses_a_link_after_three_days(world: World) -> None:
    path = link_path(world.practitioner)
    later = timezone.now() + dt.timedelta(days=3, minutes=1)
    with mock.patch("django.contrib.auth.tokens.PasswordResetTokenGenerator._now",
                    return_value=later.replace(tzinfo=None)):
        assert Client().get(path).status_code == 400
    assert Client().get(path).status_code == 200


def test_it_voids_a_link_once_its_owner_logs_in(world: World) -> None:
    path = link_path(world.practitioner)
    User.objects.filter(pk=world.practitioner.pk).update(last_login=timezone.now())
    assert Client().get(path).status_code == 400


def test_it_refuses_a_weak_password_through_a_link_and_keeps_the_link(world: World) -> None:
    path = link_path(world.practitioner)
    page = Client().post(path, {"new_password": "123", "new_password2": "123"}).content.decode()
    assert "too short" in page
    assert Client().get(path).status_code == 200
