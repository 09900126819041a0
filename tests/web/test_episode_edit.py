"""episode_edit: clinical roles change an episode, including its status; stale versions are
refused and the input kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from acuback.episodes.models import Episode
from acuback.episodes.services import EpisodeInput, episode_update
from tests.web.helpers import html


def url(world) -> str:
    return reverse("episode_edit", args=[world.episode.pk])


def current(**overrides: object) -> dict[str, object]:
    return {"onset_date": "2026-01-05", "region": "lumbar", "side": "bilateral",
            "radiation": "none", "icd10_code": "M54.50", "status": "active", "version": 1,
            **overrides}


@pytest.mark.parametrize("persona", ["owner", "practitioner"])
def test_it_shows_the_form_to_clinical_roles(client_for, world, persona: str) -> None:
    page = html(client_for(persona).get(url(world)))
    assert 'value="M54.50"' in page and '<option value="active" selected>' in page


@pytest.mark.parametrize("persona", ["front_desk", "patient_user"])
def test_it_refuses_other_roles_with_403(client_for, world, persona: str) -> None:
    assert client_for(persona).get(url(world)).status_code == 403


def test_it_answers_404_for_another_clinics_episode(client_for, world) -> None:
    assert client_for("outsider").get(url(world)).status_code == 404


def test_it_discharges_the_episode(client_for, world) -> None:
    response = client_for("practitioner").post(url(world), current(status="discharged"))
    episode = Episode.objects.get(pk=world.episode.pk)
    assert response.status_code == 302
    assert episode.status == "discharged" and episode.closed_on is not None


def test_it_refuses_a_stale_version_and_keeps_the_input(client_for, world) -> None:
    data = EpisodeInput(onset_date=world.episode.onset_date, region="lumbar", side="left",
                        icd10_code="M54.50")
    episode_update(actor=world.owner, episode=world.episode, data=data, version=1)
    page = html(client_for("practitioner").post(url(world), current(suspected_cause="a fall")))
    assert "changed by someone else" in page and 'value="a fall"' in page
    assert Episode.objects.get(pk=world.episode.pk).side == "left"


def test_it_shows_a_deleted_code_and_keeps_the_status(client_for, world) -> None:
    page = html(client_for("practitioner").post(url(world), current(
        icd10_code="M54.5", status="referred_out")))
    assert "was deleted from ICD-10-CM" in page
    assert '<option value="referred_out" selected>' in page


def test_it_turns_the_form_into_the_service_input() -> None:
    from acuback.episodes.forms import EpisodeEditForm

    form = EpisodeEditForm(current(status="referred_out", surgery_associated="on"))
    assert form.is_valid()
    assert form.to_input() == EpisodeInput(
        onset_date=dt.date(2026, 1, 5), region="lumbar", side="bilateral", radiation="none",
        icd10_code="M54.50", status="referred_out", surgery_associated=True)
