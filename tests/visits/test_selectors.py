"""Reads: who may see a visit, the unsigned list, retention timers, summaries for front desk,
and lot recall."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from acuback.accounts.access import Forbidden, NotFound
from acuback.visits.models import Visit
from acuback.visits.selectors import (
    lot_recall,
    lot_uses,
    retention_timers,
    unsigned_visits,
    visit_get,
    visit_summaries,
)
from acuback.visits.services import visit_count
from acuback.visits.signing import visit_amend
from tests.personas import World
from tests.visits.factories import LOT, fill, ready, signed, start


@pytest.fixture
def episode(world: World):  # noqa: ANN201
    return ready(world)


@pytest.mark.parametrize(("persona", "error"), [
    ("front_desk", Forbidden), ("patient_user", NotFound), ("outsider", NotFound),
    ("outsider_owner", NotFound)])
def test_it_shows_visit_content_to_clinicians_only(world: World, episode, persona: str,  # noqa: ANN001
                                                   error: type) -> None:
    visit = start(world)
    assert visit_get(actor=world.owner, visit_id=visit.pk) == visit
    with pytest.raises(error):
        visit_get(actor=world.persona(persona), visit_id=visit.pk)


@pytest.mark.parametrize("visit_id", [10**30, -(2**63) - 1, "12a", ""])
def test_it_answers_not_found_for_an_id_no_visit_can_have(world: World, visit_id: object) -> None:
    # The read is a hand-written statement: an id beyond the column's 64 bits must not reach it
    # (the drivers refuse to bind one, which was a server error).
    with pytest.raises(NotFound):
        visit_get(actor=world.owner, visit_id=visit_id)


def test_it_refuses_a_patient_their_own_visits_content(world: World) -> None:
    visit = start(world, ready(world, world.episode), source="blank")
    with pytest.raises(Forbidden):
        visit_get(actor=world.patient_user, visit_id=visit.pk)


def test_it_tells_front_desk_that_a_visit_happened_and_no_more(world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    [summary] = visit_summaries(actor=world.front_desk, patient=world.other_patient)
    assert (summary.id, summary.signed, summary.number) == (visit.pk, True, 1)
    assert not hasattr(summary, "subjective")


def test_it_lists_my_unsigned_visits_oldest_first(world: World, episode) -> None:  # noqa: ANN001
    later = start(world)
    earlier = start(world, started_at=timezone.now() - dt.timedelta(days=2))
    signed(world)
    in_error = start(world)
    visit_amend(actor=world.practitioner, visit=in_error, kind="entered_in_error",
                reason="mistake")
    assert unsigned_visits(actor=world.practitioner) == [earlier, later]
    assert unsigned_visits(actor=world.owner) == []
    with pytest.raises(Forbidden):
        unsigned_visits(actor=world.front_desk)


def test_it_shows_every_room_with_needles_in(world: World, episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world, room="Room 2"), needles_out=0)
    [timer] = retention_timers(actor=world.front_desk)
    assert (timer.room, timer.needles_still_in) == ("Room 2", visit.needles_in)
    assert timer.words(visit.retention_started_at or timezone.now()).startswith("Room 2:")
    assert retention_timers(actor=world.outsider) == []


def test_it_leaves_out_of_the_rooms_a_visit_entered_in_error(world: World, episode) -> None:  # noqa: ANN001, E501
    kept = fill(world, start(world), room="Room 1", needles_out=0)
    wrong = fill(world, start(world), room="Room 2", needles_out=0)
    visit_amend(actor=world.practitioner, visit=wrong, kind="entered_in_error", reason="mistake")
    [timer] = retention_timers(actor=world.practitioner)
    assert (timer.visit_id, timer.room, timer.needles_still_in) == (
        kept.pk, "Room 1", kept.needles_in)


def test_it_counts_minutes_left_and_over(world: World, episode) -> None:  # noqa: ANN001
    visit = start(world, room="Room 2")
    visit = visit_count(actor=world.practitioner, visit=visit, which="in", delta=1,
                        seen_version=1).visit
    [timer] = retention_timers(actor=world.practitioner)
    started = visit.retention_started_at
    assert timer.words(started + dt.timedelta(minutes=16)) == "Room 2: 4 min left"
    assert timer.words(started + dt.timedelta(minutes=23)) == "Room 2: 3 min over"


def test_it_drops_a_room_once_every_needle_is_out(world: World, episode) -> None:  # noqa: ANN001
    fill(world, start(world, room="Room 1"))
    assert retention_timers(actor=world.practitioner) == []


def test_it_finds_every_visit_that_used_a_lot(world: World, episode) -> None:  # noqa: ANN001
    first, second = signed(world), signed(world)
    uses = lot_recall(actor=world.owner, lot=LOT.lower())
    assert [u.visit_id for u in uses] == [first.pk, second.pk]
    assert uses[0].to_dict()["patient_id"] == world.other_patient.pk
    assert lot_recall(actor=world.owner, lot="UNKNOWN") == []
    assert lot_uses(LOT, world.clinic_b.pk) == []


def test_it_lets_only_owners_trace_a_lot(world: World, episode) -> None:  # noqa: ANN001
    with pytest.raises(Forbidden):
        lot_recall(actor=world.practitioner, lot=LOT)


def test_it_never_mixes_clinics_in_the_unsigned_list(world: World, episode) -> None:  # noqa: ANN001
    start(world)
    assert unsigned_visits(actor=world.outsider) == []
    assert Visit.objects.count() == 1


def test_it_reads_a_visits_points_in_their_order_and_painkillers_as_recorded(
        world: World, episode) -> None:  # noqa: ANN001
    # visit_get reads them in hand-written statements (selectors._visit_read): the order is the
    # statements' own, not the rows' ids, so here the ids run against it.
    from decimal import Decimal

    from django.db.models import F

    from acuback.visits.inputs import PainkillerInput
    from acuback.visits.models import PainkillerUse, VisitPoint

    visit = fill(world, start(world), painkillers_taken=True, painkillers=[
        PainkillerInput("ibuprofen", Decimal(400), 3, 4),
        PainkillerInput("paracetamol", Decimal(500), 2, 7)])
    rows = VisitPoint.objects.filter(visit=visit)
    last = rows.count() - 1
    rows.update(position=F("position") + 100)
    rows.update(position=last - (F("position") - 100))  # the first stored is now the last
    first, second = PainkillerUse.objects.filter(visit=visit).order_by("id")
    PainkillerUse.objects.filter(pk=first.pk).update(
        recorded_at=second.recorded_at + dt.timedelta(minutes=1))
    read = visit_get(actor=world.practitioner, visit_id=visit.pk)
    assert [p.position for p in read.points.all()] == list(range(last + 1))
    assert [p.pk for p in read.points.all()] == sorted(
        (p.pk for p in read.points.all()), reverse=True)
    assert [p.drug for p in read.painkillers.all()] == ["paracetamol", "ibuprofen"]
    assert all(p.visit is read for p in [*read.points.all(), *read.painkillers.all()])


def _fields(instance: object) -> dict[str, object]:
    return {f.attname: getattr(instance, f.attname)
            for f in type(instance)._meta.concrete_fields}  # type: ignore[attr-defined]


def test_it_reads_a_visit_its_episode_patient_and_people_as_the_orm_does(
        world: World, episode) -> None:  # noqa: ANN001
    # visit_get reads them in one hand-written statement (selectors._visit_read): every column
    # comes back as the ORM gives it (SQLite's text timestamps and decimals, JSON), and of the
    # people only their names.
    visit = signed(world, pain_regions=["lower_back_left"], adjuncts=["heat"])
    read = visit_get(actor=world.practitioner, visit_id=visit.pk)
    stored = Visit.objects.select_related("episode__patient").get(pk=visit.pk)
    assert _fields(read) == _fields(stored)
    assert _fields(read.episode) == _fields(stored.episode)
    assert _fields(read.episode.patient) == _fields(stored.episode.patient)
    assert isinstance(read.started_at, dt.datetime) and read.started_at.tzinfo is not None
    for person in (read.practitioner, read.signed_by):
        assert (person.pk, person.get_full_name()) == (
            world.practitioner.pk, world.practitioner.get_full_name())
        assert "password" in person.get_deferred_fields()
    draft = visit_get(actor=world.practitioner, visit_id=start(world).pk)  # nobody signed it
    assert draft.signed_by is None and draft.practitioner.pk == world.practitioner.pk


def test_it_reads_a_visits_amendments_in_their_order_with_their_authors(
        world: World, episode) -> None:  # noqa: ANN001
    # Amendment.Meta.ordering (at, id), which the hand-written statement writes out: here the
    # times put them in neither the ids' order nor its reverse.
    from acuback.visits.models import Amendment

    visit = signed(world)
    for text in ("first", "second", "third"):
        visit_amend(actor=world.practitioner, visit=visit, kind="addendum", reason="called",
                    text=text)
    rows = list(Amendment.objects.filter(visit=visit).order_by("id"))
    for shift, row in zip((0, 1, -1), rows, strict=True):
        Amendment.objects.filter(pk=row.pk).update(at=rows[0].at + dt.timedelta(minutes=shift))
    read = visit_get(actor=world.practitioner, visit_id=visit.pk)
    assert [a.text for a in read.amendments.all()] == ["third", "first", "second"]
    assert all(a.visit is read and a.author.get_full_name() == world.practitioner.get_full_name()
               for a in read.amendments.all())
    assert _fields(read.amendments.all()[0]) == _fields(Amendment.objects.get(pk=rows[2].pk))


def test_the_episode_panel_counts_the_live_visits_and_finds_the_one_started_last(
        world: World, episode) -> None:  # noqa: ANN001
    # visits_count_and_last is a hand-written statement: each of its clauses decides the panel.
    from acuback.visits.access import visits_count_and_last

    assert visits_count_and_last(episode.pk) == (0, None)
    now = timezone.now()
    start(world, started_at=now - dt.timedelta(days=1))
    last = signed(world)
    Visit.objects.filter(pk=last.pk).update(started_at=now - dt.timedelta(hours=2))
    start(world, started_at=now - dt.timedelta(days=3))
    wrong = start(world, started_at=now - dt.timedelta(hours=1))  # the newest, but in error
    visit_amend(actor=world.practitioner, visit=wrong, kind="entered_in_error", reason="mistake")
    start(world, ready(world, world.episode), started_at=now)  # another episode's
    count, found = visits_count_and_last(episode.pk)
    assert (count, found.pk, found.status, found.started_at) == (
        3, last.pk, last.status, now - dt.timedelta(hours=2))
    assert found.get_status_display() == Visit.objects.get(pk=last.pk).get_status_display()
