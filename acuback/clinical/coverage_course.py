"""Medicare coverage of a patient's visits in order: which count toward the 12 and the 20, and
how the next one on a given day would be judged and billed. Pure; the app supplies the facts.

Medicare counts a beneficiary's covered acupuncture treatments, whichever episode they belong
to (NCD 30.3.3: "no more than 20 acupuncture treatments may be administered annually"), so the
visits of all of the patient's episodes are judged in date order, each against the covered
ones before it. Each episode's own 12 weeks of pain are measured to its own first covered visit.

Our choices (UNCONFIRMED with a contractor; README.md in this folder):

- A visit counts toward the limits when it is covered (without a modifier, or with KX).
  A visit billed GA, GZ or GY is not a covered treatment and does not use up the year.
- A visit whose claim was already judged keeps that judgement (`VisitFacts.covered`): a
  questionnaire entered later never changes how an earlier claim counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from acuback.clinical import coverage
from acuback.clinical.claim_lines import ClaimLineModifier, Modifier, claim_line_modifier

COURSE_RULES_VERSION = "coverage-course/acuback-1"
COVERED_MODIFIERS = frozenset({None, Modifier.KX})


@dataclass(frozen=True, slots=True)
class VisitFacts:
    on: dt.date
    episode_id: int
    episode: coverage.Episode
    diagnosis: str  # the episode's ICD-10-CM code
    improvement: coverage.Improvement | None  # as documented on `on`
    abn_on_file: bool = False  # an option-1 ABN covers this day
    covered: bool | None = None  # as judged when its claim was made; None: judge it now


@dataclass(frozen=True, slots=True)
class VisitJudgement:
    facts: VisitFacts
    coverage: coverage.Coverage
    modifier: ClaimLineModifier
    counted: bool  # a covered treatment: uses one of the 12 / 20

    @property
    def needs_abn(self) -> bool:
        """Medicare is expected to deny it and no ABN covers it (GZ): ask for one first."""
        return self.modifier.modifier is Modifier.GZ

    @property
    def excluded(self) -> bool:
        """Outside Medicare's benefit by statute (GY): an ABN changes nothing."""
        return self.modifier.modifier is Modifier.GY


def judge(facts: VisitFacts, covered_before: Sequence[dt.date],
          episode_first: dt.date | None) -> VisitJudgement:
    """One visit against the covered visits before it (sorted) and its episode's first covered
    visit (None: this is the episode's first, so its 12 weeks are measured to this day)."""
    result = coverage.evaluate(coverage.CoverageInput(
        facts.on, facts.episode, tuple(covered_before), facts.improvement,
        episode_first_visit=episode_first or facts.on))
    modifier = claim_line_modifier(result, facts.diagnosis, abn_on_file=facts.abn_on_file)
    counted = (facts.covered if facts.covered is not None
               else modifier.modifier in COVERED_MODIFIERS)
    return VisitJudgement(facts, result, modifier, counted)


def judge_course(visits: Sequence[VisitFacts]) -> tuple[VisitJudgement, ...]:
    """Every visit judged in date order (ties keep the order given)."""
    covered: list[dt.date] = []
    first_of_episode: dict[int, dt.date] = {}
    judged = []
    for facts in sorted(visits, key=lambda v: v.on):
        judgement = judge(facts, covered, first_of_episode.get(facts.episode_id))
        if judgement.counted:
            covered.append(facts.on)
            first_of_episode.setdefault(facts.episode_id, facts.on)
        judged.append(judgement)
    return tuple(judged)


def judge_next(history: Sequence[VisitFacts], candidate: VisitFacts) -> VisitJudgement:
    """How a visit on `candidate.on` would be judged after the visits of `history` held before
    it or earlier the same day (later ones are left out; `history` must not hold the
    candidate itself). The same judgement as the last of `judge_course` over them and the
    candidate; a visit whose claim was judged already is not judged again on the way (only
    whether it counted matters to the next, and that is stored): a long history costs no
    more than a list of dates."""
    covered: list[dt.date] = []
    first_of_episode: dict[int, dt.date] = {}
    for facts in sorted((v for v in history if v.on <= candidate.on), key=lambda v: v.on):
        counted = facts.covered if facts.covered is not None else judge(
            facts, covered, first_of_episode.get(facts.episode_id)).counted
        if counted:
            covered.append(facts.on)
            first_of_episode.setdefault(facts.episode_id, facts.on)
    return judge(candidate, covered, first_of_episode.get(candidate.episode_id))
