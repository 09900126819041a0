"""episode_get and episodes_of_patient read by hand-written statements (the episode page and
the chart read them on every open): the same rows and related objects as the ORM's, and
nothing outside the actor's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Model

from acuback.accounts.access import Forbidden, NotFound
from acuback.episodes.models import Episode
from acuback.episodes.selectors import episode_get, episodes_of_patient
from acuback.patients.selectors import patient_get
from tests.personas import World, make_episode


def _fields(row: Model) -> dict[str, object]:
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}


@pytest.mark.parametrize("persona", ["owner", "practitioner", "patient_user"])
def test_it_reads_the_episode_with_its_patient_as_the_orm_does(
        world: World, persona: str, django_assert_num_queries) -> None:  # noqa: ANN001
    expected = Episode.objects.select_related("patient").get(pk=world.episode.pk)
    found = episode_get(actor=getattr(world, persona), episode_id=str(world.episode.pk))
    with django_assert_num_queries(0):
        assert _fields(found) == _fields(expected)
        assert _fields(found.patient) == _fields(expected.patient)


def test_it_finds_an_episode_only_in_the_actors_clinic(world: World) -> None:
    assert episode_get(actor=world.outsider, episode_id=world.episode_b.pk) == world.episode_b
    with pytest.raises(NotFound):
        episode_get(actor=world.outsider, episode_id=world.episode.pk)
    with pytest.raises(NotFound):
        episode_get(actor=world.practitioner, episode_id=world.episode_b.pk)
    with pytest.raises(Forbidden):
        episode_get(actor=world.front_desk, episode_id=world.episode.pk)


def test_it_finds_a_patient_only_their_own_episodes(world: World) -> None:
    assert episode_get(actor=world.patient_user, episode_id=world.episode.pk) == world.episode
    with pytest.raises(NotFound):
        episode_get(actor=world.patient_user, episode_id=world.other_episode.pk)


def test_it_lists_the_patients_episodes_newest_first_each_knowing_its_patient(
        world: World, django_assert_num_queries) -> None:  # noqa: ANN001
    earlier = make_episode(world.practitioner, world.patient, region="thoracic",
                           icd10_code="M54.6")
    Episode.objects.filter(pk=earlier.pk).update(opened_on=dt.date(2026, 1, 2))
    same_day = make_episode(world.practitioner, world.patient, region="sacroiliac",
                            icd10_code="M54.59")
    patient = patient_get(actor=world.practitioner, patient_id=world.patient.pk)
    expected = list(Episode.objects.filter(patient=world.patient))
    found = episodes_of_patient(actor=world.practitioner, patient=patient)
    assert [e.pk for e in found] == [same_day.pk, world.episode.pk, earlier.pk]
    with django_assert_num_queries(0):  # the chart's panels read them again from the patient
        assert [_fields(e) for e in found] == [_fields(e) for e in expected]
        assert list(patient.episodes.all()) == found
        assert all(e.patient is patient for e in found)
