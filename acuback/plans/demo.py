"""Demo step: every active episode that may be planned gets the prescriber's proposal as its
plan (10 sessions, twice a week; ODI under 20; re-assess after session 5), saved through
`plan_save`. Idempotent: episodes with a plan are left alone. Runs after the screening step."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from acuback.bulk import db_json, db_time, insert_rows, next_id, reset_sequences
from acuback.clinical.chronicity import chronicity
from acuback.episodes.models import Episode, EpisodeStatus
from acuback.patients.models import HealthHistory
from acuback.plans.models import Plan, PlanPoint
from acuback.plans.proposals import prescriber_request, propose
from acuback.plans.selectors import plan_proposal
from acuback.plans.services import (
    Course,
    Goal,
    PointChoice,
    Reassess,
    _goal_dict,
    _validate,
    plan_save,
)
from acuback.screening.models import BLOCKING_DECISIONS
from acuback.screening.selectors import episode_planning_status

if TYPE_CHECKING:
    from acuback.demo import DemoContext
    from acuback.demo.bulk import BulkContext, BulkEpisode

# Cherkin 2009: 10 sessions; GERAC (Haake 2007): ten sessions, usually twice a week.
COURSE = Course(sessions=10, per_week=2)
GOALS = (Goal(instrument="odi", comparator="<", target=20),
         Goal(text="Back to daily walks without pain stopping them"))


def demo_plans(ctx: DemoContext) -> None:
    episodes = ctx.episodes().filter(
        status=EpisodeStatus.ACTIVE, plans__isnull=True
    ).select_related("patient", "created_by__membership").order_by("id")
    for episode in episodes:
        if episode_planning_status(episode).allowed:
            _plan(episode)


def _plan(episode: Episode) -> None:
    proposal = plan_proposal(episode, pattern=None, estim_requested=False)
    points = [PointChoice(p.code, p.side.value, p.why) for p in proposal.prescription.points]
    if not points:  # needling ruled out for this patient (a severe bleeding disorder)
        return
    if proposal.blocking_questions:  # a patient whose health history was never taken
        return
    plan_save(actor=episode.created_by, episode=episode, proposal=proposal, points=points,
              course=COURSE, goals=GOALS, reassess=Reassess(after_session=5), overrides={})


# --- the bulk path (acuback demo --patients N) -------------------------------------------------

PLAN_COLUMNS = ("id", "clinic", "episode", "number", "proposal", "pattern", "estim", "sessions",
                "per_week", "goals", "reassess_after_session", "reassess_on", "questionnaires",
                "created_by", "created_at")
POINT_COLUMNS = ("plan", "position", "code", "side", "why", "overridden", "override_reason",
                 "excluded_why")
REASSESS = Reassess(after_session=5)
# Electroacupuncture in the bulk plans: the episodes of every ESTIM_EVERY-th patient of the load
# ask for e-stim, granted where the prescription allows it, so the cohort's protocol filter
# splits a bulk registry (a synthetic share, not a published one; before, every bulk plan was
# manual and "electro" found no episode). By the patient's place in the load, never an id, and
# 5 shares no factor with the other steps' cycles (baseline questionnaires by the episode's
# place modulo 4, practitioners in turn): e-stim falls on every kind of episode.
ESTIM_EVERY = 5


def bulk_estim(episode: BulkEpisode) -> bool:
    """Whether the bulk plan of this episode asks for e-stim (granted only where allowed)."""
    return episode.patient.index % ESTIM_EVERY == 2


def bulk_plans(ctx: BulkContext) -> None:
    """The prescriber's proposal as the plan of every active episode a screen allows planning
    for, checked as `plan_save` checks it. Each distinct request is proposed once."""
    first = next_pk = next_id(Plan)
    plans, points = [], []
    goals, now = db_json([_goal_dict(g) for g in GOALS]), db_time(ctx.now)
    none_of_its_own = db_json([])  # the default schedule's questionnaires only
    # Counted by episodes: which get a plan is known once each is looked at.
    with ctx.progress("treatment plans", len(ctx.episodes)) as advance:
        for episode in ctx.episodes:
            if episode.status != EpisodeStatus.ACTIVE or ctx.decisions.get(episode.id) in (
                None, *BLOCKING_DECISIONS
            ):
                continue
            chosen = bulk_proposal(ctx.proposals, episode, ctx.today)
            if chosen is None:
                continue
            proposal, rows, estim = chosen  # e-stim where asked for and allowed, else manual
            plans.append((next_pk, ctx.clinic.pk, episode.id, 1, proposal, "", estim,
                          COURSE.sessions, COURSE.per_week, goals, REASSESS.after_session, None,
                          none_of_its_own, ctx.clinician.pk, now))
            points.extend((next_pk, i, *row, False, "", "") for i, row in enumerate(rows))
            ctx.plans[episode.id], ctx.plan_estim[episode.id] = next_pk, estim
            next_pk += 1
        insert_rows(Plan, PLAN_COLUMNS, plans)
        insert_rows(PlanPoint, POINT_COLUMNS, points)
        advance(len(ctx.episodes))
    reset_sequences(Plan, PlanPoint)
    ctx.audit("plan", first, len(plans))


def bulk_proposal(cache: dict[object, Any], episode: BulkEpisode, today: dt.date
                  ) -> tuple[str, list[tuple[str, str, str]], bool] | None:
    """The plan's proposal, its points (code, side, why) and its e-stim, once for each distinct
    prescriber request (what the request is built from: the complaint, its chronicity, the
    health history and whether e-stim is asked for, `bulk_estim`); e-stim only where the
    prescription allows it (as `plan_save` checks). None when needling is ruled out for the
    patient. The bulk visits step reads it for the points and e-stim of episodes treated before
    (discharged ones, which have no plan row)."""
    asked = bulk_estim(episode)
    key = (episode.region, episode.side, episode.radiation,
           chronicity(episode.onset, today), tuple(sorted(episode.patient.health.items())),
           asked)
    if key not in cache:
        row = Episode(region=episode.region, side=episode.side, radiation=episode.radiation,
                      onset_date=episode.onset, closed_on=episode.closed)
        health = HealthHistory(**episode.patient.health)
        request = prescriber_request(row, health, pattern=None, estim_requested=asked)
        proposal = propose(request)
        choices = [PointChoice(p.code, p.side.value, p.why) for p in proposal.prescription.points]
        # The same checks plan_save makes; a proposal with no points (needling ruled out for
        # this patient) gets no plan, as in the usual demo.
        if not choices:
            cache[key] = None
            return None
        estim = asked and proposal.prescription.estim.allowed
        checked = _validate(proposal, choices, COURSE, GOALS, REASSESS, {}, estim)
        cache[key] = (db_json(proposal.to_dict()), [(c.point.code, c.side, c.why)
                                                    for c in checked], estim)
    return cache[key]
