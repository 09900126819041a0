"""`acuback invite`: a new clinic's first owner without a superuser, by a one-time link."""

from __future__ import annotations

import re

from django.test import Client

from acuback.accounts.models import Clinic, Role, User
from acuback.audit.models import AuditEntry
from acuback.cli import main
from tests.personas import World

ARGS = ["olive", "--email", "olive@example.org", "--clinic", "sunrise",
        "--clinic-name", "Sunrise Acupuncture", "--first-name", "Olive"]


def test_it_creates_the_clinic_and_invites_its_owner(db: None, capsys) -> None:  # noqa: ANN001
    assert main(["invite", *ARGS]) == 0
    user = User.objects.get(username="olive")
    assert (user.membership.clinic.name, user.membership.role) == ("Sunrise Acupuncture",
                                                                   Role.OWNER)
    assert user.is_staff and not user.has_usable_password()


def test_it_prints_a_link_that_lets_the_owner_choose_a_password(db: None, capsys) -> None:  # noqa: ANN001
    main(["invite", *ARGS])
    path = re.search(r"http://localhost:8000(/account/link/\S+)", capsys.readouterr().out)[1]
    Client().post(path, {"new_password": "sunrise-garden-19", "new_password2": "sunrise-garden-19"})
    client = Client()
    client.post("/login/", {"username": "olive", "password": "sunrise-garden-19"})
    assert client.get("/staff/").status_code == 200


def test_it_audits_the_clinic_and_the_invitation_from_the_command_line(db: None, capsys) -> None:  # noqa: ANN001
    main(["invite", *ARGS])
    kinds = list(AuditEntry.objects.order_by("seq").values_list("object_type", "channel"))
    assert kinds == [("clinic", "cli"), ("staff", "cli")]


def test_it_invites_into_an_existing_clinic(world: World, capsys) -> None:  # noqa: ANN001
    assert main(["invite", "newdesk", "--email", "d@example.org", "--clinic", "riverside",
                 "--role", "front_desk"]) == 0
    assert User.objects.get(username="newdesk").membership.clinic == world.clinic_a


def test_it_exits_2_for_an_unknown_clinic(db: None, capsys) -> None:  # noqa: ANN001
    assert main(["invite", "olive", "--email", "o@example.org", "--clinic", "nowhere"]) == 2
    assert "no clinic 'nowhere'" in capsys.readouterr().err
    assert not Clinic.objects.exists()


def test_it_exits_2_for_a_bad_email_and_creates_nothing(db: None, capsys) -> None:  # noqa: ANN001
    args = [a if a != "olive@example.org" else "not-an-address" for a in ARGS]
    assert main(["invite", *args]) == 2
    assert "email" in capsys.readouterr().err
    assert not Clinic.objects.exists() and not User.objects.exists()
