"""Saving a treatment plan: validate, write a new plan version, audit; in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from acuback.accounts.models import User
from acuback.assessments.selectors import answerable
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical import questionnaire_schedule as qs
from acuback.clinical.acupoints import Acupoint, UnknownPoint, catalogue
from acuback.clinical.instruments.registry import INSTRUMENTS
from acuback.cohort.summaries import refresh_episode_summary
from acuback.episodes.models import Episode
from acuback.errors import ConflictError, InputError
from acuback.plans.models import Pattern, Plan, PlanPoint, PointSide
from acuback.plans.proposals import Proposal
from acuback.screening.selectors import episode_planning_status
from acuback.screening.services import require_clinician

# The course limits the brief sets: 1-30 sessions, 1-5 a week. For scale: trials gave 10-12
# sessions over 7-8 weeks (Cherkin 2009, Brinkhaus 2006, Haake 2007), and Medicare NCD 30.3.3
# covers at most 20 visits a year.
SESSIONS = (1, 30)
PER_WEEK = (1, 5)
COMPARATORS = ("<", "<=", ">", ">=")
TEXT_MAX = 300
GOALS_MOST = 20  # the most the API and the page take, as for a plan's own questionnaires


class PlanningBlocked(ConflictError):
    """The episode's red-flag status does not allow a plan now (API: 409)."""


@dataclass(frozen=True)
class PointChoice:
    code: str
    side: str = ""  # empty: both sides for a paired point, midline for a single one
    why: str = ""


@dataclass(frozen=True)
class Course:
    sessions: int
    per_week: int


@dataclass(frozen=True)
class Goal:
    instrument: str = ""
    comparator: str = ""
    target: float | None = None
    text: str = ""


@dataclass(frozen=True)
class Reassess:
    after_session: int | None = None
    on_date: dt.date | None = None


@dataclass(frozen=True)
class Questionnaire:
    """A questionnaire the plan asks beyond the default schedule: an instrument at a moment
    (`acuback.clinical.questionnaire_schedule.PLAN_MOMENTS`), n where the moment needs one."""
    instrument: str
    moment: str
    n: int | None = None


@dataclass(frozen=True)
class _Checked:
    point: Acupoint
    side: str
    why: str
    excluded_why: str | None


def plan_save(
    *, actor: User, episode: Episode, proposal: Proposal, points: Sequence[PointChoice],
    course: Course, goals: Sequence[Goal], reassess: Reassess, overrides: Mapping[str, str],
    estim: bool = False, based_on: int = 0, questionnaires: Sequence[Questionnaire] = (),
) -> Plan:
    """Save a new version of the episode's plan.

    `questionnaires` are the plan's own, added to the default follow-up schedule (checked
    against the instrument registry and the schedule's moments; a revision states its own,
    as it does its goals).

    `overrides` maps a point code to the practitioner's reason for using it although it is
    excluded for this patient; an excluded point without one is refused, with the why.
    `based_on` is the number of the plan the practitioner was looking at (0: none yet): if
    someone saved a newer one meanwhile, the save is refused rather than silently replacing it.
    """
    # Checked outside the transaction, so that the audit entry of a refusal is kept.
    require_clinician(actor, episode, "plan")
    planning = episode_planning_status(episode)
    if not planning.allowed:
        audit_record(actor=actor, action=Action.CREATE, object_type="plan",
                     outcome=Outcome.DENIED, clinic_id=episode.clinic_id,
                     detail={"episode": episode.pk, "why": "planning blocked"})
        raise PlanningBlocked(planning.why)
    if proposal.blocking_questions:
        # "No history, no plan": a question that decides the points or e-stim must be
        # answered, never assumed "no" (DESIGN.md: unknown is not no).
        audit_record(actor=actor, action=Action.CREATE, object_type="plan",
                     outcome=Outcome.DENIED, clinic_id=episode.clinic_id,
                     detail={"episode": episode.pk, "why": "health history not taken",
                             "not_asked": proposal.blocking_questions})
        raise PlanningBlocked(health_block_reason(proposal))
    checked = _validate(proposal, points, course, goals, reassess, overrides, estim,
                        questionnaires, answerable(episode.clinic_id))
    try:
        with transaction.atomic():
            return _write(actor, episode, proposal, checked, course, goals, reassess,
                          overrides, estim, based_on, questionnaires)
    except IntegrityError as exc:  # two saves raced for the same plan number
        raise ConflictError("Someone else saved a plan at the same moment; reload.") from exc


