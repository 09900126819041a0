"""/api/episodes: open, read and update an episode of care."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from acuback.audit.models import AuditEntry
from acuback.episodes.models import Episode
from tests.api import payloads
from tests.personas import World


def _post(client, body: dict):  # noqa: ANN001, ANN202
    return client.post("/api/episodes/", body, content_type="application/json")


def _put(client, episode: Episode, body: dict):  # noqa: ANN001, ANN202
    return client.put(f"/api/episodes/{episode.pk}", body, content_type="application/json")


def test_it_opens_an_episode_for_a_patient_of_the_clinic(world: World, client_for) -> None:  # noqa: ANN001
    response = _post(client_for("practitioner"), payloads.new_episode(world.other_patient.pk))
    assert response.status_code == 201
    episode = Episode.objects.get(pk=response.json()["id"])
    assert (episode.patient, episode.clinic, episode.created_by) == (
        world.other_patient, world.clinic_a, world.practitioner)


def test_it_stores_the_code_normalised_with_the_list_version(world: World, client_for) -> None:  # noqa: ANN001
    body = _post(client_for("owner"),
                 payloads.new_episode(world.patient.pk, icd10_code="m5450")).json()
    assert (body["icd10_code"], body["icd10_version"]) == ("M54.50", "FY2026")


def test_it_derives_chronicity_from_the_onset(world: World, client_for) -> None:  # noqa: ANN001
    onset = timezone.localdate() - dt.timedelta(days=84)
    body = _post(client_for("practitioner"),
                 payloads.new_episode(world.patient.pk, onset_date=onset.isoformat())).json()
    assert body["chronicity"] == "chronic"


def test_it_refuses_an_onset_after_today(world: World, client_for) -> None:  # noqa: ANN001
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = _post(client_for("practitioner"),
                     payloads.new_episode(world.patient.pk, onset_date=tomorrow.isoformat()))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["onset_date"]


def test_it_shows_an_episode(world: World, client_for) -> None:  # noqa: ANN001
    body = client_for("practitioner").get(f"/api/episodes/{world.episode.pk}").json()
    assert (body["patient_id"], body["icd10_code"], body["status"]) == (
        world.patient.pk, "M54.50", "active")


def test_it_closes_an_episode_on_discharge(world: World, client_for) -> None:  # noqa: ANN001
    body = _put(client_for("practitioner"), world.episode,
                payloads.episode_update(1, status="discharged")).json()
    assert (body["status"], body["closed_on"], body["version"]) == (
        "discharged", timezone.localdate().isoformat(), 2)


def test_it_reopens_a_discharged_episode(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    _put(client, world.episode, payloads.episode_update(1, status="discharged"))
    body = _put(client, world.episode, payloads.episode_update(2, status="active")).json()
    assert (body["status"], body["closed_on"]) == ("active", None)


def test_it_refuses_an_unknown_status(world: World, client_for) -> None:  # noqa: ANN001
    response = _put(client_for("practitioner"), world.episode,
                    payloads.episode_update(1, status="lost"))
    assert response.status_code == 422


def test_it_audits_the_fields_an_update_changed(world: World, client_for) -> None:  # noqa: ANN001
    _put(client_for("practitioner"), world.episode, payloads.episode_update(1))
    entry = AuditEntry.objects.get(action="update", object_type="episode")
    assert entry.detail == {"fields": ["icd10_code", "side"]}


def test_it_refuses_an_onset_before_the_date_of_birth(world: World, client_for) -> None:  # noqa: ANN001
    # Issue 7 finding 6: pain cannot begin before the patient was born.
    before = world.patient.date_of_birth - dt.timedelta(days=1)
    response = _post(client_for("practitioner"),
                     payloads.new_episode(world.patient.pk, onset_date=before.isoformat()))
    assert response.status_code == 422
    assert "date of birth" in response.json()["errors"]["onset_date"][0]
    assert not Episode.objects.filter(patient=world.patient, onset_date=before).exists()


def test_it_accepts_an_onset_on_the_date_of_birth(world: World, client_for) -> None:  # noqa: ANN001
    born = world.patient.date_of_birth.isoformat()
    response = _post(client_for("practitioner"),
                     payloads.new_episode(world.patient.pk, onset_date=born))
    assert response.status_code == 201


def test_it_refuses_to_move_a_birth_date_after_an_episodes_onset(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    assert _post(client, payloads.new_episode(world.patient.pk, onset_date="2000-03-01")
                 ).status_code == 201
    response = client.put(f"/api/patients/{world.patient.pk}",
                          payloads.patient_update(1, date_of_birth="2001-01-01"),
                          content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["date_of_birth"]
