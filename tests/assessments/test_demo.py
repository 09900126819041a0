"""The demo step: baselines for every episode, follow-ups for most, idempotent."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from acuback.assessments.demo import demo_assessments
from acuback.assessments.models import Assessment, TimePoint
from acuback.assessments.services import assessment_record
from acuback.demo import DemoContext
from acuback.episodes.models import Episode
from tests.assessments.conftest import Record
from tests.personas import World, make_episode


def _ctx(seed: int = 7) -> DemoContext:
    return DemoContext(rng=random.Random(seed), today=timezone.localdate())  # noqa: S311


def test_it_gives_every_episode_a_baseline_odi(world: World) -> None:
    demo_assessments(_ctx())
    with_odi = set(Assessment.objects.filter(instrument="odi", time_point=TimePoint.BASELINE)
                   .values_list("episode_id", flat=True))
    assert with_odi == {world.episode.pk, world.other_episode.pk, world.episode_b.pk}


def test_it_gives_most_episodes_a_follow_up(world: World) -> None:
    for _ in range(9):
        make_episode(world.practitioner, world.other_patient)
    demo_assessments(_ctx())
    followed = (Assessment.objects.filter(time_point=TimePoint.FOLLOW_UP)
                .values("episode").order_by().distinct())
    assert 6 <= followed.count() <= 12


def test_it_adds_nothing_the_second_time(world: World) -> None:
    demo_assessments(_ctx())
    before = Assessment.objects.count()
    demo_assessments(_ctx(seed=8))
    assert Assessment.objects.count() == before


def test_it_leaves_an_episode_that_already_has_assessments(record: Record, world: World) -> None:
    record("nrs", [5])
    demo_assessments(_ctx())
    assert Assessment.objects.filter(episode=world.episode).count() == 1


class _Undo(Exception):
    def __init__(self, rows: list[tuple[str, list[int | None]]]) -> None:
        self.rows = rows


def _rolled_back_run(seed: int) -> list[tuple[str, list[int | None]]]:
    """What the step records for a seed, then undone (a savepoint rolled back)."""
    try:
        with transaction.atomic():
            demo_assessments(_ctx(seed))
            raise _Undo(list(Assessment.objects.order_by("id")
                             .values_list("instrument", "answers")))
    except _Undo as undo:
        return undo.rows


def test_it_is_the_same_for_the_same_seed(world: World) -> None:
    assert _rolled_back_run(3) == _rolled_back_run(3)


def test_it_differs_for_another_seed(world: World) -> None:
    assert _rolled_back_run(3) != _rolled_back_run(4)


def test_it_never_dates_an_answer_in_the_future(world: World) -> None:
    demo_assessments(_ctx())
    latest = Assessment.objects.order_by("-administered_at").first()
    assert latest is not None and latest.administered_at < timezone.now() - dt.timedelta(hours=1)


def _answers_by_place(seed: int, fillers: int) -> list[list[tuple[str, list[int | None]]]]:
    """What the step records for each episode it fills, in their order, with `fillers`
    already-answered episodes created first (so every id is shifted); then undone."""
    from tests.personas import build_world

    try:
        with transaction.atomic():
            world = build_world()
            for _ in range(fillers):
                filler = make_episode(world.practitioner, world.other_patient)
                assessment_record(actor=world.practitioner, episode=filler, instrument="nrs",
                                  answers=[3], time_point=TimePoint.BASELINE)
            for _ in range(9):
                make_episode(world.practitioner, world.other_patient)
            demo_assessments(_ctx(seed))
            filled = Episode.objects.exclude(assessments__instrument="nrs",
                                             assessments__answers=[3]).order_by("id")
            raise _Undo([[(a.instrument, a.answers) for a in
                          Assessment.objects.filter(episode=e).order_by("id")]
                         for e in filled])  # type: ignore[arg-type]
    except _Undo as undo:
        return undo.rows  # type: ignore[return-value]


def test_it_draws_the_same_whatever_the_episodes_ids(db: None) -> None:
    # The step once chose question sets by episode id, so its draws (and how many episodes
    # got a follow-up) changed with the database's sequences.
    assert _answers_by_place(5, fillers=0) == _answers_by_place(5, fillers=3)


def test_it_mixes_responders_no_change_and_worse(world: World) -> None:
    from acuback.clinical.outcomes import Measurement, episode_outcome

    for _ in range(13):
        make_episode(world.practitioner, world.other_patient)
    demo_assessments(_ctx())
    verdicts = []
    for episode in Episode.objects.all():
        odi = [Measurement("odi", a.administered_at.date(), a.total)
               for a in Assessment.objects.filter(episode=episode, instrument="odi")]
        verdicts.append(episode_outcome(odi)[0].verdict)
    counts = {v: verdicts.count(v) for v in set(verdicts)}
    # 16 episodes, profiles in a cycle of 8: 4 waiting, then improved, no change and worse.
    assert counts[None] == 4
    assert counts["improved"] >= 4 and counts["no_change"] >= 2 and counts["worse"] >= 1