def health_block_reason(proposal: Proposal) -> str:
    return (f"Take the health history first: not asked: {', '.join(proposal.blocking_questions)}."
            " These decide which points and whether e-stim may be used.")


# --- validation ----------------------------------------------------------------------------


def _validate(
    proposal: Proposal, points: Sequence[PointChoice], course: Course, goals: Sequence[Goal],
    reassess: Reassess, overrides: Mapping[str, str], estim: bool,
    questionnaires: Sequence[Questionnaire] = (), can_answer: set[str] | None = None,
) -> list[_Checked]:
    errors: dict[str, list[str]] = {}
    checked = _check_points(proposal, points, overrides, errors)
    _check_course(course, errors)
    _check_goals(goals, errors)
    _check_reassess(reassess, course, errors)
    _check_questionnaires(questionnaires, errors, can_answer)
    estim_decision = proposal.prescription.estim
    if estim and not estim_decision.allowed:
        errors["estim"] = [f"E-stim cannot be part of this plan: {estim_decision.why}."]
    if errors:
        raise InputError(errors)
    return checked


def _check_points(
    proposal: Proposal, points: Sequence[PointChoice], overrides: Mapping[str, str],
    errors: dict[str, list[str]],
) -> list[_Checked]:
    if not points:
        errors["points"] = ["Choose at least one point."]
    checked: list[_Checked] = []
    seen: set[str] = set()
    for choice in points:
        try:
            point = catalogue().require(choice.code)
        except UnknownPoint as exc:
            errors.setdefault("points", []).append(f"{exc}.")
            continue
        if point.code in seen:
            errors.setdefault("points", []).append(f"{point.code} is listed twice.")
            continue
        seen.add(point.code)
        side = _side(point, choice.side, errors)
        why = choice.why.strip()[:TEXT_MAX]
        excluded_why = proposal.exclusion(point)
        if excluded_why and not overrides.get(point.code, "").strip():
            errors[f"override.{point.code}"] = [
                f"{point.code} is excluded for this patient: {excluded_why}. To use it anyway, "
                "tick the override and give your reason."
            ]
        checked.append(_Checked(point, side, why, excluded_why))
    return checked


def _side(point: Acupoint, side: str, errors: dict[str, list[str]]) -> str:
    if not point.bilateral:
        return PointSide.MIDLINE  # a single point on the midline has no side to choose
    if not side:
        return PointSide.BILATERAL
    if side not in (PointSide.LEFT, PointSide.RIGHT, PointSide.BILATERAL):
        errors[f"side.{point.code}"] = [
            f"{point.code} is a paired point: choose left, right or both sides."
        ]
    return side


def _check_course(course: Course, errors: dict[str, list[str]]) -> None:
    if not SESSIONS[0] <= course.sessions <= SESSIONS[1]:
        errors["sessions"] = [f"Plan between {SESSIONS[0]} and {SESSIONS[1]} sessions."]
    if not PER_WEEK[0] <= course.per_week <= PER_WEEK[1]:
        errors["per_week"] = [f"Plan {PER_WEEK[0]} to {PER_WEEK[1]} sessions a week."]


def _check_goals(goals: Sequence[Goal], errors: dict[str, list[str]]) -> None:
    if not goals:
        errors["goals"] = ["Set at least one goal: a target score, or a goal in words."]
    if len(goals) > GOALS_MOST:
        errors["goals"] = [f"Keep to {GOALS_MOST} goals at most."]
        return
    for goal in goals:
        problem = _goal_problem(goal)
        if problem:
            errors.setdefault("goals", []).append(problem)


def _goal_problem(goal: Goal) -> str | None:
    if not goal.instrument:
        if not goal.text.strip():
            return "A goal needs a questionnaire and target, or words."
        return f"Keep a goal under {TEXT_MAX} characters." if len(goal.text) > TEXT_MAX else None
    definition = INSTRUMENTS.get(goal.instrument)
    if definition is None:
        return f"Unknown questionnaire {goal.instrument!r}; use one of {', '.join(INSTRUMENTS)}."
    if goal.comparator not in COMPARATORS:
        return f"Compare the {definition.short_name} score with one of {' '.join(COMPARATORS)}."
    low, high = definition.total_range
    if goal.target is None or not low <= goal.target <= high:
        return f"A {definition.short_name} target must be between {low} and {high}."
    return None


