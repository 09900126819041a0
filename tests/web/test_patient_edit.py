"""patient_edit: staff correct demographics; a stale version is refused and the input kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from acuback.patients.models import Patient
from acuback.patients.services import PatientInput, patient_update
from tests.web.helpers import between, html, patient_form, tomorrow


def edit(world) -> str:
    return reverse("patient_edit", args=[world.patient.pk])


def ada(**overrides: object) -> dict[str, object]:
    values = {"given_name": "Ada", "family_name": "Lovelace", "date_of_birth": "1970-05-17",
              "version": 1, **overrides}
    return patient_form(**values)


@pytest.mark.parametrize("persona", ["owner", "practitioner", "front_desk"])
def test_it_shows_the_form_to_staff(client_for, world, persona: str) -> None:
    assert client_for(persona).get(edit(world)).status_code == 200


def test_it_fills_in_the_current_details_and_version(client_for, world) -> None:
    page = html(client_for("front_desk").get(edit(world)))
    assert 'value="Lovelace"' in page and 'value="1970-05-17"' in page
    assert '<input type="hidden" name="version" value="1"' in page


def test_it_saves_a_change(client_for, world) -> None:
    response = client_for("front_desk").post(edit(world), ada(phone="(202) 555-0199"))
    world.patient.refresh_from_db()
    assert response.status_code == 302 and world.patient.phone == "+12025550199"
    assert world.patient.version == 2


def test_it_refuses_a_stale_version_and_keeps_the_input(client_for, world) -> None:
    patient_update(actor=world.practitioner, patient=world.patient, version=1, data=PatientInput(
        given_name="Ada", family_name="King", date_of_birth=world.patient.date_of_birth,
        sex="female"))
    page = html(client_for("front_desk").post(edit(world), ada(given_name="Augusta")))
    assert "changed by someone else" in page and 'value="Augusta"' in page
    assert Patient.objects.get(pk=world.patient.pk).family_name == "King"


def test_it_shows_a_future_birth_date_beside_the_field(client_for, world) -> None:
    page = html(client_for("front_desk").post(edit(world), ada(date_of_birth=tomorrow(),
                                                               phone="(202) 555-0123")))
    assert "cannot be in the future" in between(page, 'id="id_date_of_birth"', 'id="id_sex"')
    assert 'value="(202) 555-0123"' in page


def test_it_refuses_the_patient_their_own_edit_form(client_for, world) -> None:
    assert client_for("patient_user").get(edit(world)).status_code == 403


def test_it_answers_404_for_another_clinics_patient(client_for, world) -> None:
    assert client_for("outsider").get(edit(world)).status_code == 404
