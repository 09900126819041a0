"""episode_create: clinical roles open an episode of care; a deleted ICD-10 code is refused with
the replacement codes beside the field, and everything typed stays."""

from __future__ import annotations

import pytest
from django.urls import reverse

from acuback.episodes.models import Episode
from tests.web.helpers import between, html, tomorrow


def url(world, patient=None) -> str:
    return reverse("episode_create", args=[(patient or world.patient).pk])


def episode_form(**overrides: object) -> dict[str, object]:
    return {"onset_date": "2026-02-10", "region": "lumbosacral", "side": "left",
            "radiation": "posterior_leg", "icd10_code": "M54.16",
            "suspected_cause": "lifting a sofa", **overrides}


@pytest.mark.parametrize("persona", ["owner", "practitioner"])
def test_it_shows_the_form_to_clinical_roles(client_for, world, persona: str) -> None:
    assert client_for(persona).get(url(world)).status_code == 200


@pytest.mark.parametrize("persona", ["front_desk", "patient_user"])
def test_it_refuses_other_roles_with_403(client_for, world, persona: str) -> None:
    assert client_for(persona).get(url(world)).status_code == 403


def test_it_answers_404_for_another_clinics_patient(client_for, world) -> None:
    assert client_for("outsider").get(url(world)).status_code == 404


def test_it_suggests_the_shipped_codes(client_for, world) -> None:
    page = html(client_for("practitioner").get(url(world)))
    assert 'list="icd10-codes"' in page and '<datalist id="icd10-codes">' in page
    assert '<option value="M54.50">M54.50 Low back pain, unspecified</option>' in page


def test_it_opens_the_episode(client_for, world) -> None:
    response = client_for("practitioner").post(url(world, world.other_patient), episode_form())
    episode = Episode.objects.get(patient=world.other_patient, icd10_code="M54.16")
    assert response["Location"] == reverse("episode_detail", args=[episode.pk])
    assert episode.suspected_cause == "lifting a sofa"


def test_it_explains_a_deleted_code_beside_the_field(client_for, world) -> None:
    page = html(client_for("practitioner").post(url(world), episode_form(icd10_code="M54.5")))
    hint = between(page, 'id="id_icd10_code"', 'id="id_region"')
    assert "M54.5 was deleted from ICD-10-CM" in hint and "M54.50, M54.51 or M54.59" in hint


def test_it_keeps_everything_typed_after_a_deleted_code(client_for, world) -> None:
    page = html(client_for("practitioner").post(url(world), episode_form(icd10_code="M54.5")))
    for typed in ('value="M54.5"', 'value="2026-02-10"', '<option value="lumbosacral" selected>',
                  '<option value="left" selected>', '<option value="posterior_leg" selected>',
                  'value="lifting a sofa"'):
        assert typed in page


def test_it_opens_nothing_after_a_deleted_code(client_for, world) -> None:
    client_for("practitioner").post(url(world), episode_form(icd10_code="M54.5"))
    assert not Episode.objects.filter(patient=world.patient, icd10_code__startswith="M54.5",
                                      region="lumbosacral").exists()


def test_it_shows_an_onset_after_today_beside_the_field(client_for, world) -> None:
    page = html(client_for("practitioner").post(url(world), episode_form(onset_date=tomorrow())))
    assert "Onset cannot be after today." in between(page, 'id="id_onset_date"',
                                                      'id="id_icd10_code"')


def test_it_shows_an_onset_before_birth_beside_the_field(client_for, world) -> None:
    page = html(client_for("practitioner").post(url(world), episode_form(onset_date="1960-01-01")))
    assert "date of birth (17 May 1970)" in between(
        page, 'id="id_onset_date"', 'id="id_icd10_code"')
    assert 'value="1960-01-01"' in page
    assert not Episode.objects.filter(patient=world.patient, onset_date="1960-01-01").exists()


def test_it_refuses_a_patient_who_posts_anyway(client_for, world) -> None:
    response = client_for("patient_user").post(url(world), episode_form())
    assert response.status_code == 403 and not Episode.objects.filter(icd10_code="M54.16").exists()
