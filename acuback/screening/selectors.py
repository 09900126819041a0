"""Reads for red-flag screening, and the rule that decides whether treatment may be planned.

The episode always comes from `acuback.episodes.selectors.episode_get`, which scopes it to the
actor's clinic and role and audits the read; these selectors never look an episode up by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Prefetch, QuerySet

from acuback.accounts.access import Forbidden, is_clinical
from acuback.accounts.models import USER_NAME_FIELDS, User, beyond_name
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.episodes.models import Episode, EpisodeStatus
from acuback.episodes.selectors import episode_get, episode_queryset
from acuback.errors import InputError
from acuback.prefetch import prefetched, prefetched_set
from acuback.screening.models import BLOCKING_DECISIONS, Decision, Referral, Screening
from acuback.sqlrows import Columns, fetch, marks, starts, table


def clinical_episode_get(
    *, actor: User, episode_id: object, what: str, action: str = Action.READ
) -> Episode:
    """An episode whose screening or plan (`what`) a clinician works on: 404 outside the
    actor's clinic, 403 (audited) for any role but practitioner and owner. Patients see their
    own screens and plans through the portal, not these clinical pages."""
    episode = episode_get(actor=actor, episode_id=episode_id)
    if not is_clinical(actor):
        audit_record(actor=actor, action=action, object_type=what, outcome=Outcome.DENIED,
                     clinic_id=episode.clinic_id, detail={"episode": episode.pk})
        raise Forbidden(f"only practitioners and owners may work on the {what}")
    return episode


def screening_queryset(actor: User) -> QuerySet[Screening]:
    """The screens of the episodes the actor may see (clinical content: the caller keeps front
    desk out, as /fhir does)."""
    return Screening.objects.filter(episode__in=episode_queryset(actor))


def referral_queryset(actor: User) -> QuerySet[Referral]:
    """The referral outcomes of the screens the actor may see."""
    return Referral.objects.filter(screening__episode__in=episode_queryset(actor))


class PlanningStatus(NamedTuple):
    allowed: bool
    why: str


class Level:
    """How a status is shown: the CSS class of its banner."""

    OK = "ok"
    WARN = "warn"
    DANGER = "danger"


@dataclass(frozen=True)
class ScreeningStatus:
    """What the episode's latest screen means for treatment, in one place for every page."""

    screening: Screening | None
    referral: Referral | None  # the latest outcome recorded against that screen
    planning: PlanningStatus
    level: str
    needs_referral: bool  # a blocking screen with no clearance: ask for the referral outcome

    @property
    def headline(self) -> str:
        if self.screening is None:
            return "Not screened for red flags yet"
        cleared = ", cleared by a physician" if self.referral and self.referral.clears else ""
        return (f"Red-flag screen {self.screening.screened_on:%-d %b %Y}: "
                f"{self.screening.get_decision_display()}{cleared}")


def screening_current(episode: Episode) -> Screening | None:
    """The episode's latest screen (a new screen replaces the old one for decisions)."""
    loaded = prefetched(episode, "screenings")  # a page listing episodes: see prefetch_care
    if loaded is not None:
        return loaded[0] if loaded else None
    return episode.screenings.select_related("recorded_by").first()


def screenings_prefetch() -> Prefetch:
    """The episodes' screens, newest first, each with its referral outcomes: what
    `screening_current` and `screening_status` read, loaded for many episodes at once."""
    referrals = Referral.objects.select_related("recorded_by").defer(*beyond_name("recorded_by"))
    return Prefetch("screenings", queryset=Screening.objects.select_related("recorded_by")
                    .defer(*beyond_name("recorded_by"))
                    .prefetch_related(Prefetch("referrals", queryset=referrals)))


_SCREENING = Columns(Screening, "s")
_REFERRAL = Columns(Referral, "r")
# Of the people, their names only.
_RECORDER = Columns(User, "u", USER_NAME_FIELDS)
_REFERRER = Columns(User, "ru", USER_NAME_FIELDS)


def prefetch_screenings(episodes: list[Episode]) -> None:
    """Load the episodes' screens once (one query for any number), so that every judgement of
    a page that reads them (needling, Medicare's nonspecific pain) shares one read. Only for
    episodes already read through a scoped selector, and read before anything is written.
    What `screenings_prefetch` loads, in one hand-written statement (a row per referral
    outcome, one with none for a screen without): the chart, the episode page and the visit
    page read them on every open, and compiling the ORM's two queries cost more than running
    them."""
    by_id = {e.pk: e for e in episodes}
    found: dict[int, list[Screening]] = {pk: [] for pk in by_id}
    if not by_id:
        return
    parts = (_SCREENING, _RECORDER, _REFERRAL, _REFERRER)
    (_, _), (_, at_recorder), (_, at_referral), (_, at_referrer) = starts(parts)
    referrals: dict[int, list[Referral]] = {}
    screening: Screening | None = None
    # Screening's and Referral's Meta.ordering (recorded_at, id, newest first), each screen's
    # referral outcomes together; each row's recorders by name only.
    for row in fetch(
            f"SELECT {', '.join(c.sql() for c in parts)} FROM {table(Screening)} s "  # noqa: S608
            f"JOIN {table(User)} u ON u.id = s.recorded_by_id "
            f"LEFT JOIN {table(Referral)} r ON r.screening_id = s.id "
            f"LEFT JOIN {table(User)} ru ON ru.id = r.recorded_by_id "
            f"WHERE s.episode_id IN ({marks(list(by_id))}) "
            "ORDER BY s.recorded_at DESC, s.id DESC, r.recorded_at DESC, r.id DESC",
            list(by_id)):
        if screening is None or screening.pk != row[0]:
            screening = _SCREENING.build(row)
            Screening.recorded_by.field.set_cached_value(
                screening, _RECORDER.build(row, at_recorder))
            Screening.episode.field.set_cached_value(screening, by_id[screening.episode_id])
            referrals[screening.pk] = []
            found[screening.episode_id].append(screening)
        if row[at_referral] is not None:
            referral = _REFERRAL.build(row, at_referral)
            Referral.recorded_by.field.set_cached_value(
                referral, _REFERRER.build(row, at_referrer))
            Referral.screening.field.set_cached_value(referral, screening)
            referrals[screening.pk].append(referral)
    for episode_screenings in found.values():
        for item in episode_screenings:
            prefetched_set(item, "referrals", referrals[item.pk])
    for episode in episodes:
        prefetched_set(episode, "screenings", found[episode.pk])


