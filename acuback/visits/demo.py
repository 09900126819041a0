"""Demo step: every planned demo episode gets a course of visits, charted and signed through the
visit services, consistent with its plan (its points, twice a week, up to its sessions) and its
questionnaires (pain falls between baseline and follow-up for the responders, not for the
others). Painkillers are recorded at intake and at each visit and fall as pain falls; each
episode gets one amendment; adverse events come at the rates large surveys report.

Synthetic data from the demo's seeded random generator. Signing is the demo's own: the
practitioner's password is not asked (a demo load would otherwise hash it for every visit),
and the audit entry of each signature says so. Idempotent: episodes with a visit are left
alone. Runs after the plans step.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from acuback.accounts.models import Role, User
from acuback.clinical.acupoints import catalogue
from acuback.episodes.models import Episode, EpisodeStatus, Radiation
from acuback.plans.models import Plan
from acuback.plans.selectors import plan_current, prefetch_care, prefetch_health_history
from acuback.visits.access import needling_status
from acuback.visits.adverse import AdverseEventInput, adverse_event_record
from acuback.visits.inputs import PainkillerInput, PointInput, VisitInput
from acuback.visits.models import PainkillerUse, Visit
from acuback.visits.painkillers import painkillers_record_intake
from acuback.visits.services import visit_input_from, visit_start, visit_timer_start, visit_update
from acuback.visits.signing import sign_checked, visit_amend

if TYPE_CHECKING:
    from acuback.demo import DemoContext

# Adverse events per treatment: White 2001 (684 per 10,000 consultations) and Bäumler 2021
# (7.6 % of treatments); about half of all events are bleeding or bruising (Witt 2009: 58 %).
AE_RATE = 0.07
AE_KINDS = (("bleeding", 50), ("needling_pain", 15), ("soreness", 12), ("aggravation", 8),
            ("dizziness", 6), ("drowsiness", 6), ("nausea", 3))
PATIENT_REPORTED = {"soreness", "aggravation", "drowsiness"}
DROPOUT_SHARE = 0.15
LOTS = (("Hwato", "HW-2026-0412"), ("Hwato", "HW-2026-0519"), ("Seirin", "SJ-2603-118"),
        ("DBC", "DBC-25-7731"))
SUBJECTIVE = {
    "better": ("Less stiff in the mornings.", "Walked further this week.",
               "Slept better; pain eases sooner after sitting."),
    "same": ("About the same as last time.", "Still stiff after the drive to work.",
             "Pain flares after gardening."),
}


@dataclass(frozen=True)
class Course:
    """What the episode's questionnaires say about this patient's pain."""

    baseline_on: dt.datetime
    pain_start: float
    pain_end: float
    end_on: dt.datetime
    responder: bool


def demo_visits(ctx: DemoContext) -> None:
    episodes = list(ctx.episodes().filter(status=EpisodeStatus.ACTIVE, plans__isnull=False)
                .exclude(patient__episodes__visits__isnull=False)  # charted already: idempotent
                .distinct().select_related("patient__practitioner__membership",
                                           "patient__health", "created_by__membership")
                .order_by("id"))
    # Each episode's screen, plan and health history are read once for its whole course
    # (nothing this step writes changes them); every visit's checks still run on them.
    prefetch_care(episodes)
    prefetch_health_history(episodes)
    # Visits happen up to the demo's today, and never in the future.
    evening = timezone.make_aware(dt.datetime.combine(ctx.today, dt.time(18)))
    now = min(timezone.now(), evening)
    charted, patients = [], set()
    for episode in episodes:
        plan = plan_current(episode)
        # One course per patient: a second episode would be treated at the same visits.
        if plan is None or episode.patient_id in patients or not needling_status(
                episode).allowed:
            continue
        patients.add(episode.patient_id)
        if _episode(ctx.rng, now, episode, plan) < plan.sessions:
            charted.append((episode, plan))  # room for another visit in the course
    _in_the_rooms_now(ctx.rng, now, charted)


def _in_the_rooms_now(rng: random.Random, now: dt.datetime,
                      charted: list[tuple[Episode, Plan]]) -> None:
    """A living clinic: in each clinic one patient lies with needles in (a retention timer
    running) and one visit from yesterday is still waiting to be signed."""
    by_clinic: dict[int, list[tuple[Episode, Plan]]] = {}
    for episode, plan in charted:
        by_clinic.setdefault(episode.clinic_id, []).append((episode, plan))
    for pairs in by_clinic.values():
        for (episode, plan), room in zip(pairs[-2:], ("Room 2", ""), strict=False):
            actor = _practitioner(episode)
            started = now - dt.timedelta(minutes=6) if room else now - dt.timedelta(days=1)
            visit = visit_start(actor=actor, episode=episode, source="plan",
                                started_at=started, room=room or "Room 1")
            points = _points(rng, plan, LOTS[0])
            needles = sum(2 if p.side == "bilateral" else 1 for p in points)
            data = replace(visit_input_from(visit), points=points, needles_in=needles,
                           needles_out=0 if room else needles, pain_before=5,
                           subjective="Sore after a long drive.", minutes_without_estim=15)
            visit = visit_update(actor=actor, visit=visit, data=data, version=visit.version)
            if room:
                visit_timer_start(actor=actor, visit=visit, minutes=20)


def _practitioner(episode: Episode) -> User:
    own = episode.patient.practitioner
    if own is not None and own.role == Role.PRACTITIONER:
        return own
    return episode.created_by


def _course(rng: random.Random, now: dt.datetime, episode: Episode) -> Course:
    """Pain at baseline and follow-up from the NRS (or ODI / 10) the episode recorded."""
    scores = list(episode.assessments.filter(instrument__in=("nrs", "odi"))
                  .order_by("administered_at").values("instrument", "total", "time_point",
                                                      "administered_at"))
    nrs = [s for s in scores if s["instrument"] == "nrs"] or [
        {**s, "total": s["total"] / 10} for s in scores if s["total"] is not None]
    if not nrs:
        start = now - dt.timedelta(days=60)
        return Course(start, 6.0, 6.0 * rng.choice([0.5, 1.0]), now, rng.random() < 0.6)
    first, last = nrs[0], nrs[-1]
    responder = last["total"] <= first["total"] * 0.7 if last is not first else (
        rng.random() < 0.6)
    end_pain = last["total"] if last is not first else first["total"] * (
        0.5 if responder else 1.0)
    end_on = last["administered_at"] if last is not first else now
    return Course(first["administered_at"], float(first["total"]), float(end_pain),
                  max(end_on, first["administered_at"] + dt.timedelta(days=21)), responder)


def _dates(rng: random.Random, now: dt.datetime, course: Course, plan: Plan) -> list[dt.datetime]:
    """Twice a week from a few days after baseline, as the plan says, until today."""
    sessions = plan.sessions if rng.random() > DROPOUT_SHARE else rng.randint(3, plan.sessions)
    day = timezone.localtime(course.baseline_on).replace(hour=9, minute=0, second=0,
                                                         microsecond=0)
    day += dt.timedelta(days=rng.randint(1, 4))
    dates = []
    gap = max(1, 7 // max(plan.per_week, 1))
    for _ in range(sessions):
        when = day + dt.timedelta(hours=rng.randint(0, 8), minutes=rng.choice([0, 15, 30, 45]))
        if when > now - dt.timedelta(hours=2):
            break
        dates.append(when)
        day += dt.timedelta(days=gap + rng.choice([0, 0, 1]))
    return dates


def _pain_at(course: Course, when: dt.datetime, rng: random.Random) -> int:
    span = (course.end_on - course.baseline_on).total_seconds() or 1
    share = min(max((when - course.baseline_on).total_seconds() / span, 0.0), 1.0)
    pain = course.pain_start + (course.pain_end - course.pain_start) * share
    return int(min(max(round(pain + rng.uniform(-0.8, 0.8)), 0), 10))


def _regions(episode: Episode) -> list[str]:
    sides = {"left": ["left"], "right": ["right"]}.get(episode.side, ["left", "right"])
    stem = {"thoracic": "upper_back", "sacroiliac": "buttock"}.get(episode.region, "lower_back")
    regions = [f"{stem}_{s}" for s in sides]
    if episode.region == "lumbosacral":
        regions.append("sacrum")
    if episode.radiation == Radiation.POSTERIOR_LEG:
        regions += [f"thigh_back_{s}" for s in sides] + [f"calf_{sides[0]}"]
    elif episode.radiation == Radiation.LATERAL_LEG:
        regions += [f"thigh_side_{s}" for s in sides]
    return regions


def _intake(rng: random.Random, episode: Episode, actor: User) -> list[PainkillerInput]:
    """What the patient took before care began: about half an NSAID or paracetamol, one in
    five an opioid (as in back-pain cohorts, where many take something and a minority opioids)."""
    taken = []
    health = getattr(episode.patient, "health", None)
    if (health and "ibuprofen" in health.medications) or rng.random() < 0.35:
        taken.append(PainkillerInput("ibuprofen", Decimal(400), rng.choice([2, 3]),
                                     rng.randint(3, 7)))
    elif rng.random() < 0.3:
        taken.append(PainkillerInput("paracetamol", Decimal(1000), rng.choice([2, 3]),
                                     rng.randint(2, 7)))
    if rng.random() < 0.2:
        drug, dose = rng.choice([("tramadol", 50), ("oxycodone", 5), ("codeine", 30)])
        taken.append(PainkillerInput(drug, Decimal(dose), rng.choice([2, 3, 4]),
                                     rng.randint(4, 7)))
    if taken:
        rows = painkillers_record_intake(actor=actor, episode=episode, uses=taken)
        # Synthetic history only: a real intake is recorded on the day it is taken.
        PainkillerUse.objects.filter(pk__in=[r.pk for r in rows]).update(
            recorded_at=episode.assessments.order_by("administered_at").values_list(
                "administered_at", flat=True).first() or timezone.now())
    return taken


def _taper(use: PainkillerInput, share: float, responder: bool) -> PainkillerInput | None:
    """Responders take less as the course goes on; the others keep taking what they took."""
    if not responder:
        return use
    days = round(use.days_last_week * (1 - 0.8 * share))
    if days == 0:
        return None
    times = max(1, round(use.times_a_day * (1 - 0.5 * share)))
    return replace(use, days_last_week=days, times_a_day=times)


def _points(rng: random.Random, plan: Plan, lot: tuple[str, str]) -> list[PointInput]:
    maker, number = lot
    gauge = Decimal(rng.choice(["0.25", "0.30"]))
    points = []
    for i, p in enumerate(plan.points.all()):
        electrical = plan.estim and i < 2 and p.side == "bilateral"
        depth = rng.choice([15, 20, 25, 30])
        limit = catalogue().require(p.code).max_depth_mm
        if limit is not None:  # no deeper than the catalogue allows (organs, vessels beneath)
            depth = min(depth, int(limit))
        points.append(PointInput(
            code=p.code, side=p.side, depth_mm=Decimal(depth),
            angle="perpendicular", gauge_mm=gauge, length_mm=40, manufacturer=maker, lot=number,
            stimulation="electrical" if electrical else "manual",
            estim_hz=Decimal(2) if electrical else None,
            estim_ma=Decimal(3) if electrical else None,
            electrode_pair=1 if electrical else None, de_qi=rng.random() < 0.85,
            override_reason=p.override_reason))
    return points


def _episode(rng: random.Random, now: dt.datetime, episode: Episode, plan: Plan) -> int:
    """Chart the episode's course; how many visits it has."""
    actor = _practitioner(episode)
    course = _course(rng, now, episode)
    intake = _intake(rng, episode, actor)
    dates = _dates(rng, now, course, plan)
    lot = rng.choice(LOTS)
    signed: list[Visit] = []
    for n, when in enumerate(dates):
        if n and n % 4 == 0:
            lot = rng.choice(LOTS)  # a new box of needles every few visits
        share = n / max(len(dates) - 1, 1)
        visit = _chart(rng, episode, plan, actor, course, when, share, intake, lot)
        signed.append(sign_checked(actor=actor, visit=visit, version=visit.version,
                                   attested="demo"))
        if rng.random() < AE_RATE:
            _adverse_event(rng, actor, signed[-1])
    if signed:
        visit = rng.choice(signed)
        visit_amend(actor=actor, visit=visit, kind="addendum", reason="Patient phoned",
                    text=rng.choice(["Phoned the next day: slept well, no soreness.",
                                     "Phoned: a little sore that evening, fine by morning.",
                                     "Called to say the walk to work was easier."]))
    return len(signed)