def _check_reassess(reassess: Reassess, course: Course, errors: dict[str, list[str]]) -> None:
    if reassess.after_session is None and reassess.on_date is None:
        errors["reassess"] = ["Say when to re-assess: after a session number, or on a date."]
    if reassess.after_session is not None and not 1 <= reassess.after_session <= course.sessions:
        errors["reassess"] = [f"Re-assess after a session from 1 to {course.sessions}."]
    if reassess.on_date is not None and reassess.on_date < timezone.localdate():
        errors["reassess"] = ["The re-assessment date cannot be in the past."]


def _check_questionnaires(questionnaires: Sequence[Questionnaire], errors: dict[str, list[str]],
                          can_answer: set[str] | None = None) -> None:
    """Each of a plan's own questionnaires: an instrument of the registry at a moment a plan may
    name, with its number where the moment needs one (`questionnaire_schedule.plan_item`), and,
    for a plan made here, one the patient can answer at this clinic (`can_answer`: else it would
    never be due, on the portal nor in the chart's outstanding list). Errors are keyed by position
    (`questionnaires.0`) so the page and the API can say which."""
    seen: set[tuple[str, str, int | None]] = set()
    for index, q in enumerate(questionnaires):
        where = f"questionnaires.{index}"
        definition = INSTRUMENTS.get(q.instrument)
        if definition is None:
            errors[where] = [f"Unknown questionnaire {q.instrument!r}; use one of "
                             f"{', '.join(INSTRUMENTS)}."]
            continue
        try:
            qs.plan_item(q.instrument, q.moment, q.n)
        except ValueError as exc:
            errors[where] = [f"{definition.short_name}: {exc}."]
            continue
        if can_answer is not None and q.instrument not in can_answer:
            errors[where] = [f"{definition.short_name} cannot be asked of patients here: the "
                             "clinic has not loaded its licensed wording."]
        elif (q.instrument, q.moment, q.n) in seen:
            errors[where] = [f"{definition.short_name} is listed twice at the same moment."]
        seen.add((q.instrument, q.moment, q.n))


def _questionnaire_dict(q: Questionnaire) -> dict[str, object]:
    return {"instrument": q.instrument, "moment": q.moment, "n": q.n}


# --- writing -------------------------------------------------------------------------------


def _write(
    actor: User, episode: Episode, proposal: Proposal, checked: list[_Checked], course: Course,
    goals: Sequence[Goal], reassess: Reassess, overrides: Mapping[str, str], estim: bool,
    based_on: int, questionnaires: Sequence[Questionnaire] = (),
) -> Plan:
    Episode.objects.select_for_update().filter(pk=episode.pk).first()  # one save at a time
    current = episode.plans.aggregate(n=Max("number"))["n"] or 0
    if current != based_on:
        raise ConflictError(
            f"A newer plan (version {current}) was saved since you opened this page; reload "
            "to see it before saving yours."
        )
    plan = Plan.objects.create(
        clinic_id=episode.clinic_id, episode=episode, number=current + 1,
        proposal=proposal.to_dict(), pattern=proposal.pattern, estim=estim,
        sessions=course.sessions, per_week=course.per_week, goals=[_goal_dict(g) for g in goals],
        reassess_after_session=reassess.after_session, reassess_on=reassess.on_date,
        questionnaires=[_questionnaire_dict(q) for q in questionnaires], created_by=actor,
    )
    PlanPoint.objects.bulk_create([_plan_point(plan, i, c, overrides) for i, c in
                                   enumerate(checked)])
    refresh_episode_summary(episode.pk)  # the cohort report's protocol (e-stim)
    audit_record(
        actor=actor, action=Action.CREATE, object_type="plan", object_id=plan.pk,
        outcome=Outcome.OK, clinic_id=episode.clinic_id,
        detail={
            "episode": episode.pk, "number": plan.number, "points": [c.point.code for c in checked],
            "overrides": [{"code": c.point.code, "reason": overrides[c.point.code].strip()}
                          for c in checked if c.excluded_why],
        },
    )
    return plan


def _plan_point(plan: Plan, position: int, c: _Checked, overrides: Mapping[str, str]) -> PlanPoint:
    overridden = c.excluded_why is not None
    return PlanPoint(
        plan=plan, position=position, code=c.point.code, side=c.side, why=c.why,
        overridden=overridden,
        override_reason=overrides[c.point.code].strip() if overridden else "",
        excluded_why=c.excluded_why or "",
    )


def _goal_dict(goal: Goal) -> dict[str, object]:
    if goal.instrument:
        return {"instrument": goal.instrument, "comparator": goal.comparator,
                "target": goal.target}
    return {"text": goal.text.strip()}


# --- a plan recorded elsewhere (the FHIR import) -------------------------------------------


