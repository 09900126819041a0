"""health_edit: clinical roles keep the health history; front desk and patients may not."""

from __future__ import annotations

import pytest
from django.urls import reverse

from acuback.patients.models import HealthHistory
from acuback.patients.services import HealthInput, health_history_update
from tests.personas import make_patient
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


def form_data(version: int = 2, **overrides: object) -> dict[str, object]:
    """A whole health-history form as the browser posts it: every question "no"."""
    data: dict[str, object] = {
        "version": str(version), "source": "patient", "pregnant": "no", "pregnancy_weeks": "",
        "anticoagulant": "no", "bleeding_disorder": "no", "implanted_device": "none",
        "needle_phobia": "no", "immunosuppressed": "no", "diabetes": "no", "epilepsy": "no",
        "metal_allergy": "no", "skin_lesions": "no", "skin_conditions": "", "medications": "",
    }
    data.update(overrides)
    return data


def test_it_fills_in_the_current_answers(client_for, world) -> None:
    page = html(client_for("practitioner").get(edit(world)))
    assert 'name="pregnant" value="yes" class="tri" id="id_pregnant_0" checked' in page
    assert 'value="20"' in page
    assert '<option value="pacemaker" selected>' in page
    assert 'name="version" value="2"' in page


def test_it_offers_not_asked_for_a_new_patients_history(client_for, world) -> None:
    new = make_patient(world.practitioner, "Nell", "New", asked=False)
    page = html(client_for("practitioner").get(edit(world, new)))
    for question in ("pregnant", "anticoagulant", "epilepsy", "skin_lesions"):
        assert f'name="{question}" value="" class="tri" id="id_{question}_2" checked' in page
    assert '<option value="" selected>Not asked</option>' in page


def test_it_saves_the_answers(client_for, world) -> None:
    response = client_for("practitioner").post(edit(world, world.other_patient), form_data(
        diabetes="yes", skin_lesions="yes", skin_lesion_regions=["foot"]))
    assert response.status_code == 302
    health = HealthHistory.objects.get(patient=world.other_patient)
    assert (health.diabetes, health.skin_lesion_regions, health.version) == (True, ["foot"], 3)
    assert health.answered["diabetes"]["source"] == "patient"


def test_it_saves_not_asked_as_null_not_no(client_for, world) -> None:
    client_for("practitioner").post(edit(world, world.other_patient), form_data(
        anticoagulant="", implanted_device="", skin_lesions=""))
    health = HealthHistory.objects.get(patient=world.other_patient)
    assert (health.anticoagulant, health.implanted_device, health.skin_lesion_regions) == (
        None, "", None)
    assert "anticoagulant" not in health.answered


def test_it_shows_weeks_without_pregnancy_beside_the_field(client_for, world) -> None:
    page = html(client_for("practitioner").post(
        edit(world, world.other_patient),
        form_data(pregnancy_weeks="12", medications="ibuprofen")))
    assert "only apply when the patient is pregnant" in between(
        page, 'id="id_pregnancy_weeks"', "</fieldset>")
    assert "ibuprofen" in page and 'value="12"' in page


def test_it_asks_where_when_broken_skin_is_yes(client_for, world) -> None:
    page = html(client_for("practitioner").post(edit(world, world.other_patient),
                                                form_data(skin_lesions="yes")))
    assert "Tick where the skin is broken or infected." in page


def test_it_refuses_a_patient_who_posts_anyway(client_for, world) -> None:
    response = client_for("patient_user").post(edit(world), form_data(pregnant="no"))
    assert response.status_code == 403
    assert HealthHistory.objects.get(patient=world.patient).pregnant


def test_it_shows_the_other_persons_answers_beside_yours_on_a_conflict(client_for, world) -> None:
    # Two practitioners open version 2; the owner saves "takes blood thinners" first.
    health_history_update(actor=world.owner, patient=world.other_patient,
                          data=HealthInput(anticoagulant=True))
    response = client_for("practitioner").post(
        edit(world, world.other_patient), form_data(version=2, diabetes="yes",
                                                    medications="metformin"))
    page = html(response)
    assert response.status_code == 200
    assert "Olive Owner saved this health history (version 3)" in page
    assert "Saved meanwhile: <strong>Yes</strong>" in between(
        page, 'id="id_anticoagulant"', "</fieldset>")
    assert 'name="version" value="3"' in page  # saving again, after checking, is allowed
    assert "metformin</textarea>" in page  # nothing typed is lost
    health = HealthHistory.objects.get(patient=world.other_patient)
    assert (health.anticoagulant, health.diabetes, health.version) == (True, False, 3)


def test_it_saves_after_the_conflict_was_looked_at(client_for, world) -> None:
    health_history_update(actor=world.owner, patient=world.other_patient,
                          data=HealthInput(anticoagulant=True))
    client = client_for("practitioner")
    client.post(edit(world, world.other_patient), form_data(version=2, diabetes="yes"))
    client.post(edit(world, world.other_patient),
                form_data(version=3, diabetes="yes", anticoagulant="yes"))
    health = HealthHistory.objects.get(patient=world.other_patient)
    assert (health.anticoagulant, health.diabetes, health.version) == (True, True, 4)


def test_it_lists_every_version_with_who_when_and_what_changed(client_for, world) -> None:
    client = client_for("practitioner")
    client.post(edit(world, world.other_patient), form_data(anticoagulant="yes"))
    page = html(client.get(reverse("health_versions", args=[world.other_patient.pk])))
    assert page.count('data-testid="health-version"') == 3
    newest = between(page, "Version 3", "</section>")
    assert "Pat Lin" in newest and "patient-reported" in newest
    assert "Blood thinners" in newest and "<strong>Yes</strong>" in newest
    assert "History opened: nothing asked yet." in page


def test_it_keeps_another_clinics_versions_out_of_reach(client_for, world) -> None:
    url = reverse("health_versions", args=[world.other_patient.pk])
    assert client_for("outsider").get(url).status_code == 404
    assert client_for("front_desk").get(url).status_code == 403
