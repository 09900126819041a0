"""Portal logins for patients, invited from the chart the way staff are: a one-time link by
e-mail, the patient chooses the password; sent again, switched off. Staff of the patient's
clinic only; audited."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from acuback.accounts.models import Role, User
from acuback.audit.models import AuditEntry
from acuback.patients.models import Patient
from tests.personas import World

FORM = {"email": "grace@example.org", "username": "grace"}


def _invite(client: Client, patient: Patient, **fields: str) -> object:
    return client.post(reverse("portal_invite", args=[patient.pk]), {**FORM, **fields})


@pytest.mark.parametrize("persona", ["owner", "practitioner", "front_desk"])
def test_it_invites_a_patient_from_the_chart(world: World, client_for, persona: str,
                                             django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client_for(persona), world.other_patient)
    assert response.status_code == 302
    login = Patient.objects.get(pk=world.other_patient.pk).user
    assert (login.username, login.membership.role, login.has_usable_password()) == (
        "grace", Role.PATIENT, False)
    [message] = mail.outbox
    assert message.to == ["grace@example.org"] and "/account/link/" in message.body


def test_it_audits_the_portal_invitation(world: World, client_for) -> None:  # noqa: ANN001
    _invite(client_for("front_desk"), world.other_patient)
    entry = AuditEntry.objects.filter(object_type="portal_login").first()
    assert (entry.actor_id, entry.outcome, entry.detail["patient"]) == (
        world.front_desk.pk, "ok", world.other_patient.pk)


def test_it_lets_the_patient_choose_a_password_and_see_only_their_record(
        world: World, client_for, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for("front_desk"), world.other_patient)
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    Client().post(link, {"new_password": "meadow-kettle-73", "new_password2": "meadow-kettle-73"})
    client = Client()
    client.post("/login/", {"username": "grace", "password": "meadow-kettle-73"})
    assert "Hopper" in client.get("/patients/me/").content.decode()
    assert client.get(f"/patients/{world.patient.pk}/").status_code in (403, 404)


def test_it_answers_404_for_another_clinics_patient(world: World, client_for) -> None:  # noqa: ANN001
    response = _invite(client_for("outsider"), world.other_patient)
    assert response.status_code == 404
    assert Patient.objects.get(pk=world.other_patient.pk).user is None


def test_it_refuses_a_patient_inviting(world: World, client_for) -> None:  # noqa: ANN001
    assert _invite(client_for("patient_user"), world.other_patient).status_code in (403, 404)
    assert not User.objects.filter(username="grace").exists()


def test_it_refuses_a_second_portal_login(world: World, client_for) -> None:  # noqa: ANN001
    page = _invite(client_for("front_desk"), world.patient).content.decode()
    assert "already has a portal login" in page
    assert not User.objects.filter(username="grace").exists()


def test_it_keeps_what_was_typed_when_refused(world: World, client_for) -> None:  # noqa: ANN001
    page = _invite(client_for("front_desk"), world.other_patient, username="prac").content.decode()
    assert "This username is taken" in page and 'value="grace@example.org"' in page


def test_it_offers_the_invitation_on_the_chart_with_the_patients_email(world: World,
                                                                        client_for) -> None:  # noqa: ANN001
    Patient.objects.filter(pk=world.other_patient.pk).update(email="g.hopper@example.org")
    page = client_for("front_desk").get(
        reverse("patient_detail", args=[world.other_patient.pk])).content.decode()
    assert "Invite to the portal" in page and 'value="g.hopper@example.org"' in page


def test_it_hides_the_portal_card_from_the_patient(client_for) -> None:  # noqa: ANN001
    page = client_for("patient_user").get("/patients/me/").content.decode()
    assert 'data-testid="portal-card"' not in page


def test_it_switches_a_portal_login_off(world: World, client_for) -> None:  # noqa: ANN001
    client_for("front_desk").post(reverse("portal_login_change", args=[world.patient.pk]),
                                  {"change": "off"})
    assert not User.objects.get(pk=world.patient_user.pk).is_active
    assert AuditEntry.objects.filter(object_type="user").first().detail == {"active": False}


def test_it_sends_a_portal_link_again(world: World, client_for,
                                      django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    User.objects.filter(pk=world.patient_user.pk).update(email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client_for("front_desk").post(reverse("portal_login_change", args=[world.patient.pk]),
                                      {"change": "link"})
    assert mail.outbox[0].to == ["ada@example.org"]
