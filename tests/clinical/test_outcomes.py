"""Episode outcomes on hand-computed cases: baseline, latest, each follow-up, coverage
improvement, the re-assessment schedule and the lasting follow-ups."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.clinical.coverage import Improvement
from acuback.clinical.instruments import UnknownInstrumentError
from acuback.clinical.outcomes import (
    OUTCOME_RULES_VERSION,
    Measurement,
    add_months,
    coverage_improvement,
    episode_outcome,
    instrument_outcome,
    lasting_follow_ups,
    reassessment_due,
    reassessment_visit,
)

D = dt.date


def m(instrument: str, day: int, total: float) -> Measurement:
    """A measurement ``day`` days into March 2026."""
    return Measurement(instrument, D(2026, 3, day), total)


def test_it_compares_the_latest_and_each_follow_up_with_the_earliest() -> None:
    outcome = instrument_outcome([m("nrs", 20, 3), m("nrs", 1, 6), m("nrs", 10, 5)])
    assert (outcome.baseline, outcome.latest) == (m("nrs", 1, 6), m("nrs", 20, 3))
    changes = [(f.measurement.taken_on.day, f.change.improvement, f.change.verdict)
               for f in outcome.follow_ups]
    # 6 -> 5: 1 point, 16.7 %: no change; 6 -> 3: 3 points, 50 %: improved.
    assert changes == [(10, 1, "no_change"), (20, 3, "improved")]
    assert outcome.latest_change.percent == pytest.approx(50)  # type: ignore[union-attr]


def test_it_reports_both_responder_methods_for_the_latest_change() -> None:
    change = instrument_outcome([m("odi", 1, 80), m("odi", 30, 70)]).latest_change
    assert change is not None
    assert (change.meets_points, change.meets_percent, change.verdict) == (True, False, "improved")


def test_it_flags_the_demo_patient_whose_pain_went_from_5_to_8() -> None:
    outcome = instrument_outcome([m("nrs", 1, 5), m("nrs", 15, 8)])
    assert (outcome.verdict, outcome.worse_than_baseline) == ("worse", True)


def test_it_has_no_verdict_with_only_a_baseline() -> None:
    outcome = instrument_outcome([m("odi", 1, 40)])
    assert (outcome.follow_ups, outcome.latest_change, outcome.verdict) == ((), None, None)


def test_it_keeps_the_first_given_as_baseline_on_a_tie() -> None:
    outcome = instrument_outcome([m("nrs", 1, 7), m("nrs", 1, 4), m("nrs", 9, 5)])
    assert outcome.baseline == m("nrs", 1, 7)


def test_it_judges_each_pgic_rating_alone_with_no_baseline() -> None:
    outcome = instrument_outcome([m("pgic", 20, 2.0), m("pgic", 10, 4)])
    assert outcome.baseline is None
    assert [f.change.verdict for f in outcome.follow_ups] == ["no_change", "improved"]


def test_it_refuses_mixed_or_empty_measurements() -> None:
    with pytest.raises(ValueError, match="more than one instrument"):
        instrument_outcome([m("nrs", 1, 5), m("odi", 2, 20)])
    with pytest.raises(ValueError, match="at least one"):
        instrument_outcome([])


def test_it_gives_one_outcome_per_instrument_in_registry_order() -> None:
    outcomes = episode_outcome([m("pgic", 9, 2), m("odi", 1, 40), m("nrs", 1, 6), m("odi", 9, 30)])
    assert [o.instrument for o in outcomes] == ["nrs", "odi", "pgic"]


def test_it_refuses_an_unknown_instrument() -> None:
    with pytest.raises(UnknownInstrumentError):
        episode_outcome([m("vas", 1, 50)])


def test_it_carries_the_rule_versions_in_its_json() -> None:
    out = instrument_outcome([m("odi", 1, 46), m("odi", 9, 36)]).as_dict()
    assert out["rules_version"] == OUTCOME_RULES_VERSION
    assert out["follow_ups"][0]["change"]["instrument_version"] == "odi-2.1a/acuback-1"  # type: ignore[index]
    assert out["baseline"] == {"taken_on": "2026-03-01", "total": 46}


# --- improvement for coverage ----------------------------------------------------------------

def test_it_documents_improvement_when_a_pain_measure_improves() -> None:
    evidence = coverage_improvement(episode_outcome([m("nrs", 1, 7), m("nrs", 20, 4)]))
    assert (evidence.status, "nrs" in evidence.why) == (Improvement.IMPROVING, True)
    assert [o.instrument for o in evidence.evidence] == ["nrs"]


def test_it_calls_a_patient_regressing_when_any_measure_is_worse() -> None:
    outcomes = episode_outcome([m("nrs", 1, 7), m("nrs", 20, 4), m("odi", 1, 30), m("odi", 20, 42)])
    evidence = coverage_improvement(outcomes)
    assert (evidence.status, evidence.why) == (Improvement.REGRESSING, "worse than baseline on odi")


def test_it_calls_a_patient_not_improving_without_an_important_change() -> None:
    evidence = coverage_improvement(episode_outcome([m("rmdq", 1, 12), m("rmdq", 20, 10)]))
    assert evidence.status is Improvement.NOT_IMPROVING


def test_it_counts_the_patients_own_impression_of_much_better() -> None:
    evidence = coverage_improvement(episode_outcome([m("pgic", 20, 2)]))
    assert evidence.status is Improvement.IMPROVING


def test_it_leaves_improvement_unknown_without_a_follow_up() -> None:
    evidence = coverage_improvement(episode_outcome([m("nrs", 1, 7), m("odi", 1, 40)]))
    assert (evidence.status, evidence.evidence) == (None, ())
    assert evidence.as_dict()["status"] is None


def test_it_ignores_measures_that_are_not_pain_or_function() -> None:
    # Less insomnia is welcome, but it is not the improvement NCD 30.3.3 asks about.
    evidence = coverage_improvement(episode_outcome([m("isi", 1, 20), m("isi", 20, 10)]))
    assert evidence.status is None


# --- when to re-assess -----------------------------------------------------------------------

@pytest.mark.parametrize(("visit", "due"), [(1, False), (11, False), (12, True), (13, False),
                                            (21, False), (22, True), (32, True)])
def test_it_schedules_reassessment_at_visit_12_and_every_10_after(visit: int, due: bool) -> None:
    assert reassessment_due(visit) is due


@pytest.mark.parametrize(("visit", "next_one"), [(1, 12), (12, 12), (13, 22), (22, 22), (23, 32)])
def test_it_names_the_next_reassessment_visit(visit: int, next_one: int) -> None:
    assert reassessment_visit(visit) == next_one


@pytest.mark.parametrize("visit", [0, -1, 2.0, True])
def test_it_refuses_a_visit_number_that_is_not_a_positive_integer(visit: object) -> None:
    with pytest.raises(ValueError):
        reassessment_due(visit)  # type: ignore[arg-type]


def test_it_asks_again_3_and_12_months_after_discharge() -> None:
    assert lasting_follow_ups(D(2026, 1, 15)) == (D(2026, 4, 15), D(2027, 1, 15))


def test_it_clamps_a_follow_up_to_the_end_of_a_shorter_month() -> None:
    assert (add_months(D(2025, 11, 30), 3), add_months(D(2023, 11, 30), 3)) == (
        D(2026, 2, 28), D(2024, 2, 29))
