"""Who may write what on a visit, and whether needling may go ahead: checked once here for the
pages, the API, the CLI, the import and the demo alike. Every refusal is audited before any
transaction opens, so the entry is never rolled back with the refused write."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from acuback.accounts.access import AccessError, Forbidden, NotFound, membership_of
from acuback.accounts.models import CLINICAL_ROLES, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.episodes.models import Episode
from acuback.errors import ConflictError
from acuback.plans.proposals import Proposal
from acuback.plans.selectors import plan_proposal
from acuback.plans.services import health_block_reason
from acuback.screening.selectors import PlanningStatus, episode_planning_status, screening_status
from acuback.sqlrows import Columns, fetch, table
from acuback.visits.models import AdverseEvent, Amendment, AmendmentKind, Visit


class NeedlingBlocked(ConflictError):
    """The episode's red-flag status does not allow needling now (API: 409)."""


class VisitLocked(ConflictError):
    """The visit is signed (or marked entered in error): only amendments may follow."""


class StaleVersion(ConflictError):
    """Someone saved the record since this version was read (API: 412); carries the current
    record (a visit or an adverse event) so a page can show both versions."""

    def __init__(self, current: Visit | AdverseEvent, what: str = "visit") -> None:
        super().__init__(
            f"This {what} was changed since you opened it (now version {current.version}); "
            "compare the two versions and save again."
        )
        self.current = current


def require_clinician(
    actor: User, *, clinic_id: int, what: str, action: str = Action.CREATE,
    object_id: object = "", detail: dict[str, object] | None = None,
) -> None:
    """A practitioner or owner of `clinic_id`; NotFound for another clinic (we never confirm
    the record exists), Forbidden for any other role; both audited."""
    membership = membership_of(actor)
    if membership is None or membership.clinic_id != clinic_id:
        refusal: AccessError = NotFound(f"{what} not found")
    elif membership.role not in CLINICAL_ROLES:
        refusal = Forbidden(f"only practitioners and owners may write a {what}")
    else:
        return
    audit_record(actor=actor, action=action, object_type=what, object_id=object_id,
                 outcome=Outcome.NOT_FOUND if isinstance(refusal, NotFound) else Outcome.DENIED,
                 detail=detail)
    raise refusal


def require_author(actor: User, visit: Visit, *, action: str = Action.UPDATE) -> None:
    """Only the visit's own practitioner fills in and signs it: a signature attests one's own
    treatment, and a colleague's later word goes in an amendment under their own name."""
    require_clinician(actor, clinic_id=visit.clinic_id, what="visit", action=action,
                      object_id=visit.pk)
    if visit.practitioner_id == actor.pk:
        return
    audit_record(actor=actor, action=action, object_type="visit", object_id=visit.pk,
                 outcome=Outcome.DENIED, clinic_id=visit.clinic_id,
                 detail={"why": "not the visit's practitioner"})
    raise Forbidden("only the visit's practitioner may change or sign it; add an amendment")


def in_error_subquery() -> Exists:
    return Exists(Amendment.objects.filter(visit=OuterRef("pk"),
                                           kind=AmendmentKind.ENTERED_IN_ERROR))


def live_visits(qs: QuerySet[Visit]) -> QuerySet[Visit]:
    """Visits not marked entered in error."""
    return qs.filter(~in_error_subquery())


def live_visit_sql(visit_id: str) -> tuple[str, list[str]]:
    """`live_visits` as a clause of hand-written SQL, with its parameters: the visit whose id
    is the column `visit_id` (e.g. "v.id") is not marked entered in error. A NULL id (a
    painkiller reported at intake, no visit) passes."""
    return (f"NOT EXISTS (SELECT 1 FROM {Amendment._meta.db_table} a_ "  # noqa: S608
            f"WHERE a_.visit_id = {visit_id} AND a_.kind = %s)", [AmendmentKind.ENTERED_IN_ERROR])


