"""Painkiller use at intake and at visits: MME/day derived with its table version, rows kept
when wrong (entered in error), and the course over an episode."""

from __future__ import annotations

from decimal import Decimal

import pytest

from acuback.errors import ConflictError, InputError
from acuback.visits.inputs import PainkillerInput
from acuback.visits.painkillers import painkiller_mark_in_error, painkillers_record_intake
from acuback.visits.selectors import painkiller_course
from tests.personas import World
from tests.visits.factories import fill, ready, start

OXY = PainkillerInput("oxycodone", Decimal(10), 2, 7)
IBU = PainkillerInput("ibuprofen", Decimal(400), 3, 4)


@pytest.fixture
def episode(world: World):  # noqa: ANN201
    return ready(world)


def test_it_records_intake_painkillers_with_mme_and_versions(world: World, episode) -> None:  # noqa: ANN001
    oxy, ibu = painkillers_record_intake(actor=world.practitioner, episode=episode,
                                         uses=[OXY, IBU])
    assert (oxy.mme_per_day, oxy.mme_table_version, oxy.drug_class) == (
        Decimal("30"), "CDC-2022", "opioid")
    assert ibu.mme_per_day is None and oxy.visit is None


def test_it_names_an_other_painkiller(world: World, episode) -> None:  # noqa: ANN001
    with pytest.raises(InputError):
        painkillers_record_intake(actor=world.practitioner, episode=episode,
                                  uses=[PainkillerInput("other", Decimal(1), 1, 1)])
    [use] = painkillers_record_intake(
        actor=world.practitioner, episode=episode,
        uses=[PainkillerInput("other", Decimal(1), 1, 1, name="Devil's claw")])
    assert use.name == "Devil's claw"


def test_it_keeps_a_wrong_intake_row_marked_in_error(world: World, episode) -> None:  # noqa: ANN001
    [use] = painkillers_record_intake(actor=world.practitioner, episode=episode, uses=[IBU])
    marked = painkiller_mark_in_error(actor=world.practitioner, use=use, reason="Was naproxen")
    assert marked.in_error_at is not None
    with pytest.raises(ConflictError):
        painkiller_mark_in_error(actor=world.practitioner, use=use, reason="again")


def test_it_follows_opioid_use_from_intake_over_the_visits(world: World, episode) -> None:  # noqa: ANN001
    painkillers_record_intake(actor=world.practitioner, episode=episode, uses=[OXY, IBU])
    first = fill(world, start(world), painkillers_taken=True,
                 painkillers=[PainkillerInput("oxycodone", Decimal(5), 2, 7)])
    second = fill(world, start(world), painkillers_taken=False)
    course = painkiller_course(episode, [second, first])
    assert [(p.label, p.opioid_mme_per_day) for p in course] == [
        ("Intake", Decimal("30")), ("Visit 1", Decimal("15")), ("Visit 2", None)]
    assert course[2].asked and course[2].drugs == []
