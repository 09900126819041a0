"""Reads for treatment plans. The episode always comes from a scoped, audited selector
(`acuback.screening.selectors.clinical_episode_get`); nothing here looks an episode up by id."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
    Subquery,
)

from acuback.accounts.models import User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical.acupoints import Acupoint, catalogue
from acuback.episodes.models import Episode
from acuback.episodes.selectors import episode_queryset
from acuback.patients.models import HealthHistory
from acuback.patients.selectors import health_history_row
from acuback.plans.models import Plan, PlanPoint, PointSide
from acuback.plans.proposals import (
    Proposal,
    badges,
    prescriber_request,
    propose,
    unconfirmed_noes,
)
from acuback.prefetch import prefetched, prefetched_set
from acuback.screening.selectors import prefetch_screenings
from acuback.sqlrows import Columns, fetch, marks, table

SEARCH_LIMIT = 15


def plan_queryset(actor: User) -> QuerySet[Plan]:
    """The plans of the episodes the actor may see (clinical content: the caller keeps front
    desk out, as /fhir does), each annotated with `later` (a newer plan replaced it) and
    `previous_id` (the plan it replaced)."""
    same_episode = Plan.objects.filter(episode=OuterRef("episode"))
    return Plan.objects.filter(episode__in=episode_queryset(actor)).annotate(
        later=Exists(same_episode.filter(number__gt=OuterRef("number"))),
        previous_id=Subquery(same_episode.filter(number=OuterRef("number") - 1)
                             .values("pk")[:1]),
    )


def plan_current(episode: Episode) -> Plan | None:
    """The episode's current plan (the highest number), points loaded."""
    loaded = prefetched(episode, "plans")  # a page listing episodes: see prefetch_care
    if loaded is not None:
        return loaded[0] if loaded else None
    return (
        episode.plans.select_related("created_by").prefetch_related("points").first()
    )


def prefetch_care(episodes: list[Episode]) -> None:
    """Load what the episodes' care badges show (latest screen and its referrals, current
    plan and its points) for all of them at once: two hand-written statements for a chart of
    any length (the screens with their referrals and their recorders' names, as
    `screening.selectors.prefetch_screenings` reads them; the plans with their points),
    instead of four queries per episode, or four ORM prefetches, which cost the chart ~2.7 ms
    CPU more to build. Who made a plan is
    not read (no badge or panel names them). Only for episodes already read through a scoped
    selector."""
    prefetch_screenings(episodes)
    by_id = {e.pk: e for e in episodes}
    found: dict[int, list[Plan]] = {pk: [] for pk in by_id}
    if by_id:
        plan: Plan | None = None
        points: list[PlanPoint] = []
        # Plan's Meta.ordering (highest number first; the id keeps each plan's points together
        # where two episodes' plans share a number), each plan's points in PlanPoint's order;
        # a row with no point for a plan without.
        for row in fetch(
                f"SELECT {_PLAN.sql()}, {_POINT.sql()} FROM {table(Plan)} p "  # noqa: S608
                f"LEFT JOIN {table(PlanPoint)} t ON t.plan_id = p.id "
                f"WHERE p.episode_id IN ({marks(list(by_id))}) "
                "ORDER BY p.number DESC, p.id, t.position", list(by_id)):
            if plan is None or plan.pk != row[0]:
                plan = _PLAN.build(row)
                Plan.episode.field.set_cached_value(plan, by_id[plan.episode_id])
                points = []
                prefetched_set(plan, "points", points)  # filled below, the same list
                found[plan.episode_id].append(plan)
            if row[_PLAN.width] is not None:
                point = _POINT.build(row, _PLAN.width)
                PlanPoint.plan.field.set_cached_value(point, plan)
                points.append(point)
    for episode in episodes:
        prefetched_set(episode, "plans", found[episode.pk])


_PLAN = Columns(Plan, "p")
_POINT = Columns(PlanPoint, "t")


def plan_get_current(*, actor: User, episode: Episode) -> Plan | None:
    """The current plan, with the read audited."""
    plan = plan_current(episode)
    audit_record(
        actor=actor, action=Action.READ, object_type="plan",
        object_id=plan.pk if plan else "", outcome=Outcome.OK if plan else Outcome.NOT_FOUND,
        clinic_id=episode.clinic_id, detail={"episode": episode.pk},
    )
    return plan


