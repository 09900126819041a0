"""The follow-up schedule: what is due at baseline, before a visit, every K visits, at
discharge and months after it; each instrument asked once per moment."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.clinical.questionnaire_schedule import (
    Answered,
    Course,
    Item,
    Moment,
    add_months,
    default_schedule,
    due,
    plan_item,
    plan_items,
)

TODAY = dt.date(2027, 3, 1)
SCHEDULE = default_schedule(every=5)


def _due(held: int, discharged: dt.date | None = None, answered: list[Answered] | None = None,
         today: dt.date = TODAY) -> list[tuple[str, str, int | None]]:
    return [(d.instrument, d.time_point, d.visit_number)
            for d in due(SCHEDULE, Course(held, discharged, today), answered or [])]


def test_it_asks_the_baseline_set_before_the_first_visit() -> None:
    assert _due(0) == [("rmdq", "baseline", None), ("nrs", "baseline", None),
                       ("peg", "baseline", None)]


def test_it_asks_each_baseline_once() -> None:
    answered = [Answered("rmdq", "baseline", None, TODAY)]
    assert [d[0] for d in _due(0, answered=answered)] == ["nrs", "peg"]


def test_it_asks_nothing_between_re_assessments() -> None:
    assert _due(1) == [] and _due(4) == [] and _due(6) == []


def test_it_re_assesses_before_every_fifth_visit_after_the_first() -> None:
    assert _due(5) == [("rmdq", "before_visit", 6), ("nrs", "before_visit", 6),
                       ("peg", "before_visit", 6)]
    assert [d[2] for d in _due(10)] == [11, 11, 11]


def test_it_knows_an_answer_before_that_visit() -> None:
    answered = [Answered("nrs", "before_visit", 6, TODAY), Answered("peg", "before_visit", 1,
                                                                    TODAY)]
    assert [d[0] for d in _due(5, answered=answered)] == ["rmdq", "peg"]


def test_it_asks_before_a_named_visit() -> None:
    schedule = (Item("odi", Moment.BEFORE_VISIT, 3),)
    assert [d.label for d in due(schedule, Course(2, None, TODAY), [])] == ["before visit 3"]
    assert due(schedule, Course(3, None, TODAY), []) == []


def test_it_asks_the_discharge_set_once_discharged() -> None:
    assert [d[0] for d in _due(10, TODAY)] == ["rmdq", "nrs", "peg", "pgic"]
    answered = [Answered(i, "discharge", None, TODAY) for i in ("rmdq", "nrs", "peg", "pgic")]
    assert _due(10, TODAY, answered) == []


def test_it_asks_again_three_and_twelve_months_after_discharge() -> None:
    out = dt.date(2027, 1, 31)
    after = [Answered(i, "discharge", None, out) for i in ("rmdq", "nrs", "peg", "pgic")]
    assert _due(10, out, after, today=dt.date(2027, 4, 29)) == []
    three = _due(10, out, after, today=dt.date(2027, 4, 30))
    assert three == [("rmdq", "follow_up", None), ("nrs", "follow_up", None),
                     ("pgic", "follow_up", None)]
    done = after + [Answered(i, "follow_up", None, dt.date(2027, 5, 2))
                    for i in ("rmdq", "nrs", "pgic")]
    assert _due(10, out, done, today=dt.date(2027, 6, 1)) == []
    assert len(_due(10, out, done, today=dt.date(2028, 1, 31))) == 3


def test_it_adds_mood_sleep_and_stress_when_tracked() -> None:
    schedule = default_schedule(function_measure="odi", mood=True, sleep=True, stress=True)
    first = [d.instrument for d in due(schedule, Course(0, None, TODAY), [])]
    assert first == ["odi", "nrs", "peg", "isi", "pss10", "phq9"]


def test_it_ends_months_on_their_last_day() -> None:
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)


@pytest.mark.parametrize("item", [(Moment.EVERY, None), (Moment.BASELINE, 2),
                                  (Moment.BEFORE_VISIT, 0)])
def test_it_refuses_an_item_without_its_number(item: tuple[Moment, int | None]) -> None:
    with pytest.raises(ValueError):
        Item("nrs", *item)


# A plan's re-assessment date: the every-K set (function, pain NRS, PEG) is due from that day
# (not the day before), once, until an answer on or after the day; not once discharged.
ON = dt.date(2027, 3, 10)
DATED = default_schedule(every=5, reassess_on=ON)


def _dated(held: int, today: dt.date, answered: list[Answered] | None = None,
           discharged: dt.date | None = None) -> list[tuple[str, str, int | None, str]]:
    return [(d.instrument, d.time_point, d.visit_number, d.label)
            for d in due(DATED, Course(held, discharged, today), answered or [])]


def test_a_re_assessment_date_asks_nothing_the_day_before() -> None:
    assert _dated(2, dt.date(2027, 3, 9)) == []


def test_a_re_assessment_date_asks_the_re_assessment_set_from_that_day() -> None:
    label = "re-assessment from 10 March 2027"
    expected = [("rmdq", "before_visit", 3, label), ("nrs", "before_visit", 3, label),
                ("peg", "before_visit", 3, label)]
    assert _dated(2, ON) == expected
    assert _dated(2, dt.date(2027, 4, 2)) == expected  # still waiting weeks later


def test_a_re_assessment_date_is_met_by_an_answer_on_or_after_it() -> None:
    before = [Answered("nrs", "before_visit", 2, dt.date(2027, 3, 9))]
    assert [d[0] for d in _dated(2, ON, before)] == ["rmdq", "nrs", "peg"]
    on_the_day = [Answered("nrs", "before_visit", 3, ON), Answered("peg", "before_visit", 3,
                                                                  dt.date(2027, 3, 11))]
    assert [d[0] for d in _dated(2, dt.date(2027, 3, 12), on_the_day)] == ["rmdq"]


def test_a_re_assessment_date_gives_way_to_discharge() -> None:
    discharged = _dated(2, ON, discharged=dt.date(2027, 3, 5))
    assert {d[1] for d in discharged} == {"discharge"}


def test_without_a_date_nothing_is_due_between_re_assessments() -> None:
    assert due(default_schedule(every=5), Course(2, None, dt.date(2027, 4, 2)), []) == []


@pytest.mark.parametrize("item", [(Moment.ON_DATE, None, None),
                                  (Moment.BASELINE, None, dt.date(2027, 3, 10))])
def test_it_refuses_an_item_without_its_day(
        item: tuple[Moment, int | None, dt.date | None]) -> None:
    with pytest.raises(ValueError):
        Item("nrs", *item)


# A plan's own questionnaires are added to the defaults (never replacing them).
def test_a_plans_own_questionnaires_are_added_to_the_defaults() -> None:
    own = plan_items([{"instrument": "isi", "moment": "before_visit", "n": 4},
                      {"instrument": "nrs", "moment": "before_visit", "n": 4}])
    schedule = default_schedule(every=5, own=own)
    assert schedule[:len(default_schedule(every=5))] == default_schedule(every=5)
    # Visit 3 held 2: nothing (the defaults ask before 6); before visit 4: ISI and NRS.
    assert due(schedule, Course(2, None, dt.date(2027, 3, 1)), []) == []
    at_4 = due(schedule, Course(3, None, dt.date(2027, 3, 1)), [])
    assert [(d.instrument, d.time_point, d.visit_number) for d in at_4] == [
        ("isi", "before_visit", 4), ("nrs", "before_visit", 4)]
    answered = [Answered("isi", "before_visit", 4, dt.date(2027, 3, 1))]
    assert [d.instrument for d in due(schedule, Course(3, None, dt.date(2027, 3, 1)),
                                      answered)] == ["nrs"]
    # At baseline the defaults ask NRS already: the plan's item adds nothing twice.
    assert [d.instrument for d in due(schedule, Course(0, None, dt.date(2027, 3, 1)), [])] == [
        "rmdq", "nrs", "peg"]


@pytest.mark.parametrize("item", [("isi", "on_date", None), ("isi", "before_visit", None),
                                  ("isi", "discharge", 3), ("isi", "whenever", 1),
                                  ("isi", "before_visit", 0), ("isi", "before_visit", 61),
                                  ("isi", "every", 31), ("isi", "after_discharge", 25),
                                  ("isi", "after_discharge", 10**6)])
def test_a_plan_item_needs_a_moment_a_plan_may_name_with_its_number(
        item: tuple[str, str, int | None]) -> None:
    with pytest.raises(ValueError):
        plan_item(*item)


@pytest.mark.parametrize("item", [("isi", "before_visit", 60), ("isi", "every", 30),
                                  ("pgic", "after_discharge", 24), ("isi", "baseline", None)])
def test_a_plan_item_takes_its_largest_number(item: tuple[str, str, int | None]) -> None:
    assert plan_item(*item).n == item[2]
