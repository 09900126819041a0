"""The episode write path refuses what the API never lets through, for every other caller."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.accounts.access import Forbidden, NotFound
from acuback.audit.models import AuditEntry
from acuback.episodes.models import Episode
from acuback.episodes.services import EpisodeInput, episode_create, episode_update
from acuback.errors import InputError
from tests.personas import World


def _data(**overrides: object) -> EpisodeInput:
    values = {"onset_date": dt.date(2026, 1, 5), "region": "lumbar", "side": "left",
              "icd10_code": "M54.50", **overrides}
    return EpisodeInput(**values)  # type: ignore[arg-type]


def test_it_refuses_a_patient_of_another_clinic(world: World) -> None:
    with pytest.raises(NotFound):
        episode_create(actor=world.outsider, patient=world.patient, data=_data())
    assert not Episode.objects.filter(patient=world.patient, created_by=world.outsider).exists()


def test_it_refuses_to_update_another_clinics_episode(world: World) -> None:
    with pytest.raises(NotFound):
        episode_update(actor=world.outsider, episode=world.episode,
                       data=_data(suspected_cause="forged"), version=1)
    assert Episode.objects.get(pk=world.episode.pk).suspected_cause == ""


def test_it_audits_a_refused_update_with_the_actor(world: World) -> None:
    with pytest.raises(NotFound):
        episode_update(actor=world.outsider, episode=world.episode, data=_data(), version=1)
    entry = AuditEntry.objects.first()
    assert (entry.action, entry.object_id, entry.outcome, entry.actor_id) == (
        "update", str(world.episode.pk), "not_found", world.outsider.pk)


def test_it_audits_a_refused_create_with_the_actor(world: World) -> None:
    with pytest.raises(Forbidden):
        episode_create(actor=world.patient_user, patient=world.patient, data=_data())
    entry = AuditEntry.objects.first()
    assert (entry.action, entry.outcome, entry.actor_id, entry.detail) == (
        "create", "denied", world.patient_user.pk, {"patient": world.patient.pk})


def test_it_refuses_front_desk(world: World) -> None:
    with pytest.raises(Forbidden):
        episode_create(actor=world.front_desk, patient=world.patient, data=_data())


@pytest.mark.parametrize("field", ["region", "side", "radiation", "status"])
def test_it_refuses_a_value_outside_the_choices(world: World, field: str) -> None:
    with pytest.raises(InputError) as caught:
        episode_create(actor=world.practitioner, patient=world.patient,
                       data=_data(**{field: "sideways"}))
    assert list(caught.value.errors) == [field]


def test_it_reports_every_bad_field_at_once(world: World) -> None:
    with pytest.raises(InputError) as caught:
        episode_create(actor=world.practitioner, patient=world.patient,
                       data=_data(region="neck", icd10_code="M51.36"))
    assert set(caught.value.errors) == {"region", "icd10_code"}


def test_it_trims_the_suspected_cause(world: World) -> None:
    episode = episode_create(actor=world.practitioner, patient=world.patient,
                             data=_data(suspected_cause="  gardening "))
    assert episode.suspected_cause == "gardening"
