"""Visits for tests: an episode cleared for needling with a plan, and visits charted on it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from django.utils import timezone

from acuback.episodes.models import Episode
from acuback.visits.adverse import AdverseEventInput
from acuback.visits.inputs import PointInput, VisitInput
from acuback.visits.models import Visit
from acuback.visits.services import visit_input_from, visit_start, visit_update
from acuback.visits.signing import visit_sign
from tests.personas import PASSWORD, World
from tests.plans.factories import save as save_plan
from tests.screening.factories import CLEAR, screen

PLAN_CODES = ("BL23", "BL25", "BL40", "GV4")
LOT = "HW-2026-0412"


def ready(world: World, episode: Episode | None = None) -> Episode:
    """`episode` (default: Grace Hopper's, whose health history is clear) screened clear and
    planned with PLAN_CODES."""
    episode = episode or world.other_episode
    screen(world.practitioner, episode, *CLEAR)
    save_plan(world.practitioner, episode, PLAN_CODES)
    return episode


def start(world: World, episode: Episode | None = None, source: str = "plan",
          **kwargs: object) -> Visit:
    episode = episode or world.other_episode
    return visit_start(actor=world.practitioner, episode=episode, source=source, **kwargs)


def charted(visit: Visit, **changes: object) -> VisitInput:
    """A complete chart of the visit's points: needles counted in and out, a note, minutes."""
    data = visit_input_from(visit)
    points = [replace(p, depth_mm=Decimal("25"), gauge_mm=Decimal("0.25"), length_mm=40,
                      manufacturer="Hwato", lot=LOT, de_qi=True) for p in data.points]
    needles = sum(2 if p.side == "bilateral" else 1 for p in points)
    base = replace(data, points=points, needles_in=needles, needles_out=needles,
                   minutes_without_estim=20, pain_before=6, pain_after=4,
                   subjective="Back stiff in the mornings.", painkillers_taken=False,
                   room="Room 2")
    return replace(base, **changes)


def fill(world: World, visit: Visit, **changes: object) -> Visit:
    return visit_update(actor=world.practitioner, visit=visit, data=charted(visit, **changes),
                        version=visit.version)


def signed(world: World, **changes: object) -> Visit:
    visit = fill(world, start(world), **changes)
    return visit_sign(actor=world.practitioner, visit=visit, password=PASSWORD,
                      version=visit.version)


def ashi(location: str = "left PSIS", side: str = "left") -> PointInput:
    return PointInput(ashi_location=location, side=side)


def bruise(**changes: object) -> AdverseEventInput:
    """A mild bruise at BL40 as the practitioner records it; `changes` override its fields."""
    values: dict[str, object] = {
        "kind": "bleeding", "severity": "mild", "serious": False, "causality": "certain",
        "onset_at": timezone.now(), "action": "Pressure for a minute", "points": ["BL40"]}
    values.update(changes)
    return AdverseEventInput(**values)  # type: ignore[arg-type]
