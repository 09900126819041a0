"""An episode's progress on hand-computed cases: painkillers, mobility, adverse events per
treatment, goals, the re-assessment's recommendation and the lasting follow-ups."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.clinical.coverage import Improvement
from acuback.clinical.outcomes import Measurement
from acuback.clinical.progress import (
    AdverseEventRow,
    EpisodeRows,
    Goal,
    GoalStatus,
    PainkillerRow,
    Recommendation,
    VisitRow,
    episode_progress,
)
from acuback.clinical.progress.lasting import FollowUpStatus

D = dt.date
TODAY = D(2026, 6, 1)


def m(instrument: str, month: int, day: int, total: float) -> Measurement:
    return Measurement(instrument, D(2026, month, day), total)


def visit(number: int, **fields: object) -> VisitRow:
    return VisitRow(number, D(2026, 3, number * 2), **fields)  # type: ignore[arg-type]


def pk(visit_number: int | None, days: int, drug_class: str = "nsaid",
       mme: float | None = None, name: str = "ibuprofen") -> PainkillerRow:
    return PainkillerRow(visit_number, name, name, drug_class, days, mme)


def rows(**fields: object) -> EpisodeRows:
    return EpisodeRows(episode_id=1, opened_on=D(2026, 3, 1), **fields)  # type: ignore[arg-type]


def progress(**fields: object):  # noqa: ANN201
    return episode_progress(rows(**fields), today=TODAY)


# --- painkillers ------------------------------------------------------------------------------


def test_it_counts_the_most_days_any_painkiller_was_taken_and_sums_opioid_mme() -> None:
    p = progress(painkillers=(pk(None, 3), pk(None, 5, "opioid", 30.0, "oxycodone"),
                              pk(None, 2, "opioid", 4.0, "tramadol")))
    intake = p.painkillers.points[0]
    # Days: max(3, 5, 2) = 5 (the days may overlap); MME: 30 + 4 = 34 (opioids only).
    assert (intake.label, intake.days_per_week, intake.opioid_mme_per_day) == ("Intake", 5, 34)


def test_it_calls_two_fewer_days_a_week_fewer_painkillers() -> None:
    p = progress(painkillers=(pk(None, 6), pk(2, 4)),
                 visits=(visit(1), visit(2, painkillers_asked=True)))
    assert (p.painkillers.verdict, p.painkillers.why) == ("improved", "2 fewer days a week")


def test_it_counts_a_visit_that_recorded_none_as_zero_days() -> None:
    p = progress(painkillers=(pk(None, 1),), visits=(visit(1, painkillers_asked=True),))
    assert [pt.days_per_week for pt in p.painkillers.points] == [1, 0]
    assert p.painkillers.verdict == "no_change"  # 1 day fewer: under the 2-day threshold


def test_it_skips_visits_that_did_not_ask_about_painkillers() -> None:
    p = progress(painkillers=(pk(None, 6),), visits=(visit(1), visit(2)))
    assert [pt.label for pt in p.painkillers.points] == ["Intake"]
    assert p.painkillers.verdict is None


def test_it_calls_a_30_percent_mme_drop_improved_and_a_30_percent_rise_worse() -> None:
    down = progress(painkillers=(pk(None, 7, "opioid", 30.0), pk(1, 7, "opioid", 21.0)),
                    visits=(visit(1, painkillers_asked=True),))
    up = progress(painkillers=(pk(None, 7, "opioid", 30.0), pk(1, 7, "opioid", 39.0)),
                  visits=(visit(1, painkillers_asked=True),))
    # 30 -> 21 is exactly 30 % down; 30 -> 39 exactly 30 % up.
    assert (down.painkillers.verdict, up.painkillers.verdict) == ("improved", "worse")
    assert "painkillers" in up.worse_than_baseline


def test_it_calls_starting_opioids_worse_even_with_fewer_days() -> None:
    p = progress(painkillers=(pk(None, 7),), visits=(
        visit(1, painkillers_asked=True),))
    assert p.painkillers.verdict == "improved"  # 7 -> 0 days
    started = progress(painkillers=(pk(None, 7), pk(1, 2, "opioid", 10.0)),
                       visits=(visit(1, painkillers_asked=True),))
    assert (started.painkillers.verdict, started.painkillers.why) == (
        "worse", "opioids started (10 MME/day)")


# --- pain at visits, mobility, adverse events --------------------------------------------------


def test_it_judges_pain_before_needling_on_the_nrs_scale() -> None:
    p = progress(visits=(visit(1, pain_before=7, pain_after=4), visit(2, pain_before=6),
                         visit(3, pain_before=4, pain_after=2)))
    outcome = p.visit_pain_outcome
    assert outcome is not None and (outcome.baseline.total, outcome.latest.total) == (7, 4)
    assert outcome.verdict == "improved"  # 3 points >= 2
    assert p.immediate_relief == 2.5  # (7 - 4 + 4 - 2) / 2


def test_it_reports_mobility_in_the_better_direction() -> None:
    p = progress(visits=(visit(1, finger_floor_cm=30, schober_cm=3.0), visit(2),
                         visit(3, finger_floor_cm=18.5, schober_cm=4.5)))
    got = {o.measure.id: (o.baseline, o.latest, o.improvement) for o in p.mobility}
    assert got == {"finger_floor_cm": (30, 18.5, 11.5), "schober_cm": (3.0, 4.5, 1.5)}


def test_it_rates_adverse_events_per_1000_treatments() -> None:
    events = (AdverseEventRow(1, "bleeding", "mild", False),
              AdverseEventRow(3, "bleeding", "mild", False),
              AdverseEventRow(3, "dizziness", "moderate", False))
    p = progress(visits=tuple(visit(n) for n in range(1, 11)), adverse_events=events)
    s = p.safety
    assert (s.events, s.treatments, s.moderate_or_worse, s.worst_severity) == (
        3, 10, 1, "moderate")
    assert s.by_kind == (("bleeding", 2), ("dizziness", 1))
    assert s.rate is not None and s.rate.rate == pytest.approx(300)
    # Exact Poisson 95 % interval for 3 events: 0.619 to 8.767, per 10 treatments x 100.
    assert s.rate.ci == pytest.approx((61.9, 876.7), abs=0.1)


# --- goals and the recommendation ---------------------------------------------------------


ODI_GOAL = Goal(instrument="odi", comparator="<", target=20)


def test_it_marks_a_goal_met_not_yet_or_worse() -> None:
    met = progress(goals=(ODI_GOAL,), measurements=(m("odi", 3, 1, 46), m("odi", 4, 1, 18)))
    not_yet = progress(goals=(ODI_GOAL,), measurements=(m("odi", 3, 1, 46), m("odi", 4, 1, 30)))
    worse = progress(goals=(ODI_GOAL,), measurements=(m("odi", 3, 1, 46), m("odi", 4, 1, 58)))
    assert [p.goals[0].status for p in (met, not_yet, worse)] == ["met", "not_yet", "worse"]
    # 46 -> 30 against a target of 20: 16 of the 26 points to go, 61.5 %.
    assert not_yet.goals[0].progress_percent == 61.5


def test_it_calls_a_goal_without_measurements_not_measured_and_words_in_words() -> None:
    p = progress(goals=(ODI_GOAL, Goal(text="Walk the dog again")))
    assert [g.status for g in p.goals] == [GoalStatus.NOT_MEASURED, GoalStatus.IN_WORDS]
    assert [g.words for g in p.goals] == ["ODI < 20", "Walk the dog again"]


def test_it_recommends_continue_while_improving_and_goals_are_open() -> None:
    p = progress(goals=(ODI_GOAL,), measurements=(m("odi", 3, 1, 46), m("odi", 4, 1, 30)))
    assert p.improvement.status is Improvement.IMPROVING
    assert p.advice.recommendation is Recommendation.CONTINUE


def test_it_recommends_stop_when_every_measured_goal_is_met() -> None:
    p = progress(goals=(ODI_GOAL, Goal(text="garden")),
                 measurements=(m("odi", 3, 1, 46), m("odi", 4, 1, 18)))
    assert p.advice.recommendation is Recommendation.STOP
    assert "goal" in p.advice.why


def test_it_recommends_change_when_not_improving_and_stop_when_regressing() -> None:
    flat = progress(measurements=(m("nrs", 3, 1, 6), m("nrs", 4, 1, 5)))
    worse = progress(goals=(ODI_GOAL,), measurements=(
        m("odi", 3, 1, 46), m("odi", 4, 1, 18), m("nrs", 3, 1, 5), m("nrs", 4, 1, 8)))
    assert flat.advice.recommendation is Recommendation.CHANGE
    # Regressing wins even over a met goal: pain went from 5 to 8.
    assert worse.advice.recommendation is Recommendation.STOP
    assert worse.worse_than_baseline == ("nrs",)


def test_it_gives_no_recommendation_before_any_follow_up() -> None:
    p = progress(measurements=(m("odi", 3, 1, 46),))
    assert p.advice.recommendation is None


def test_it_puts_the_reassessment_at_visit_12_and_every_10_after() -> None:
    eleven = progress(visits=tuple(visit(n) for n in range(1, 12)))
    twelve = progress(visits=tuple(visit(n) for n in range(1, 13)))
    assert (eleven.reassessment_due, eleven.next_reassessment_visit) == (False, 12)
    assert (twelve.reassessment_due, twelve.next_reassessment_visit) == (True, 22)


# --- lasting ----------------------------------------------------------------------------------


def test_it_shows_the_lasting_follow_ups_due_and_upcoming() -> None:
    p = episode_progress(rows(discharged_on=D(2026, 1, 31)), today=D(2026, 6, 1))
    got = [(f.months, f.due_on, f.status) for f in p.lasting]
    # 31 Jan + 3 months = 30 Apr (April has 30 days); + 12 months = 31 Jan 2027.
    assert got == [(3, D(2026, 4, 30), FollowUpStatus.DUE),
                   (12, D(2027, 1, 31), FollowUpStatus.UPCOMING)]


def test_it_judges_a_done_follow_up_against_the_baseline() -> None:
    p = episode_progress(rows(discharged_on=D(2026, 1, 31), measurements=(
        Measurement("nrs", D(2025, 11, 1), 7), Measurement("nrs", D(2026, 1, 30), 2),
        Measurement("nrs", D(2026, 5, 4), 4))), today=D(2026, 6, 1))
    three = p.lasting[0]
    # 7 -> 4 at three months: 3 points better, still improved.
    assert (three.status, three.measured_on, three.verdict) == (
        FollowUpStatus.DONE, D(2026, 5, 4), "improved")


def test_it_knows_recurrence_only_after_12_months_or_a_new_episode() -> None:
    discharged = D(2025, 1, 10)
    early = episode_progress(rows(discharged_on=discharged), today=D(2025, 6, 1))
    clear = episode_progress(rows(discharged_on=discharged), today=D(2026, 2, 1))
    back = episode_progress(rows(discharged_on=discharged,
                                 next_episode_opened_on=D(2025, 9, 1)), today=D(2025, 10, 1))
    assert (early.recurred, clear.recurred, back.recurred) == (None, False, True)


def test_it_records_its_rule_and_data_versions() -> None:
    p = progress(measurements=(m("odi", 3, 1, 46),), data_versions=("odi-2.1a/acuback-1",
                                                                     "CDC-2022"))
    versions = p.as_dict()["versions"]
    assert versions["progress_rules"] == "progress/acuback-1"  # type: ignore[index]
    assert versions["instruments"] == {"odi": "odi-2.1a/acuback-1"}  # type: ignore[index]
    assert versions["data"] == ["CDC-2022", "odi-2.1a/acuback-1"]  # type: ignore[index]
