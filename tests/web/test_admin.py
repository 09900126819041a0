"""The Django admin for owners: their clinic only, patient records and the audit trail
read-only, and reading patient data there audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from acuback.accounts.models import User
from acuback.audit.models import AuditEntry
from tests.web.helpers import html, last_entry


def change(model: str, pk: object) -> str:
    return reverse(f"admin:{model.replace('.', '_')}_change", args=[pk])


def changelist(model: str) -> str:
    return reverse(f"admin:{model.replace('.', '_')}_changelist")


def test_it_lets_an_owner_into_the_admin(client_for) -> None:
    page = html(client_for("owner").get(reverse("admin:index")))
    assert "Patients" in page and "Audit entries" in page


@pytest.mark.parametrize("persona", ["practitioner", "front_desk", "patient_user"])
def test_it_keeps_other_roles_out(client_for, persona: str) -> None:
    response = client_for(persona).get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_it_lists_only_the_owners_clinics_patients(client_for) -> None:
    page = html(client_for("owner").get(changelist("patients.patient")))
    assert "Lovelace" in page and "Lamarr" not in page


def test_it_hides_another_clinics_patient(client_for, world) -> None:
    response = client_for("owner").get(change("patients.patient", world.patient_b.pk))
    assert response.status_code == 302


def test_it_shows_a_patient_read_only(client_for, world) -> None:
    response = client_for("owner").get(change("patients.patient", world.patient.pk))
    assert response.status_code == 200 and 'name="_save"' not in html(response)


def test_it_refuses_to_change_a_patient(client_for, world) -> None:
    response = client_for("owner").post(change("patients.patient", world.patient.pk),
                                        {"given_name": "Eve"})
    world.patient.refresh_from_db()
    assert response.status_code == 403 and world.patient.given_name == "Ada"


@pytest.mark.parametrize("model", ["patients.patient", "patients.healthhistory",
                                   "patients.consent", "episodes.episode", "audit.auditentry"])
def test_it_refuses_to_add_records_that_services_write(client_for, model: str) -> None:
    add = reverse(f"admin:{model.replace('.', '_')}_add")
    assert client_for("owner").get(add).status_code == 403


def test_it_audits_an_owner_reading_a_patient(client_for, world) -> None:
    client_for("owner").get(change("patients.patient", world.patient.pk))
    entry = last_entry()
    assert (entry.actor_username, entry.action, entry.object_type, entry.object_id) == (
        "owner", "read", "patient", str(world.patient.pk))


def test_it_audits_an_owner_listing_episodes(client_for) -> None:
    client_for("owner").get(changelist("episodes.episode"))
    entry = last_entry()
    assert (entry.action, entry.object_type, entry.detail["via"]) == ("list", "episode", "admin")


def test_it_shows_the_owner_only_their_clinics_audit_entries(client_for, world) -> None:
    response = client_for("owner").get(changelist("audit.auditentry"))
    shown = response.context["cl"].queryset
    assert shown.exists() and set(shown.values_list("clinic_id", flat=True)) == {
        world.clinic_a.pk}


def test_it_never_lets_anyone_delete_an_audit_entry(world) -> None:
    root = User.objects.create_superuser("root", "root@example.org", "x-very-long-password-1")
    client = Client()
    client.force_login(root)
    entry = AuditEntry.objects.order_by("seq").first()
    assert entry is not None
    delete = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def user_form(user: User, **fields: str) -> dict[str, object]:
    """What the admin's user form would post, with its membership inline's management form."""
    return {"first_name": "", "last_name": "", "email": "", "membership-TOTAL_FORMS": "1",
            "membership-INITIAL_FORMS": "1", "membership-MIN_NUM_FORMS": "0",
            "membership-MAX_NUM_FORMS": "1", "membership-0-id": str(user.membership.pk),
            "membership-0-user": str(user.pk), **fields}


def test_it_refuses_an_owner_changing_a_login_in_the_admin(client_for, world) -> None:
    """Switching people off moved to the staff pages, where it is audited."""
    response = client_for("owner").post(change("accounts.user", world.front_desk.pk),
                                        user_form(world.front_desk, first_name="Dee"))
    world.front_desk.refresh_from_db()
    assert response.status_code == 403
    assert world.front_desk.is_active and world.front_desk.first_name == ""


@pytest.mark.parametrize("who", ["owner", "superuser"])
def test_it_lets_nobody_set_a_colleagues_password_in_the_admin(client_for, world, who) -> None:
    if who == "superuser":
        client = Client()
        client.force_login(User.objects.create_superuser("root", "r@example.org", "x-long-pw-12"))
    else:
        client = client_for("owner")
    before = User.objects.get(pk=world.front_desk.pk).password
    url = reverse("admin:auth_user_password_change", args=[world.front_desk.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "owner-knows-it-1", "password2": "owner-knows-it-1"})
    assert response.status_code == 403
    assert User.objects.get(pk=world.front_desk.pk).password == before


def test_it_lets_nobody_add_a_login_with_a_password_in_the_admin(world) -> None:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "r@example.org", "x-long-pw-12"))
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403


def test_it_hides_users_of_another_clinic_from_an_owner(client_for, world) -> None:
    response = client_for("owner").get(change("accounts.user", world.outsider.pk))
    assert response.status_code == 302
