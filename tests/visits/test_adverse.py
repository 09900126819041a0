"""Adverse events: filed against a visit, its points and their lots; followed up; never
deleted, marked entered in error instead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from acuback.accounts.access import Forbidden, NotFound
from acuback.audit.models import AuditEntry
from acuback.errors import ConflictError, InputError
from acuback.visits.adverse import (
    FollowUp,
    adverse_event_follow_up,
    adverse_event_mark_in_error,
    adverse_event_record,
)
from acuback.visits.models import AdverseEvent, LockedRecordError
from tests.personas import World
from tests.visits.factories import LOT, bruise, ready, signed


@pytest.fixture
def visit(world: World):  # noqa: ANN201
    ready(world)
    return signed(world)


def test_it_files_an_event_with_the_lots_of_its_points(world: World, visit) -> None:  # noqa: ANN001
    event = adverse_event_record(actor=world.practitioner, visit=visit, data=bruise())
    assert (event.kind, event.points, event.lots, event.episode_id) == (
        "bleeding", ["BL40"], [LOT], visit.episode_id)


def test_it_takes_a_report_from_the_patient_after_signing(world: World, visit) -> None:  # noqa: ANN001
    event = adverse_event_record(actor=world.practitioner, visit=visit, data=bruise(
        reporter="patient", kind="soreness", points=[],
        onset_at=timezone.now() - dt.timedelta(minutes=1)))
    assert event.reporter == "patient"


@pytest.mark.parametrize(("change", "key"), [
    ({"kind": "hiccups"}, "kind"), ({"severity": "awful"}, "severity"),
    ({"causality": "maybe"}, "causality"), ({"outcome": "fine"}, "outcome"),
    ({"points": ["LI4"]}, "points"), ({"lots": ["NOPE-1"]}, "lots"),
    ({"onset_at": timezone.now() + dt.timedelta(days=1)}, "onset_at"),
    ({"onset_at": timezone.now() - dt.timedelta(days=3)}, "onset_at"),
])
def test_it_refuses_an_event_that_cannot_be(world: World, visit, change: dict, key: str) -> None:  # noqa: ANN001
    with pytest.raises(InputError) as caught:
        adverse_event_record(actor=world.practitioner, visit=visit, data=bruise(**change))
    assert key in caught.value.errors and not AdverseEvent.objects.exists()


@pytest.mark.parametrize(("persona", "error"), [("front_desk", Forbidden),
                                                ("outsider", NotFound)])
def test_it_lets_only_clinicians_of_the_clinic_file(world: World, visit, persona: str,  # noqa: ANN001
                                                    error: type) -> None:
    with pytest.raises(error):
        adverse_event_record(actor=world.persona(persona), visit=visit, data=bruise())


def test_it_follows_an_event_up_keeping_what_it_replaced(world: World, visit) -> None:  # noqa: ANN001
    event = adverse_event_record(actor=world.practitioner, visit=visit, data=bruise())
    updated = adverse_event_follow_up(
        actor=world.practitioner, event=event, version=event.version,
        data=FollowUp(action="Checked next day", outcome="resolved", severity="mild",
                      serious=False))
    assert (updated.outcome, updated.version) == ("resolved", 2)
    entry = AuditEntry.objects.filter(object_type="adverse_event", action="update").first()
    assert entry.detail["replaced"]["outcome"] == "unknown"


def test_it_refuses_a_stale_follow_up(world: World, visit) -> None:  # noqa: ANN001
    event = adverse_event_record(actor=world.practitioner, visit=visit, data=bruise())
    follow = FollowUp(action="", outcome="resolved", severity="mild", serious=False)
    adverse_event_follow_up(actor=world.practitioner, event=event, data=follow, version=1)
    with pytest.raises(ConflictError):
        adverse_event_follow_up(actor=world.practitioner, event=event, data=follow, version=1)


def test_it_marks_an_event_entered_in_error_and_keeps_it(world: World, visit) -> None:  # noqa: ANN001
    event = adverse_event_record(actor=world.practitioner, visit=visit, data=bruise())
    with pytest.raises(InputError):
        adverse_event_mark_in_error(actor=world.practitioner, event=event, reason="")
    marked = adverse_event_mark_in_error(actor=world.practitioner, event=event,
                                         reason="Wrong patient")
    assert marked.in_error_by == world.practitioner and AdverseEvent.objects.count() == 1
    with pytest.raises(LockedRecordError):
        marked.delete()
