"""health_edit: clinical roles keep the health history; front desk and patients may not."""

from __future__ import annotations

import pytest
from django.urls import reverse

from acuback.patients.models import HealthHistory
from tests.web.helpers import between, html


def edit(world, patient=None) -> str:
    return reverse("health_edit", args=[(patient or world.patient).pk])


@pytest.mark.parametrize("persona", ["owner", "practitioner"])
def test_it_shows_the_form_to_clinical_roles(client_for, world, persona: str) -> None:
    assert client_for(persona).get(edit(world)).status_code == 200


@pytest.mark.parametrize("persona", ["front_desk", "patient_user"])
def test_it_refuses_other_roles_with_403(client_for, world, persona: str) -> None:
    assert client_for(persona).get(edit(world)).status_code == 403


def test_it_answers_404_for_another_clinics_patient(client_for, world) -> None:
    assert client_for("outsider").get(edit(world)).status_code == 404


def test_it_answers_front_desk_404_for_another_clinics_patient(client_for, world) -> None:
    assert client_for("front_desk").get(edit(world, world.patient_b)).status_code == 404


def test_it_fills_in_the_current_answers(client_for, world) -> None:
    page = html(client_for("practitioner").get(edit(world)))
    assert 'name="pregnant" id="id_pregnant" checked' in page and 'value="20"' in page
    assert '<option value="pacemaker" selected>' in page


def test_it_saves_the_answers(client_for, world) -> None:
    client_for("practitioner").post(edit(world, world.other_patient),
                                    {"implanted_device": "none", "diabetes": "on",
                                     "skin_lesion_regions": ["foot"]})
    health = HealthHistory.objects.get(patient=world.other_patient)
    assert health.diabetes and health.skin_lesion_regions == ["foot"]


def test_it_shows_weeks_without_pregnancy_beside_the_field(client_for, world) -> None:
    page = html(client_for("practitioner").post(
        edit(world, world.other_patient),
        {"implanted_device": "none", "pregnancy_weeks": "12", "medications": "ibuprofen"}))
    assert "only apply when the patient is pregnant" in between(
        page, 'id="id_pregnancy_weeks"', "</fieldset>")
    assert "ibuprofen" in page and 'value="12"' in page


def test_it_refuses_a_patient_who_posts_anyway(client_for, world) -> None:
    response = client_for("patient_user").post(edit(world), {"implanted_device": "none"})
    assert response.status_code == 403
    assert HealthHistory.objects.get(patient=world.patient).pregnant