def _latest_referral(screening: Screening) -> Referral | None:
    loaded = prefetched(screening, "referrals")
    if loaded is not None:
        return loaded[0] if loaded else None
    return screening.referrals.select_related("recorded_by").first()


def screening_require(episode: Episode) -> Screening:
    """The latest screen, for an action that needs one (recording a referral outcome)."""
    screening = screening_current(episode)
    if screening is None:
        raise InputError("Record a red-flag screen first: there is nothing to refer yet.")
    return screening


def screening_history(*, actor: User, episode: Episode) -> list[Screening]:
    """Every screen of the episode, newest first, with their referral outcomes; audited."""
    screenings = list(
        episode.screenings.select_related("recorded_by").prefetch_related(
            "referrals__recorded_by"
        )
    )
    audit_record(
        actor=actor, action=Action.LIST, object_type="screening", outcome=Outcome.OK,
        clinic_id=episode.clinic_id,
        detail={"episode": episode.pk, "ids": [s.pk for s in screenings]},
    )
    return screenings


def screening_status(episode: Episode) -> ScreeningStatus:
    screening = screening_current(episode)
    referral = _latest_referral(screening) if screening else None
    planning = _planning(episode, screening, referral)
    blocked = screening is not None and screening.blocks_treatment
    cleared = referral is not None and referral.clears
    unasked = screening is not None and bool(screening.not_asked) and not blocked
    if screening is None or (blocked and not cleared) or unasked:
        # Planning is blocked: no screen, a serious flag not cleared, or a screen (imported)
        # that left questions unasked, which cannot clear anyone (unknown is not no).
        level = Level.DANGER
    elif screening.decision == Decision.CLEAR and not screening.not_asked:
        level = Level.OK
    else:
        level = Level.WARN  # routine flags, or serious ones a physician has cleared
    return ScreeningStatus(
        screening=screening, referral=referral, planning=planning, level=level,
        needs_referral=blocked and not cleared,
    )


def episode_planning_status(episode: Episode) -> PlanningStatus:
    """(allowed, why): whether a treatment plan may be made for this episode now.

    No screen yet means no plan: red flags must be looked for before anyone plans needling
    (DOMAIN.md 4.1 design note; our safety default). An urgent or emergency screen blocks
    planning until a physician's clearance is recorded; a routine one only warns.
    """
    return screening_status(episode).planning


def _planning(
    episode: Episode, screening: Screening | None, referral: Referral | None
) -> PlanningStatus:
    referred_for_flags = (
        episode.status == EpisodeStatus.REFERRED_OUT
        and screening is not None and screening.blocks_treatment
    )
    if episode.status != EpisodeStatus.ACTIVE and not referred_for_flags:
        return PlanningStatus(
            False, f"This episode is {episode.get_status_display().lower()}: reopen it (set it "
            "back to active) before planning treatment.",
        )
    if screening is None:
        return PlanningStatus(
            False, "Screen for red flags first: no red-flag screen is recorded for this episode."
        )
    when = f"{screening.screened_on:%-d %b %Y}"
    if screening.decision not in BLOCKING_DECISIONS:
        if screening.not_asked:
            # Unknown is not no: a screen that left questions unasked (one imported from
            # elsewhere) cannot clear anyone for needling, however its answers came out.
            return PlanningStatus(
                False, f"The red-flag screen on {when} did not ask "
                f"{len(screening.not_asked)} question(s) ("
                f"{', '.join(screening.not_asked_words)}): screen "
                "again, asking every question, before planning treatment.",
            )
        return _not_blocking(screening, when)
    serious = "an emergency" if screening.decision == Decision.EMERGENCY else "urgent"
    if referral is not None and referral.clears:
        return PlanningStatus(
            True, f"The red-flag screen on {when} called for {serious} referral; a physician "
            f"cleared the patient ({referral.recorded_at:%-d %b %Y}): acupuncture may go ahead.",
        )
    after = (
        f" Outcome so far: {referral.get_outcome_display().lower()}."
        if referral is not None else " No referral outcome is recorded yet."
    )
    return PlanningStatus(
        False, f"Planning is blocked: the red-flag screen on {when} calls for {serious} "
        f"referral. {screening.action}{after} Treatment can be planned only once a physician "
        "has cleared the patient and that is recorded here.",
    )


def _not_blocking(screening: Screening, when: str) -> PlanningStatus:
    if screening.decision == Decision.CLEAR:
        return PlanningStatus(True, f"No red flags at the screen on {when}.")
    return PlanningStatus(
        True, f"Routine red flags at the screen on {when}. {screening.action}"
    )


def episode_nonspecific(episode: Episode) -> bool | None:
    """Whether the episode's back pain counts as nonspecific (Medicare NCD 30.3.3), as far as
    red flags go, by the latest screen: None when never screened. A re-screen is how a mistaken
    answer is corrected, so the latest screen counts, as it does for planning."""
    latest = screening_current(episode)
    return None if latest is None else latest.nonspecific
