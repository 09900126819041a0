"""Medicare NCD 30.3.3 coverage rules at every boundary, on hand-computed dates."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.clinical.coverage import (
    Coverage,
    CoverageInputError,
    Improvement,
    coverage_data,
    evaluate,
    next_benefit_year_start,
    parse_coverage_input,
)

D = dt.date
FIRST = D(2020, 3, 21)  # the first visit of Priority Health's benefit-year example


def request(
    as_of: str,
    visits: list[str],
    *,
    onset: str = "2019-06-01",
    improvement: str | None = None,
    **flags: bool,
) -> dict[str, object]:
    episode = {"onset": onset, "systemic_cause": False, "surgery_associated": False,
               "pregnancy_associated": False, **flags}
    return {"as_of": as_of, "episode": episode, "visits": visits, "improvement": improvement}


def run(data: dict[str, object]) -> Coverage:
    return evaluate(parse_coverage_input(data))


def twice_weekly(count: int) -> list[str]:
    """``count`` visit dates from FIRST, on days 0, 3, 7, 10, 14, ... (Saturday and Tuesday)."""
    days = [7 * (n // 2) + 3 * (n % 2) for n in range(count)]
    return [(FIRST + dt.timedelta(days=d)).isoformat() for d in days]


def visit_number(n: int, improvement: str | None = None, as_of: str = "2020-06-01") -> Coverage:
    """Coverage of visit ``n``: n - 1 earlier visits twice a week from 21 March 2020. Visit 20's
    predecessors end on day 66 (19 visits), so 1 June 2020 (day 72) is inside the 90 days."""
    return run(request(as_of, twice_weekly(n - 1), improvement=improvement))


# --- eligibility: 12 weeks of pain and the three exclusions ---------------------------------

def test_it_refuses_83_days_of_pain_at_the_first_covered_visit() -> None:
    # 1 Jan 2020 + 83 days = 24 March 2020 (31 + 29 + 23).
    result = run(request("2020-03-24", [], onset="2020-01-01"))
    assert (result.eligible, result.next_visit.covered) == (False, False)
    assert "83 days" in result.reasons[0]


def test_it_accepts_84_days_of_pain_at_the_first_covered_visit() -> None:
    result = run(request("2020-03-25", [], onset="2020-01-01"))
    assert (result.eligible, result.reasons, result.next_visit.covered) == (True, (), True)


def test_it_counts_pain_at_the_first_covered_visit_not_at_as_of() -> None:
    # 60 days at the first visit, though 120 days by as_of: still not chronic when treated.
    result = run(request("2020-04-30", ["2020-03-01"], onset="2020-01-01"))
    assert result.eligible is False


@pytest.mark.parametrize(
    ("flag", "words"),
    [("systemic_cause", "systemic cause"), ("surgery_associated", "surgery"),
     ("pregnancy_associated", "pregnancy")],
)
def test_it_excludes_each_kind_of_associated_pain(flag: str, words: str) -> None:
    result = run(request("2020-06-01", [], **{flag: True}))
    assert (result.eligible, len(result.reasons), words in result.reasons[0]) == (False, 1, True)


def test_it_gives_every_reason_at_once() -> None:
    result = run(request("2020-01-10", [], onset="2020-01-01", systemic_cause=True,
                         surgery_associated=True, pregnancy_associated=True))
    assert len(result.reasons) == 4


def test_it_leaves_no_covered_visits_to_an_ineligible_episode() -> None:
    result = run(request("2020-06-01", [], pregnancy_associated=True))
    assert (result.remaining_in_benefit_year, result.next_visit.kx_modifier) == (0, False)


# --- visits 12, 13, 20, 21 and the KX modifier ------------------------------------------------

def test_it_covers_visit_12_without_kx() -> None:
    visit = visit_number(12).next_visit
    assert (visit.covered, visit.kx_modifier) == (True, False)


def test_it_does_not_cover_visit_13_without_documented_improvement() -> None:
    visit = visit_number(13, improvement=None).next_visit
    assert (visit.covered, visit.kx_modifier) == (False, False)
    assert "documented improvement" in visit.why


def test_it_covers_visit_13_with_kx_when_improvement_is_documented() -> None:
    visit = visit_number(13, improvement="improving").next_visit
    assert (visit.covered, visit.kx_modifier) == (True, True)


def test_it_covers_visit_20_with_kx_when_improving() -> None:
    result = visit_number(20, improvement="improving")
    assert (result.visits_in_benefit_year, result.next_visit.covered) == (19, True)
    assert result.remaining_in_benefit_year == 1


def test_it_never_covers_visit_21_in_a_benefit_year() -> None:
    result = visit_number(21, improvement="improving")
    assert (result.next_visit.covered, result.next_visit.kx_modifier) == (False, False)
    assert "2021-03-01" in result.next_visit.why
    assert result.remaining_in_benefit_year == 0


def test_it_puts_kx_only_on_visits_past_the_first_twelve() -> None:
    # Documented improvement on visit 5 changes nothing: it is covered without KX.
    visit = visit_number(5, improvement="improving").next_visit
    assert (visit.covered, visit.kx_modifier) == (True, False)


# --- the 90 days ----------------------------------------------------------------------------

def test_it_covers_visit_2_on_day_89_after_the_first_visit() -> None:
    # 21 March 2020 + 89 days = 18 June 2020 (10 to 31 March, 30, 31, then 18 = 89).
    assert run(request("2020-06-18", ["2020-03-21"])).next_visit.covered is True


def test_it_needs_improvement_for_visit_2_on_day_90() -> None:
    result = run(request("2020-06-19", ["2020-03-21"]))
    assert result.next_visit.covered is False
    assert "90 days" in result.next_visit.why


def test_it_covers_a_late_early_visit_with_kx_when_improving() -> None:
    visit = run(request("2020-06-19", ["2020-03-21"], improvement="improving")).next_visit
    assert (visit.covered, visit.kx_modifier) == (True, True)


# --- stop rules ------------------------------------------------------------------------------

@pytest.mark.parametrize("improvement", ["not_improving", "regressing"])
def test_it_stops_coverage_when_not_improving_or_regressing(improvement: str) -> None:
    result = visit_number(3, improvement=improvement)
    assert (result.next_visit.covered, result.remaining_in_benefit_year) == (False, 0)
    assert improvement.replace("_", " ") in result.next_visit.why


def test_it_stops_coverage_past_visit_12_when_regressing() -> None:
    assert visit_number(13, improvement="regressing").next_visit.covered is False


# --- the benefit year ------------------------------------------------------------------------

def test_it_opens_the_next_benefit_year_on_the_first_of_the_twelfth_month() -> None:
    assert next_benefit_year_start(FIRST) == D(2021, 3, 1)


def test_it_rolls_a_december_first_visit_into_the_next_december() -> None:
    assert next_benefit_year_start(D(2020, 12, 31)) == D(2021, 12, 1)


def test_it_keeps_28_february_2021_in_the_first_benefit_year() -> None:
    result = run(request("2021-02-28", twice_weekly(20), improvement="improving"))
    assert (result.benefit_year_start, result.visits_in_benefit_year) == (FIRST, 20)
    assert result.next_visit.covered is False


def test_it_starts_a_new_benefit_year_on_1_march_2021() -> None:
    result = run(request("2021-03-01", twice_weekly(20)))
    assert (result.benefit_year_start, result.visits_in_benefit_year) == (D(2021, 3, 1), 0)
    assert (result.next_visit.covered, result.next_benefit_year_start) == (True, D(2022, 3, 1))


def test_it_counts_only_the_current_benefit_years_visits() -> None:
    visits = [*twice_weekly(20), "2021-03-02", "2021-03-09"]
    result = run(request("2021-03-16", visits))
    assert (result.benefit_year_start, result.visits_in_benefit_year) == (D(2021, 3, 2), 2)
    assert result.remaining_in_benefit_year == 18


def test_it_starts_the_benefit_year_on_as_of_when_there_are_no_visits() -> None:
    result = run(request("2020-05-15", []))
    assert (result.benefit_year_start, result.next_benefit_year_start) == (
        D(2020, 5, 15), D(2021, 5, 1))


def test_it_sorts_visits_given_out_of_order() -> None:
    result = run(request("2020-04-01", ["2020-03-28", "2020-03-21"]))
    assert (result.benefit_year_start, result.visits_in_benefit_year) == (FIRST, 2)


# --- the JSON shape and bad input ------------------------------------------------------------

def test_it_prints_the_issue_shape() -> None:
    out = coverage_data(request("2020-04-01", ["2020-03-21"]))
    assert out == {
        "eligible": True,
        "reasons": [],
        "benefit_year_start": "2020-03-21",
        "visits_in_benefit_year": 1,
        "next_visit": {"covered": True, "kx_modifier": False,
                       "why": "covered: visit 2 of the first 12, day 12 of 90"},
        "remaining_in_benefit_year": 19,
        "next_benefit_year_start": "2021-03-01",
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"as_of": "2020-3-1"}, "as_of must be a date"),
        ({"as_of": "2020-02-30"}, "as_of must be a date"),
        ({"as_of": 20200301}, "as_of must be a date"),
        ({"as_of": "2020-W23-1"}, "as_of must be a date"),  # an ISO week date, 1 June 2020
        ({"as_of": "2020W231  "}, "as_of must be a date"),
        ({"episode": {"onset": "2019-W23-1", "systemic_cause": False,
                      "surgery_associated": False, "pregnancy_associated": False}},
         "episode.onset must be a date"),
        ({"visits": ["2020-03-21", "21/03/2020"]}, "visits[1] must be a date"),
        ({"visits": ["2020-07-01"]}, "after as_of"),
        ({"visits": "2020-03-21"}, "visits must be a list"),
        ({"improvement": "better"}, "improvement must be one of"),
        ({"extra": 1}, "unknown keys extra"),
    ],
)
def test_it_refuses_malformed_input(change: dict[str, object], message: str) -> None:
    data = {**request("2020-06-01", []), **change}
    with pytest.raises(CoverageInputError, match=message.replace("[", r"\[")):
        parse_coverage_input(data)


def test_it_refuses_an_onset_after_the_first_visit() -> None:
    with pytest.raises(CoverageInputError, match="onset .* is after the first visit"):
        parse_coverage_input(request("2020-06-01", ["2020-03-21"], onset="2020-04-01"))


def test_it_refuses_an_onset_after_as_of_when_there_are_no_visits() -> None:
    with pytest.raises(CoverageInputError, match="after the first visit"):
        parse_coverage_input(request("2020-06-01", [], onset="2020-06-02"))


def test_it_refuses_a_flag_that_is_not_a_boolean() -> None:
    with pytest.raises(CoverageInputError, match="systemic_cause must be true or false"):
        parse_coverage_input(request("2020-06-01", [], systemic_cause=0))  # type: ignore[arg-type]


def test_it_refuses_a_missing_key() -> None:
    data = request("2020-06-01", [])
    del data["improvement"]
    with pytest.raises(CoverageInputError, match="missing improvement"):
        parse_coverage_input(data)


def test_it_reads_improvement_as_its_enum() -> None:
    parsed = parse_coverage_input(request("2020-06-01", [], improvement="regressing"))
    assert parsed.improvement is Improvement.REGRESSING
