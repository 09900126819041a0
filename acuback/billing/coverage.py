"""Medicare coverage of a visit in the app: the facts the clinical core judges
(`acuback.clinical.coverage_course`), read from the patient's visits, episodes, screens,
questionnaires, ABNs and claim lines, and the warning pages and booking show.

    from acuback.billing.coverage import visit_coverage_warning
    warning = visit_coverage_warning(episode, day)   # a visit of `episode` on `day`
    warning.level, warning.message, warning.needs_abn, warning.as_dict()

Not scoped and not audited: callers hold the episode from a scoped, audited selector
(`billing.selectors.coverage_status` is the scoped read for pages and the API).

Improvement comes from the episode's outcome measures as of the visit's day, judged by
`acuback.clinical.outcomes.coverage_improvement` (`improvement_as_of`, the one place to swap for
the outcomes app's episode outcome once it can be read as of a day).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import cast

from django.db import connection
from django.utils import timezone

from acuback.assessments.scored import Scored, scored_of_episodes
from acuback.billing.models import Abn, AbnOption, BillingProfile, ClaimLine, Payer
from acuback.clinical import coverage
from acuback.clinical.abn import abn_covers
from acuback.clinical.coverage import INITIAL_VISITS
from acuback.clinical.coverage_course import VisitFacts, VisitJudgement, judge_next
from acuback.clinical.outcomes import (
    ImprovementEvidence,
    Measurement,
    coverage_improvement,
    episode_outcome,
    reassessment_visit,
)
from acuback.dbtime import db_datetime
from acuback.episodes.models import Episode
from acuback.screening.selectors import episode_nonspecific
from acuback.sqlrows import Columns, fetch, table
from acuback.visits.access import live_visit_sql
from acuback.visits.models import Visit


class Level(StrEnum):
    """What a warning asks of the person booking or charting."""

    NOT_MEDICARE = "not_medicare"  # the payer is not Medicare: nothing to warn about
    COVERED = "covered"  # covered, no modifier
    KX = "kx"  # covered with KX: improvement is documented
    ABN_NEEDED = "abn_needed"  # Medicare is expected to deny it and no ABN covers the day
    ABN_ON_FILE = "abn_on_file"  # expected to be denied; an option-1 ABN covers it (GA)
    NOT_BILLED = "not_billed"  # an option-2 ABN: the patient pays, Medicare is not billed
    DECLINED = "declined"  # an option-3 ABN: the patient does not want the treatment
    EXCLUDED = "excluded"  # outside Medicare by statute (GY): an ABN changes nothing


@dataclass(frozen=True)
class CoverageWarning:
    on: dt.date
    episode_id: int
    payer: str  # "" when not recorded
    judgement: VisitJudgement
    improvement: ImprovementEvidence
    abn: Abn | None  # the ABN covering the day, whatever its option

    @property
    def medicare(self) -> bool:
        """Medicare's rules apply: the payer is Medicare or not recorded (unknown is not no)."""
        return self.payer in (Payer.MEDICARE, "")

    @property
    def level(self) -> Level:
        if not self.medicare:
            return Level.NOT_MEDICARE
        modifier = self.judgement.modifier.modifier
        if modifier is None:
            return Level.COVERED
        if modifier == "KX":
            return Level.KX
        if modifier == "GY":
            return Level.EXCLUDED
        if self.abn is not None and self.abn.option == AbnOption.DO_NOT_BILL:
            return Level.NOT_BILLED
        if self.abn is not None and self.abn.option == AbnOption.DECLINED:
            return Level.DECLINED
        return Level.ABN_ON_FILE if modifier == "GA" else Level.ABN_NEEDED

    @property
    def needs_abn(self) -> bool:
        return self.level is Level.ABN_NEEDED

    @property
    def warns(self) -> bool:
        """Show it before charting or booking: anything but a plainly covered visit."""
        return self.level not in (Level.NOT_MEDICARE, Level.COVERED, Level.KX)

    @property
    def message(self) -> str:
        why = self.judgement.modifier.why
        coverage_why = self.judgement.coverage.next_visit.why
        if_medicare = "" if self.payer == Payer.MEDICARE else "If Medicare covers this patient: "
        return {
            Level.NOT_MEDICARE: "The patient's payer is not Medicare: NCD 30.3.3 does not apply.",
            Level.COVERED: f"{if_medicare}{why}.",
            Level.KX: f"{if_medicare}{why}; the claim line carries KX.",
            Level.ABN_NEEDED: f"{if_medicare}{coverage_why}. Ask the patient to read and sign "
            "an Advance Beneficiary Notice before treating; without one the clinic bears the "
            "cost (GZ).",
            Level.ABN_ON_FILE: f"{if_medicare}{coverage_why}; the patient signed an ABN, so "
            "the claim line carries GA.",
            Level.NOT_BILLED: f"{if_medicare}The patient chose on the ABN to pay and not to "
            "bill Medicare.",
            Level.DECLINED: f"{if_medicare}The patient chose on the ABN not to have this "
            "treatment.",
            Level.EXCLUDED: f"{if_medicare}Not a Medicare benefit ({why}); the claim line "
            "carries GY, and an ABN is not needed.",
        }[self.level]

    @property
    def reassessment(self) -> str:
        """When to re-assess the outcome measures, in words ("" when it does not matter):
        visit 13 of a benefit year needs documented improvement, so the measures are taken
        again by visit 12 (DOMAIN.md 3; `outcomes.reassessment_visit`)."""
        result = self.judgement.coverage
        if not self.medicare or not result.eligible:
            return ""
        number = result.visits_in_benefit_year + 1
        if number <= INITIAL_VISITS:
            left = INITIAL_VISITS - number
            return (f"Re-assess the outcome measures by visit {INITIAL_VISITS} of the benefit "
                    f"year (this would be visit {number}; {left} more after it): visit "
                    f"{INITIAL_VISITS + 1} is covered only with documented improvement.")
        if self.improvement.status is None:
            return (f"Re-assessment overdue: visit {number} of the benefit year is covered only "
                    "with documented improvement, and no follow-up measure shows it yet.")
        return (f"Next re-assessment at visit {reassessment_visit(number)} "
                f"({self.improvement.why}).")

    def as_dict(self, *, evidence: bool = True) -> dict[str, object]:
        """`evidence=False` leaves out the outcome measures (front desk sees no scores)."""
        result = self.judgement.coverage
        body: dict[str, object] = {
            "on": self.on.isoformat(), "episode_id": self.episode_id,
            "payer": self.payer or None, "medicare_rules_apply": self.medicare,
            "level": self.level.value, "message": self.message, "needs_abn": self.needs_abn,
            "modifier": self.judgement.modifier.modifier, "why": self.judgement.modifier.why,
            "abn_id": self.abn.pk if self.abn else None, "coverage": result.to_dict(),
            "improvement": (self.improvement.as_dict() if evidence else
                            {"status": None if self.improvement.status is None
                             else self.improvement.status.value}),
            "rules_version": coverage.RULES_VERSION,
        }
        return body