def plan_history(*, actor: User, episode: Episode) -> list[Plan]:
    """Every version of the episode's plan, newest first; audited."""
    plans = list(episode.plans.select_related("created_by").prefetch_related("points"))
    audit_record(
        actor=actor, action=Action.LIST, object_type="plan", outcome=Outcome.OK,
        clinic_id=episode.clinic_id, detail={"episode": episode.pk, "ids": [p.pk for p in plans]},
    )
    return plans


def plan_proposal(episode: Episode, *, pattern: str | None, estim_requested: bool) -> Proposal:
    """What the prescriber proposes for this episode and patient now."""
    health = _health_history(episode)
    proposal = propose(prescriber_request(episode, health, pattern=pattern,
                                          estim_requested=estim_requested))
    return dataclasses.replace(proposal, unconfirmed=unconfirmed_noes(health))


def _health_history(episode: Episode) -> HealthHistory | None:
    """The patient's health history: as `prefetch_health_history` loaded it with the episode
    when the caller did (a refresh of the episode forgets it), otherwise read now."""
    loaded = prefetched(episode, HEALTH_LOADED)
    if loaded is not None:
        return loaded[0] if loaded else None  # none: nothing ever asked
    # One hand-written statement (the patient has at most one: a one-to-one): the visit page
    # asks for the proposal on every open of a draft.
    return health_history_row(episode.patient_id)

HEALTH_LOADED = "health_history"


def prefetch_health_history(episodes: list[Episode]) -> None:
    """Load the health history of the episodes' patients at once, for a caller that judges many
    visits of the same episodes before anything could change it (the demo's visits step)."""
    found = {h.patient_id: h for h in HealthHistory.objects.filter(
        patient_id__in={e.patient_id for e in episodes})}
    for episode in episodes:
        health = found.get(episode.patient_id)
        cache = episode.__dict__.setdefault("_prefetched_objects_cache", {})
        cache[HEALTH_LOADED] = [health] if health else []


# --- points as the plan page shows them ----------------------------------------------------


@dataclass
class PointRow:
    """One point on the plan form: what the practitioner chose, and what the safety check says."""

    point: Acupoint
    side: str
    why: str
    proposed: bool
    excluded_why: str | None
    override: bool = False
    override_reason: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.point.code

    @property
    def badges(self) -> list[tuple[str, str]]:
        return badges(self.point)

    @property
    def sides(self) -> list[tuple[str, str]]:
        if not self.point.bilateral:
            return [(PointSide.MIDLINE, PointSide.MIDLINE.label)]
        return [(s, s.label) for s in PointSide if s != PointSide.MIDLINE]


def point_row(proposal: Proposal, code: str, *, side: str = "", why: str | None = None,
              override: bool = False, override_reason: str = "") -> PointRow | None:
    """The row for a point code (None when the catalogue has no such point)."""
    point = catalogue().get(code)
    if point is None:
        return None
    proposed_why = proposal.proposed(point.code)
    proposed_side = next(
        (p.side.value for p in proposal.prescription.points if p.code == point.code), ""
    )
    default_side = PointSide.BILATERAL if point.bilateral else PointSide.MIDLINE
    return PointRow(
        point=point, side=side or proposed_side or default_side,
        why=why if why is not None else (proposed_why or "Added by the practitioner"),
        proposed=proposed_why is not None, excluded_why=proposal.exclusion(point),
        override=override, override_reason=override_reason,
    )


def proposal_rows(proposal: Proposal) -> list[PointRow]:
    rows = [point_row(proposal, p.code) for p in proposal.prescription.points]
    return [r for r in rows if r is not None]


def plan_rows(proposal: Proposal, plan: Plan) -> list[PointRow]:
    """A saved plan's points as editable rows, their overrides kept."""
    rows = [
        point_row(proposal, p.code, side=p.side, why=p.why, override=p.overridden,
                  override_reason=p.override_reason)
        for p in plan.points.all()
    ]
    return [r for r in rows if r is not None]


@dataclass(frozen=True)
class SearchHit:
    point: Acupoint
    excluded_why: str | None

    @property
    def badges(self) -> list[tuple[str, str]]:
        return badges(self.point)


def point_search(proposal: Proposal, text: str) -> list[SearchHit]:
    """Catalogue points matching the text (code, pinyin, characters, English, region), each
    with whether it is excluded for this patient."""
    points = catalogue().search(text)[:SEARCH_LIMIT]
    return [SearchHit(point=p, excluded_why=proposal.exclusion(p)) for p in points]
