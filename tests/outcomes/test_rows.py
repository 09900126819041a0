"""An episode's rows read from the records: what counts, what is left out, and in how many
queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from acuback.episodes.models import Episode
from acuback.outcomes.rows import episode_rows
from acuback.visits.signing import visit_amend
from tests.outcomes.factories import adverse, ibuprofen, responder, visit_on
from tests.personas import World


def test_it_reads_measurements_visits_painkillers_events_and_goals(world: World) -> None:
    episode = responder(world)
    rows = episode_rows([episode])[episode.pk]
    assert [(m.instrument, m.total) for m in rows.measurements] == [
        ("odi", 46), ("nrs", 7), ("odi", 30), ("nrs", 3)]
    assert [(v.number, v.pain_before, v.painkillers_asked) for v in rows.visits] == [
        (1, 7, True), (2, 6, True), (3, 4, True)]
    assert [(p.visit_number, p.days_last_week) for p in rows.painkillers] == [(None, 6), (3, 2)]
    assert [(e.visit_number, e.kind) for e in rows.adverse_events] == [(1, "bleeding")]
    assert [g.instrument for g in rows.goals] == ["odi"] and rows.plan_points == 4
    first = rows.visits[0]
    # The factory plan has BL23, BL25 and BL40 on both sides and GV4: 4 points, each lot noted.
    assert (first.needles, first.needles_with_lot, first.practitioner_licensed) == (4, 4, True)
    assert "odi-2.1a/acuback-1" in rows.data_versions and "CDC-2022" in rows.data_versions


def test_it_leaves_out_a_visit_entered_in_error_with_its_painkillers_and_events(
        world: World) -> None:
    episode = responder(world)
    wrong = visit_on(world, episode, 10, pain_before=9, painkillers_taken=True,
                     painkillers=[ibuprofen(7)])
    adverse(world, wrong, "dizziness")
    visit_amend(actor=world.practitioner, visit=wrong, kind="entered_in_error",
                reason="another patient's visit")
    rows = episode_rows([episode])[episode.pk]
    assert [v.number for v in rows.visits] == [1, 2, 3]
    assert [p.days_last_week for p in rows.painkillers] == [6, 2]
    assert [e.kind for e in rows.adverse_events] == ["bleeding"]


def test_it_reads_any_number_of_episodes_in_the_same_queries(world: World) -> None:
    responder(world)
    with CaptureQueriesContext(connection) as one:
        episode_rows(list(Episode.objects.filter(pk=world.other_episode.pk)))
    with CaptureQueriesContext(connection) as three:
        episode_rows(list(Episode.objects.all()))
    assert len(one) == len(three) <= 6
