"""A patient's visits judged in order (acuback.clinical.coverage_course)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from acuback.clinical.claim_lines import Modifier
from acuback.clinical.coverage import Episode, Improvement
from acuback.clinical.coverage_course import VisitFacts, judge_course, judge_next

CLBP = Episode(dt.date(2025, 1, 6), False, False, False)
FIRST = dt.date(2026, 3, 2)


def facts(day: int, *, episode_id: int = 1, diagnosis: str = "M54.50",
          improvement: Improvement | None = None, **kw: object) -> VisitFacts:
    return VisitFacts(FIRST + dt.timedelta(days=day), episode_id, CLBP, diagnosis, improvement,
                      **kw)  # type: ignore[arg-type]


def course(n: int, **kw: object) -> list[VisitFacts]:
    return [facts(3 * i, **kw) for i in range(n)]  # type: ignore[arg-type]


def test_it_covers_the_first_twelve_without_a_modifier() -> None:
    judged = judge_course(course(12))
    assert [j.modifier.modifier for j in judged] == [None] * 12
    assert all(j.counted for j in judged)


def test_it_bills_visit_13_kx_with_improvement_and_asks_an_abn_without() -> None:
    improving = judge_next(course(12), facts(40, improvement=Improvement.IMPROVING))
    unknown = judge_next(course(12), facts(40))
    assert (improving.modifier.modifier, improving.counted) == (Modifier.KX, True)
    assert (unknown.modifier.modifier, unknown.needs_abn, unknown.counted) == (
        Modifier.GZ, True, False)


def test_it_bills_ga_when_an_abn_covers_an_uncovered_visit() -> None:
    judged = judge_next(course(12), facts(40, abn_on_file=True))
    assert (judged.modifier.modifier, judged.needs_abn) == (Modifier.GA, False)


def test_it_does_not_count_a_denied_visit_toward_the_limits() -> None:
    # Visit 13 is billed GA (no improvement); the next, with improvement documented, is the
    # 13th covered one, not the 14th.
    history = [*course(12), facts(40, abn_on_file=True)]
    judged = judge_next(history, facts(43, improvement=Improvement.IMPROVING))
    assert judged.coverage.visits_in_benefit_year == 12


def test_it_counts_visits_of_the_patients_other_episodes() -> None:
    other = [replace(f, episode_id=2) for f in course(12)]
    judged = judge_next(other, facts(40))
    assert (judged.coverage.visits_in_benefit_year, judged.needs_abn) == (12, True)


def test_it_measures_an_episodes_twelve_weeks_to_its_own_first_covered_visit() -> None:
    # The patient's earlier episode began long ago; this one began 60 days before its first
    # visit, so it is not chronic yet, whatever the earlier visits.
    recent = Episode(FIRST + dt.timedelta(days=40 - 60), False, False, False)
    history = [replace(f, episode_id=2) for f in course(3)]
    judged = judge_next(history, replace(facts(40), episode=recent))
    assert not judged.coverage.eligible
    assert "60 days" in judged.coverage.reasons[0]


def test_it_keeps_a_stored_judgement_instead_of_judging_again() -> None:
    history = [replace(f, covered=False) for f in course(5)]
    judged = judge_next(history, facts(20))
    assert judged.coverage.visits_in_benefit_year == 0


def test_it_bills_a_diagnosis_other_than_chronic_low_back_pain_gy_and_counts_it_not() -> None:
    [judged] = judge_course([facts(0, diagnosis="M54.6")])
    assert (judged.modifier.modifier, judged.excluded, judged.counted) == (
        Modifier.GY, True, False)


def test_it_judges_the_next_visit_after_visits_held_the_same_day() -> None:
    judged = judge_next(course(2), facts(3))
    assert judged.coverage.visits_in_benefit_year == 2


def test_it_leaves_later_visits_out_of_the_next_visits_judgement() -> None:
    judged = judge_next(course(12), facts(1))
    assert judged.coverage.visits_in_benefit_year == 1


def test_it_judges_the_next_visit_as_the_whole_course_judged_in_order_would() -> None:
    # judge_next skips judging visits whose claims were judged already; the result must be
    # the last judgement of the whole course, whatever mix of stored and unjudged visits.
    for stored in ([None] * 14, [True] * 14, [False, True] * 7, [None, True, False] * 5):
        history = [replace(facts(3 * i, episode_id=1 + i % 2,
                                 improvement=Improvement.IMPROVING if i % 3 else None),
                           covered=c) for i, c in enumerate(stored)]
        for day in (1, 20, 44, 60):
            candidate = facts(day, improvement=Improvement.IMPROVING)
            earlier = [v for v in history if v.on <= candidate.on]
            assert judge_next(history, candidate) == judge_course([*earlier, candidate])[-1]