def _chart(rng: random.Random, episode: Episode, plan: Plan, actor: User, course: Course,
           when: dt.datetime, share: float, intake: list[PainkillerInput],
           lot: tuple[str, str]) -> Visit:
    visit = visit_start(actor=actor, episode=episode, source="plan", started_at=when,
                        room=rng.choice(["Room 1", "Room 2", "Room 3"]))
    points = _points(rng, plan, lot)
    needles = sum(2 if p.side == "bilateral" else 1 for p in points)
    before = _pain_at(course, when, rng)
    estim = any(p.stimulation == "electrical" for p in points)
    taken = [u for u in (_taper(u, share, course.responder) for u in intake) if u]
    asked = rng.random() > 0.1  # sometimes nobody asked: not asked, never "none"
    better = course.responder and share > 0.3
    data = VisitInput(
        room=visit.room, started_at=when, ended_at=when + dt.timedelta(minutes=40),
        pain_before=before, pain_after=max(before - rng.randint(0, 2), 0),
        retention_minutes=20,
        minutes_without_estim=rng.choice([15, 20, 25]) - (10 if estim else 0),
        minutes_with_estim=10 if estim else 0, insertions=1, needles_in=needles,
        needles_out=needles, points=points, pain_regions=_regions(episode),
        painkillers_taken=(bool(taken) if asked else None),
        painkillers=taken if asked else [],
        subjective=rng.choice(SUBJECTIVE["better" if better else "same"]),
        objective="Tender over the lumbar paraspinals." if before >= 5 else "Mildly tender.",
        assessment="Improving." if better else "No clear change yet.",
        plan_note="Continue the plan.", next_visit="Same points; review home exercises.",
        adjuncts=["advice"] + (["heat"] if rng.random() < 0.3 else []),
        finger_floor_cm=(Decimal(round(25 * (1 - 0.5 * share * course.responder)))
                         if share in (0.0, 1.0) else None),
    )
    return visit_update(actor=actor, visit=visit, data=data, version=visit.version)


def _adverse_event(rng: random.Random, actor: User, visit: Visit) -> None:
    kinds, weights = zip(*AE_KINDS, strict=True)
    kind = rng.choices(kinds, weights=weights)[0]
    point = rng.choice([p.label for p in visit.points.all()])
    onset = visit.started_at + dt.timedelta(minutes=rng.randint(10, 35))
    adverse_event_record(actor=actor, visit=visit, data=AdverseEventInput(
        kind=kind, severity="mild", serious=False,
        causality="certain" if kind in ("bleeding", "needling_pain") else "probable",
        onset_at=onset, reporter="patient" if kind in PATIENT_REPORTED else "practitioner",
        action="Pressure for a minute." if kind == "bleeding" else "Reassured; rested.",
        outcome="resolved", points=[point] if kind in ("bleeding", "needling_pain") else []))