# --- facts ------------------------------------------------------------------------------------


def core_episode(episode: Episode) -> coverage.Episode:
    """The episode as NCD 30.3.3 reads it. A red-flag screen that found a specific cause makes
    the pain not nonspecific (DOMAIN.md: a positive screen marks the episode so)."""
    return coverage.Episode(
        onset=episode.onset_date, systemic_cause=episode_nonspecific(episode) is False,
        surgery_associated=episode.surgery_associated,
        pregnancy_associated=episode.pregnancy_associated)


def improvement_as_of(measurements: list[Measurement], day: dt.date) -> ImprovementEvidence:
    """Improvement as documented on `day`: the outcome measures taken up to that day."""
    return coverage_improvement(episode_outcome(m for m in measurements if m.taken_on <= day))


def _abns(patient_id: int) -> dict[int, list[Abn]]:
    """The patient's ABNs not voided, by episode, newest signed first. A hand-written statement
    (read on every draft visit page), each row the model as the ORM reads it."""
    found: dict[int, list[Abn]] = defaultdict(list)
    for row in fetch(f"SELECT {_ABN.sql()} FROM {table(Abn)} a WHERE a.patient_id = %s "  # noqa: S608
                     "AND a.voided_at IS NULL ORDER BY a.signed_on DESC, a.id DESC",
                     [patient_id]):
        abn = _ABN.build(row)
        found[abn.episode_id].append(abn)
    return found