def is_in_error(visit: Visit) -> bool:
    return visit.amendments.filter(kind=AmendmentKind.ENTERED_IN_ERROR).exists()


def require_draft(actor: User, visit: Visit, *, action: str = Action.UPDATE) -> None:
    """Refuse (audited) a write to a signed visit, or to one marked entered in error. The write
    itself repeats the check in its UPDATE (status = draft), so a race cannot slip through."""
    if visit.is_signed:
        why = ("This visit is signed and locked: add an addendum, a late entry or a "
               "correction instead.")
    elif is_in_error(visit):
        why = "This visit is marked entered in error: nothing more can be written to it."
    else:
        return
    audit_record(actor=actor, action=action, object_type="visit", object_id=visit.pk,
                 outcome=Outcome.DENIED, clinic_id=visit.clinic_id, detail={"why": "locked"})
    raise VisitLocked(why)


def needling_status(episode: Episode, proposal: Proposal | None = None) -> PlanningStatus:
    """Whether needles may go in for this episode now: the gates plans have. No red-flag
    screen, an urgent or emergency screen not cleared by a physician, or an episode that is not
    active: no needling. And "no history, no needling": while a health-history question that
    decides which points may be used was never asked, nothing is assumed "no" (DESIGN.md:
    unknown is not no). `proposal` is the prescriber's view of this patient, when the caller has
    it already (which questions are unasked does not depend on what it was asked)."""
    status = episode_planning_status(episode)
    if not status.allowed:
        return status
    proposal = proposal or plan_proposal(episode, pattern=None, estim_requested=False)
    if proposal.blocking_questions:
        return PlanningStatus(False, health_block_reason(proposal))
    return status


def recorded_needling_status(episode: Episode) -> PlanningStatus:
    """Whether a visit that already happened (one imported from another system) may be
    recorded: a red-flag screen on record, and an urgent or emergency one cleared by a
    physician, as for any needling. Not asked of a past visit: that the episode is still active
    (a discharged episode's past visits are still its record) and that no deciding
    health-history question is unasked now (the history may have changed since; the points are
    still judged against it by `check_visit`, an excluded one needing its override reason)."""
    screens = screening_status(episode)
    if screens.screening is None:
        return PlanningStatus(False, "Screen for red flags first: no red-flag screen is "
                                     "recorded for this episode.")
    if screens.needs_referral:
        return PlanningStatus(False, "This episode's red-flag screen asks for a physician's "
                                     "clearance before needling, and none is recorded.")
    return PlanningStatus(True, "")


def require_needling_allowed(actor: User, episode: Episode, *, what: str = "visit",
                             recorded: bool = False) -> None:
    """Refuse (audited) a visit the gates do not allow; `recorded`: one that already happened
    (`recorded_needling_status`)."""
    status = recorded_needling_status(episode) if recorded else needling_status(episode)
    if status.allowed:
        return
    audit_record(actor=actor, action=Action.CREATE, object_type=what, outcome=Outcome.DENIED,
                 clinic_id=episode.clinic_id,
                 detail={"episode": episode.pk, "why": "needling blocked"})
    raise NeedlingBlocked(status.why)


_LAST = Columns(Visit, "v", ("id", "started_at", "status"))


def visits_count_and_last(episode_id: int) -> tuple[int, Visit | None]:
    """How many live visits (`live_visits`) an episode has, and the one started last (its
    start and status read), in one hand-written statement: the episode page's visits panel
    asks on every open."""
    live, params = live_visit_sql("v.id")
    rows = fetch(
        f"SELECT {_LAST.sql()}, COUNT(*) OVER () FROM {table(Visit)} v "  # noqa: S608
        f"WHERE v.episode_id = %s AND {live} ORDER BY v.started_at DESC, v.id DESC LIMIT 1",
        [episode_id, *params])
    return (rows[0][_LAST.width], _LAST.build(rows[0])) if rows else (0, None)