@dataclass(frozen=True)
class RecordedPoint:
    """A point as another system recorded it: an override stays as recorded (its reason and
    why the point was excluded there), since the plan is history."""
    code: str
    side: str
    why: str = ""
    override_reason: str = ""
    excluded_why: str = ""


@dataclass(frozen=True)
class RecordedPlan:
    created_by: User
    created_at: dt.datetime
    points: Sequence[RecordedPoint]
    course: Course
    goals: Sequence[Goal]
    reassess: Reassess
    pattern: str = ""
    estim: bool = False
    questionnaires: Sequence[Questionnaire] = ()


def plan_record_imported(*, actor: User, episode: Episode, recorded: RecordedPlan) -> Plan:
    """Record a plan made in another system as the episode's next version, with its author and
    time as recorded. The gates of a plan made here apply as for a visit that already happened
    (`visits.access.recorded_needling_status`: a red-flag screen on record, a serious one
    cleared); the points must be catalogue points on a side they have, the course and goals in
    the same limits, its own questionnaires of the registry at moments a plan may name (whether
    this clinic can show their wording is not asked: the plan is history, and the schedule asks
    patients only what they can answer). The re-assessment date may be past. The proposal is
    not recomputed (today's health history is not the one the plan was made on): it is stored
    as `{"imported": true}`, and an overridden point keeps the file's reason."""
    from acuback.visits.access import recorded_needling_status  # visits depend on plans

    require_clinician(actor, episode, "plan")
    status = recorded_needling_status(episode)
    if not status.allowed:
        audit_record(actor=actor, action=Action.CREATE, object_type="plan",
                     outcome=Outcome.DENIED, clinic_id=episode.clinic_id,
                     detail={"episode": episode.pk, "why": "planning blocked",
                             "imported": True})
        raise PlanningBlocked(status.why)
    errors: dict[str, list[str]] = {}
    if recorded.pattern and recorded.pattern not in Pattern.values:
        errors["pattern"] = [f"{recorded.pattern!r} is no pattern acuback knows; use one of "
                             f"{', '.join(Pattern.values)}."]
    sides: list[str] = []
    for point in recorded.points:
        try:
            found = catalogue().require(point.code)
        except UnknownPoint as exc:
            errors.setdefault("points", []).append(f"{exc}.")
            continue
        sides.append(_side(found, point.side, errors))
        if point.excluded_why and not point.override_reason.strip():
            errors.setdefault("points", []).append(f"{point.code}: an excluded point needs "
                                                   "the reason it was used.")
    if not recorded.points:
        errors.setdefault("points", []).append("A plan needs at least one point.")
    if len({p.code for p in recorded.points}) != len(recorded.points):
        errors.setdefault("points", []).append("a point is given twice.")
    _check_course(recorded.course, errors)
    _check_goals(recorded.goals, errors)
    _check_questionnaires(recorded.questionnaires, errors)
    if errors:
        raise InputError(errors)
    with transaction.atomic():
        Episode.objects.select_for_update().filter(pk=episode.pk).first()
        number = (episode.plans.aggregate(n=Max("number"))["n"] or 0) + 1
        plan = Plan.objects.create(
            clinic_id=episode.clinic_id, episode=episode, number=number,
            proposal={"imported": True}, pattern=recorded.pattern, estim=recorded.estim,
            sessions=recorded.course.sessions, per_week=recorded.course.per_week,
            goals=[_goal_dict(g) for g in recorded.goals],
            reassess_after_session=recorded.reassess.after_session,
            reassess_on=recorded.reassess.on_date, created_by=recorded.created_by,
            questionnaires=[_questionnaire_dict(q) for q in recorded.questionnaires])
        Plan.objects.filter(pk=plan.pk).update(created_at=recorded.created_at)
        plan.created_at = recorded.created_at
        PlanPoint.objects.bulk_create([PlanPoint(
            plan=plan, position=i, code=p.code, side=side, why=p.why.strip()[:TEXT_MAX],
            overridden=bool(p.override_reason.strip()),
            override_reason=p.override_reason.strip(), excluded_why=p.excluded_why.strip())
            for i, (p, side) in enumerate(zip(recorded.points, sides, strict=True))])
        refresh_episode_summary(episode.pk)
        audit_record(actor=actor, action=Action.CREATE, object_type="plan", object_id=plan.pk,
                     outcome=Outcome.OK, clinic_id=episode.clinic_id,
                     detail={"episode": episode.pk, "number": number, "imported": True,
                             "points": [p.code for p in recorded.points]})
    return plan