_ABN = Columns(Abn, "a")


def abn_for(abns: list[Abn], day: dt.date) -> Abn | None:
    """The latest-signed ABN that covers `day`."""
    covering = [a for a in abns if abn_covers(signed_on=a.signed_on, covers_until=a.covers_until,
                                              service_on=day)]
    return max(covering, key=lambda a: (a.signed_on, a.pk), default=None)


def payer_of(patient_id: int) -> str:
    return BillingProfile.objects.filter(patient_id=patient_id).values_list(
        "payer", flat=True).first() or ""


@dataclass(frozen=True)
class Course:
    """Everything a patient's visits are judged with, read once."""

    episodes: dict[int, Episode]
    core: dict[int, coverage.Episode]
    measurements: dict[int, list[Measurement]]
    abns: dict[int, list[Abn]]
    history: list[VisitFacts]
    payer: str = ""  # the patient's payer ("" when not recorded)
    # improvement_as_of by (episode, how many of its measures were taken by the day): a long
    # history has a few measures and many visits, so most visits share one answer.
    _improvement: dict[tuple[int, int], ImprovementEvidence] = field(
        default_factory=dict, repr=False, compare=False)

    def improvement(self, episode_id: int, day: dt.date) -> ImprovementEvidence:
        measurements = self.measurements[episode_id]
        taken = bisect_right([m.taken_on for m in measurements], day) if measurements else 0
        key = (episode_id, taken)
        found = self._improvement.get(key)
        if found is None:  # the measures are in date order: the first `taken` are by `day`
            found = self._improvement[key] = improvement_as_of(measurements[:taken], day)
        return found

    def facts(self, episode_id: int, day: dt.date, covered: bool | None = None) -> VisitFacts:
        abns = self.abns[episode_id]
        abn = abn_for(abns, day) if abns else None
        return VisitFacts(
            on=day, episode_id=episode_id, episode=self.core[episode_id],
            diagnosis=self.episodes[episode_id].icd10_code,
            improvement=self.improvement(episode_id, day).status,
            abn_on_file=abn is not None and abn.option == AbnOption.BILL_MEDICARE,
            covered=covered)


def patient_course(patient_id: int, *, exclude_visit: int | None = None,
                   loaded: Episode | None = None, scored: Scored | None = None) -> Course:
    """The patient's live visits of every episode, each with its stored judgement (from its
    current claim lines) when it has one, and the patient's payer. Four queries (episodes with
    the payer, outcome measures, ABNs, visits with their judgements) plus one per episode (its
    screen), less one for the caller's `loaded` episode when its screens are already read (a
    page that judged needling with them: `screening.selectors.prefetch_screenings`), less the
    outcome measures when the caller read the patient's already (`scored`: the episode page,
    whose progress panel judges by them too)."""
    rows = _episodes(patient_id)
    episodes = {e.pk: e for e in rows}
    if loaded is not None and loaded.pk in episodes:
        episodes[loaded.pk] = loaded
    core = {pk: core_episode(e) for pk, e in episodes.items()}
    payer = (rows[0].payer or "") if rows else payer_of(patient_id)
    measurements = (scored or scored_of_episodes(list(episodes))).measurements
    course = Course(episodes, core, measurements, _abns(patient_id), [], payer)
    zone = timezone.get_current_timezone()  # once, not per visit: a history may be long
    for episode_id, started, covered in _live_visits_judged(patient_id, exclude_visit):
        day = started.astimezone(zone).date()
        course.history.append(course.facts(episode_id, day, covered))
    return course


