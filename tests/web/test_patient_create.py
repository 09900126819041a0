"""patient_create: staff register a patient; the service's rules show beside the fields and
what was typed stays."""

from __future__ import annotations

import pytest
from django.urls import reverse

from acuback.patients.models import Patient
from tests.web.helpers import between, html, patient_form, tomorrow

URL = reverse("patient_create")


@pytest.mark.parametrize("persona", ["owner", "practitioner", "front_desk"])
def test_it_shows_the_form_to_staff(client_for, persona: str) -> None:
    response = client_for(persona).get(URL)
    assert response.status_code == 200 and 'name="given_name"' in html(response)


def test_it_refuses_a_patient_with_403(client_for) -> None:
    assert client_for("patient_user").get(URL).status_code == 403


def test_it_refuses_a_patient_who_posts_anyway(client_for) -> None:
    response = client_for("patient_user").post(URL, patient_form())
    assert response.status_code == 403 and not Patient.objects.filter(family_name="Curie").exists()


def test_it_registers_the_patient_in_the_actors_clinic(client_for, world) -> None:
    client_for("front_desk").post(URL, patient_form())
    assert Patient.objects.get(family_name="Curie").clinic == world.clinic_a


def test_it_opens_the_new_chart(client_for) -> None:
    response = client_for("front_desk").post(URL, patient_form())
    patient = Patient.objects.get(family_name="Curie")
    assert response["Location"] == reverse("patient_detail", args=[patient.pk])


def test_it_shows_a_future_birth_date_beside_the_field(client_for) -> None:
    page = html(client_for("front_desk").post(URL, patient_form(date_of_birth=tomorrow())))
    assert "Date of birth cannot be in the future." in between(page, 'id="id_date_of_birth"',
                                                               'id="id_sex"')


def test_it_keeps_what_was_typed_after_a_service_error(client_for) -> None:
    page = html(client_for("front_desk").post(URL, patient_form(date_of_birth=tomorrow())))
    for typed in ('value="Marie"', 'value="Curie"', f'value="{tomorrow()}"',
                  'value="marie@example.org"', "1 Rue Pierre", '<option value="female" selected>'):
        assert typed in page


def test_it_saves_nothing_after_a_service_error(client_for) -> None:
    client_for("front_desk").post(URL, patient_form(date_of_birth=tomorrow()))
    assert not Patient.objects.filter(family_name="Curie").exists()


def test_it_keeps_what_was_typed_when_a_field_is_missing(client_for) -> None:
    page = html(client_for("front_desk").post(URL, patient_form(family_name="")))
    assert "This field is required." in between(page, 'id="id_family_name"', 'id="id_date')
    assert 'value="Marie"' in page


def test_it_offers_only_the_clinics_practitioners(client_for, world) -> None:
    page = html(client_for("front_desk").get(URL))
    assert f'<option value="{world.practitioner.pk}">Pat Lin</option>' in page
    assert f'value="{world.outsider.pk}"' not in page


def test_it_refuses_a_practitioner_of_another_clinic(client_for, world) -> None:
    response = client_for("front_desk").post(URL, patient_form(practitioner_id=world.outsider.pk))
    assert response.status_code == 200 and "Select a valid choice" in html(response)
