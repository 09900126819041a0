"""An episode's rows read from the records: what counts, what is left out, and in how many
queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from acuback.accounts.models import PractitionerProfile
from acuback.assessments.models import Assessment
from acuback.episodes.models import Episode
from acuback.outcomes.rows import episode_rows
from acuback.plans.services import Goal
from acuback.visits.adverse import adverse_event_mark_in_error
from acuback.visits.models import AdverseEvent, PainkillerUse, Visit, VisitPoint
from acuback.visits.painkillers import painkiller_mark_in_error
from acuback.visits.signing import visit_amend
from tests.outcomes.factories import adverse, ibuprofen, responder, visit_on
from tests.personas import World
from tests.plans.factories import save as save_plan


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


# The reads are hand-written statements (acuback/outcomes/rows.py); each clause that decides
# what counts has its own test below, besides the entered-in-error ones above.


def test_it_leaves_out_an_assessment_without_a_total(world: World) -> None:
    episode = responder(world)
    unscored = episode.assessments.filter(instrument="nrs").order_by("administered_at").first()
    Assessment.objects.filter(pk=unscored.pk).update(total=None)
    rows = episode_rows([episode])[episode.pk]
    assert [(m.instrument, m.total) for m in rows.measurements] == [
        ("odi", 46), ("odi", 30), ("nrs", 3)]


def test_it_leaves_out_painkillers_and_events_marked_in_error(world: World) -> None:
    episode = responder(world)
    intake = PainkillerUse.objects.get(episode=episode, visit__isnull=True)
    painkiller_mark_in_error(actor=world.practitioner, use=intake, reason="another patient's")
    event = AdverseEvent.objects.get(episode=episode)
    adverse_event_mark_in_error(actor=world.practitioner, event=event, reason="not a bruise")
    rows = episode_rows([episode])[episode.pk]
    assert [(p.visit_number, p.days_last_week) for p in rows.painkillers] == [(3, 2)]
    assert rows.adverse_events == ()


def test_it_reads_the_goals_and_points_of_the_newest_plan(world: World) -> None:
    episode = responder(world)
    save_plan(world.practitioner, episode, ("BL23", "GV4"), based_on=1,
              goals=[Goal(instrument="nrs", comparator="<", target=3)])
    rows = episode_rows([episode])[episode.pk]
    # BL23 and GV4: 2 points (the first plan had 4), its goal NRS < 3 (the first: ODI < 20).
    assert ([(g.instrument, g.target) for g in rows.goals], rows.plan_points) == ([("nrs", 3)], 2)


def test_it_counts_needles_without_a_lot_and_a_practitioner_without_a_licence(
        world: World) -> None:
    episode = responder(world)
    first = Visit.objects.get(episode=episode, number=1)
    VisitPoint.objects.filter(visit=first, code="GV4").update(lot="")
    PractitionerProfile.objects.filter(user=world.practitioner).update(licence_number="")
    rows = episode_rows([episode])[episode.pk]
    assert (rows.visits[0].needles, rows.visits[0].needles_with_lot) == (4, 3)
    assert [v.practitioner_licensed for v in rows.visits] == [False, False, False]


def test_it_keeps_each_episode_to_its_own_rows_in_order(world: World) -> None:
    first, second = responder(world), responder(world, world.episode)
    found = episode_rows([second, first])
    assert list(found) == [second.pk, first.pk]
    assert [v.number for v in found[second.pk].visits] == [1, 2, 3]
    assert [v.on for v in found[first.pk].visits] == [v.on for v in found[second.pk].visits]
    assert found[first.pk].measurements == found[second.pk].measurements
