"""Owners manage their staff on ordinary pages: invite by a one-time link, change a role, switch
a login off and on, send a link again, edit credentials. Every change audited; other roles and
other clinics refused."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from acuback.accounts.models import Membership, PractitionerProfile, Role, User
from acuback.audit.models import AuditEntry
from tests.personas import PASSWORD, World

INVITE = {"first_name": "Mei", "last_name": "Chen", "email": "mei@example.org",
          "username": "mei", "role": "practitioner"}


def last_entry() -> AuditEntry:
    return AuditEntry.objects.order_by("-seq").first()


def link_in(message: mail.EmailMessage) -> str:
    return re.search(r"http://testserver(/account/link/\S+/)", message.body).group(1)


@pytest.fixture
def invited(world: World, client_for, django_capture_on_commit_callbacks) -> User:  # noqa: ANN001
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("owner").post(reverse("staff_invite"), INVITE)
    assert response.status_code == 302, response.content.decode()
    return User.objects.get(username="mei")


# --- the list and who may see it -----------------------------------------------------------------


def test_it_lists_the_clinics_staff_for_an_owner(client_for, django_assert_max_num_queries) -> None:  # noqa: ANN001
    client = client_for("owner")
    with django_assert_max_num_queries(6):  # the real count on both databases
        page = client.get(reverse("staff_list")).content.decode()
    assert "prac" in page and "desk" in page
    assert "outsider" not in page and "b-owner" not in page
    assert ">pt<" not in page  # portal logins are on the patients' charts


@pytest.mark.parametrize("persona", ["practitioner", "front_desk", "patient_user"])
def test_it_refuses_the_staff_pages_to_other_roles(client_for, persona: str) -> None:  # noqa: ANN001
    client = client_for(persona)
    assert client.get(reverse("staff_list")).status_code == 403
    assert client.post(reverse("staff_invite"), INVITE).status_code == 403
    assert not User.objects.filter(username="mei").exists()


def test_it_audits_a_refused_invitation(client_for) -> None:  # noqa: ANN001
    client_for("practitioner").post(reverse("staff_invite"), INVITE)
    assert (last_entry().object_type, last_entry().outcome) == ("staff", "denied")


def test_it_answers_404_for_another_clinics_member(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("owner")
    for name in ("staff_detail", "staff_credentials"):
        assert client.get(reverse(name, args=[world.outsider.pk])).status_code == 404
    response = client.post(reverse("staff_active", args=[world.outsider.pk]))
    assert response.status_code == 404
    assert User.objects.get(pk=world.outsider.pk).is_active


def test_it_answers_404_for_a_patient_login_on_the_staff_pages(world: World, client_for) -> None:  # noqa: ANN001
    assert client_for("owner").get(
        reverse("staff_detail", args=[world.patient_user.pk])).status_code == 404


# --- inviting ------------------------------------------------------------------------------


def test_it_invites_a_colleague_without_a_password(invited: User) -> None:
    assert invited.membership.role == Role.PRACTITIONER
    assert not invited.has_usable_password()
    assert invited.is_active and not invited.is_staff


def test_it_mails_the_invitation_link(invited: User) -> None:
    [message] = mail.outbox
    assert message.to == ["mei@example.org"]
    assert "Riverside Acupuncture" in message.subject
    assert "mei" in message.body and "/account/link/" in message.body
    assert PASSWORD not in message.body


def test_it_audits_the_invitation(invited: User, world: World) -> None:
    entry = AuditEntry.objects.filter(object_type="staff", action="create").first()
    assert (entry.actor_id, entry.object_id, entry.clinic_id, entry.detail["role"]) == (
        world.owner.pk, str(invited.pk), world.clinic_a.pk, "practitioner")


def test_it_lets_the_invitee_choose_a_password_then_log_in(invited: User) -> None:
    client = Client()
    link = link_in(mail.outbox[0])
    page = client.get(link).content.decode()
    assert "Welcome to acuback" in page and "mei" in page
    response = client.post(link, {"new_password": "plum-orchard-41", "new_password2":
                                  "plum-orchard-41"})
    assert response["Location"] == "/login/"
    assert client.post("/login/", {"username": "mei", "password": "plum-orchard-41"}
                       ).status_code == 302


def test_it_makes_the_link_work_once(invited: User) -> None:
    link = link_in(mail.outbox[0])
    Client().post(link, {"new_password": "plum-orchard-41", "new_password2": "plum-orchard-41"})
    again = Client().post(link, {"new_password": "other-choice-52",
                                 "new_password2": "other-choice-52"})
    assert again.status_code == 400 and "no longer works" in again.content.decode()
    assert User.objects.get(pk=invited.pk).check_password("plum-orchard-41")


def test_it_audits_the_password_chosen_through_the_link(invited: User) -> None:
    Client().post(link_in(mail.outbox[0]), {"new_password": "plum-orchard-41",
                                            "new_password2": "plum-orchard-41"})
    entry = last_entry()
    assert (entry.action, entry.object_type, entry.actor_id, entry.detail) == (
        "update", "password", invited.pk, {"via": "invitation"})


def test_it_keeps_what_was_typed_when_the_invitation_is_refused(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("owner").post(reverse("staff_invite"), {**INVITE, "username": "PRAC"})
    page = response.content.decode()
    assert response.status_code == 200 and "This username is taken" in page
    assert 'value="mei@example.org"' in page and 'value="Chen"' in page
    assert not mail.outbox


def test_it_never_asks_the_owner_for_a_password(client_for) -> None:  # noqa: ANN001
    page = client_for("owner").get(reverse("staff_invite")).content.decode()
    assert 'type="password"' not in page


# --- roles, switching off, links again ---------------------------------------------------------


def test_it_changes_a_role_and_audits_it(world: World, client_for) -> None:  # noqa: ANN001
    client_for("owner").post(reverse("staff_role", args=[world.front_desk.pk]),
                             {"role": "practitioner"})
    assert Membership.objects.get(user=world.front_desk).role == Role.PRACTITIONER
    entry = last_entry()
    assert (entry.object_type, entry.object_id, entry.detail) == (
        "membership", str(world.front_desk.pk), {"from": "front_desk", "to": "practitioner"})


def test_it_makes_a_new_owner_staff_of_the_admin(world: World, client_for) -> None:  # noqa: ANN001
    client_for("owner").post(reverse("staff_role", args=[world.practitioner.pk]), {"role": "owner"})
    assert User.objects.get(pk=world.practitioner.pk).is_staff


def test_it_keeps_one_active_owner(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("owner").post(reverse("staff_role", args=[world.owner.pk]),
                                        {"role": "practitioner"})
    assert "only active owner" in response.content.decode()
    assert Membership.objects.get(user=world.owner).role == Role.OWNER


def test_it_refuses_a_role_that_is_not_staff(world: World, client_for) -> None:  # noqa: ANN001
    client_for("owner").post(reverse("staff_role", args=[world.front_desk.pk]),
                             {"role": "patient"})
    assert Membership.objects.get(user=world.front_desk).role == Role.FRONT_DESK


def test_it_switches_a_login_off_and_ends_its_session_and_tokens(world: World, client_for) -> None:  # noqa: ANN001
    from acuback.accounts.tokens import api_token_create

    secret = api_token_create(user=world.front_desk, name="script")
    session = client_for("front_desk")
    assert session.get("/patients/").status_code == 200
    client_for("owner").post(reverse("staff_active", args=[world.front_desk.pk]))
    assert not User.objects.get(pk=world.front_desk.pk).is_active
    assert session.get("/patients/").status_code == 302
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/patients/").status_code == 401
    entry = AuditEntry.objects.filter(object_type="user").first()
    assert (entry.actor_id, entry.detail) == (world.owner.pk, {"active": False})


def test_it_switches_a_login_on_again(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("owner")
    client.post(reverse("staff_active", args=[world.front_desk.pk]))
    client.post(reverse("staff_active", args=[world.front_desk.pk]), {"active": "on"})
    assert User.objects.get(pk=world.front_desk.pk).is_active


def test_it_does_not_let_an_owner_switch_themself_off(world: World, client_for) -> None:  # noqa: ANN001
    client_for("owner").post(reverse("staff_active", args=[world.owner.pk]))
    assert User.objects.get(pk=world.owner.pk).is_active


def test_it_sends_the_invitation_again_and_voids_the_first(
        invited: User, client_for, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    first = link_in(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        client_for("owner").post(reverse("staff_link", args=[invited.pk]))
    assert last_entry().object_type == "invitation"
    second = link_in(mail.outbox[1])
    assert "Your acuback login" in mail.outbox[1].subject
    assert Client().get(first).status_code == 400
    assert Client().get(second).status_code == 200


def test_it_sends_a_reset_link_and_never_touches_the_password(
        world: World, client_for, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    User.objects.filter(pk=world.front_desk.pk).update(email="desk@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client_for("owner").post(reverse("staff_link", args=[world.front_desk.pk]))
    [message] = mail.outbox
    assert "new acuback password" in message.subject
    assert User.objects.get(pk=world.front_desk.pk).check_password(PASSWORD)
    Client().post(link_in(message), {"new_password": "tulip-harbour-63",
                                     "new_password2": "tulip-harbour-63"})
    assert User.objects.get(pk=world.front_desk.pk).check_password("tulip-harbour-63")
    assert last_entry().detail == {"via": "password_reset"}


def test_it_ends_a_lockout_with_a_reset_through_the_link(
        world: World, client_for, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    from django.utils import timezone

    User.objects.filter(pk=world.front_desk.pk).update(
        email="desk@example.org", locked_until=timezone.now() + timezone.timedelta(minutes=9))
    with django_capture_on_commit_callbacks(execute=True):
        client_for("owner").post(reverse("staff_link", args=[world.front_desk.pk]))
    Client().post(link_in(mail.outbox[0]), {"new_password": "tulip-harbour-63",
                                            "new_password2": "tulip-harbour-63"})
    client = Client()
    client.post("/login/", {"username": "desk", "password": "tulip-harbour-63"})
    assert "_auth_user_id" in client.session


def test_it_voids_outstanding_links_when_a_login_is_switched_off(
        invited: User, client_for) -> None:  # noqa: ANN001
    client_for("owner").post(reverse("staff_active", args=[invited.pk]))
    assert Client().get(link_in(mail.outbox[0])).status_code == 400


# --- credentials ----------------------------------------------------------------------------


CREDENTIALS = {"credentials": "LAc", "licence_number": "AC-77", "licence_state": "OR",
               "npi": "1234567893", "supervising_physician": "Dr Ruth Osler",
               "acaom_degree": "yes"}


def test_it_records_practitioner_credentials(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("owner").post(
        reverse("staff_credentials", args=[world.practitioner.pk]), CREDENTIALS)
    assert response.status_code == 302
    profile = PractitionerProfile.objects.get(user=world.practitioner)
    assert (profile.licence_number, profile.licence_state, profile.supervising_physician,
            profile.acaom_degree) == ("AC-77", "OR", "Dr Ruth Osler", True)
    entry = last_entry()
    assert (entry.object_type, entry.actor_id) == ("practitioner_profile", world.owner.pk)
    assert entry.detail["changed"] == ["acaom_degree", "credentials", "licence_number",
                                       "licence_state", "supervising_physician"]


def test_it_keeps_an_unrecorded_degree_unknown_not_no(world: World, client_for) -> None:  # noqa: ANN001
    client_for("owner").post(reverse("staff_credentials", args=[world.practitioner.pk]),
                             {**CREDENTIALS, "acaom_degree": ""})
    assert PractitionerProfile.objects.get(user=world.practitioner).acaom_degree is None


def test_it_shows_a_bad_npi_beside_its_field_and_keeps_the_rest(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("owner").post(
        reverse("staff_credentials", args=[world.practitioner.pk]),
        {**CREDENTIALS, "npi": "1234567890"})
    page = response.content.decode()
    assert "valid check digit" in page and 'value="Dr Ruth Osler"' in page
    assert PractitionerProfile.objects.get(user=world.practitioner).npi == "1234567893"


def test_it_refuses_credentials_to_front_desk(world: World, client_for) -> None:  # noqa: ANN001
    client_for("owner").post(reverse("staff_credentials", args=[world.front_desk.pk]),
                             CREDENTIALS)
    assert not PractitionerProfile.objects.filter(user=world.front_desk).exists()
