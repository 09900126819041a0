"""acuback.assessments.scored: the one read of the scored assessments."""

from __future__ import annotations

from acuback.assessments.scored import scored_of_episodes, scored_of_patient
from acuback.assessments.services import assessment_record
from tests.assessments.conftest import ODI_32
from tests.personas import World, make_episode


def test_the_patients_read_has_every_episode_of_theirs_and_no_one_elses(world: World) -> None:
    second = make_episode(world.practitioner, world.patient, region="thoracic",
                          icd10_code="M54.6")
    for episode in (world.episode, second, world.other_episode):
        assessment_record(actor=world.practitioner, episode=episode, instrument="odi",
                          answers=ODI_32, time_point="baseline")
    mine = scored_of_patient(world.patient.pk)
    by_ids = scored_of_episodes([world.episode.pk, second.pk])
    assert set(mine.measurements) == {world.episode.pk, second.pk}
    assert mine.measurements == by_ids.measurements and mine.versions == by_ids.versions
    assert [m.total for m in mine.measurements[second.pk]] == [32.0]