def _episodes(patient_id: int) -> list[Episode]:
    """The patient's episodes as NCD 30.3.3 reads them (onset, diagnosis, whether surgery or a
    pregnancy is associated; the rest of each row is left unread), each with the patient's
    payer (`payer`, None when not recorded). One hand-written statement: it is read on every
    draft visit page."""
    episodes = []
    for row in fetch(
            f"SELECT {_EPISODE.sql()}, b.payer FROM {table(Episode)} e "  # noqa: S608
            f"LEFT JOIN {table(BillingProfile)} b ON b.patient_id = e.patient_id "
            "WHERE e.patient_id = %s ORDER BY e.opened_on DESC, e.id DESC", [patient_id]):
        episode = _EPISODE.build(row)
        episode.payer = row[-1]
        episodes.append(episode)
    return episodes


_EPISODE = Columns(Episode, "e", ("id", "clinic_id", "patient_id", "onset_date", "icd10_code",
                                  "surgery_associated", "pregnancy_associated"))


def _live_visits_judged(patient_id: int, exclude_visit: int | None,
                        ) -> list[tuple[int, dt.datetime, bool | None]]:
    """The patient's visits not marked entered in error (`visits.access.live_visits`), in the
    order they began, each as (episode id, start, judgement): the judgement is its current claim
    lines' (the last of them in their order), None when it has none. One hand-written
    statement: it is read on every draft visit page, and a long history is many rows."""
    live, live_params = live_visit_sql("v.id")
    with connection.cursor() as db:
        db.execute(
            "SELECT v.episode_id, v.started_at, (SELECT c.covered FROM "  # noqa: S608
            f"{ClaimLine._meta.db_table} c WHERE c.visit_id = v.id AND c.superseded_at IS NULL "
            "ORDER BY c.service_date DESC, c.visit_id DESC, c.derivation DESC, c.position DESC "
            f"LIMIT 1) FROM {Visit._meta.db_table} v JOIN {Episode._meta.db_table} e "
            f"ON e.id = v.episode_id WHERE e.patient_id = %s AND v.id <> %s AND {live} "
            "ORDER BY v.started_at, v.id",
            [patient_id, -1 if exclude_visit is None else exclude_visit, *live_params])
        rows = db.fetchall()
    return [(episode_id, cast(dt.datetime, db_datetime(started)),  # started_at: NOT NULL
             None if covered is None else bool(covered)) for episode_id, started, covered in rows]


def _warning(course: Course, episode: Episode, day: dt.date, payer: str) -> CoverageWarning:
    facts = course.facts(episode.pk, day)
    judgement = judge_next(course.history, facts)
    return CoverageWarning(day, episode.pk, payer, judgement, course.improvement(episode.pk, day),
                           abn_for(course.abns[episode.pk], day))


def visit_coverage_warning(episode: Episode, day: dt.date, scored: Scored | None = None,
                           ) -> CoverageWarning:
    """How Medicare would judge a visit of `episode` on `day` (for booking and charting): the
    patient's visits held before it count, whichever episode they belong to. `scored`: the
    patient's scored assessments, when the caller read them already (`scored_of_patient`)."""
    course = patient_course(episode.patient_id, loaded=episode, scored=scored)
    return _warning(course, episode, day, course.payer)


def visit_judgement(visit: Visit) -> CoverageWarning:
    """How Medicare judges this visit (a draft being charted, or one being billed): the
    patient's other visits before it count, not the visit itself."""
    day = timezone.localtime(visit.started_at).date()
    course = patient_course(visit.episode.patient_id, exclude_visit=visit.pk,
                            loaded=visit.episode)
    return _warning(course, visit.episode, day, course.payer)


def planned_visit_warnings(episode: Episode, days: Iterable[dt.date], *,
                           booked: Iterable[tuple[int, dt.date]] = ()) -> list[CoverageWarning]:
    """How Medicare would judge visits of `episode` on each of `days` (one appointment, or a
    course being booked): each as if the visits before it were held, that is the patient's
    charted visits, the appointments already `booked` ((episode id, day) pairs, not yet
    charted) and the earlier `days` of this booking."""
    course = patient_course(episode.patient_id, loaded=episode)
    payer = course.payer
    for episode_id, day in booked:
        if episode_id in course.episodes:
            course.history.append(course.facts(episode_id, day))
    found = []
    for day in sorted(days):
        warning = _warning(course, episode, day, payer)
        found.append(warning)
        course.history.append(course.facts(episode.pk, day, warning.judgement.counted))
    return found
