"""The claims ledger: each clinic promise against what one episode measured, and counted
across a clinic."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.clinical.claims import ClaimVerdict, claims, clinic_ledger, episode_ledger
from acuback.clinical.outcomes import Measurement
from acuback.clinical.progress import (
    AdverseEventRow,
    EpisodeRows,
    PainkillerRow,
    VisitRow,
    episode_progress,
)

D = dt.date


def m(instrument: str, day: int, total: float, month: int = 3) -> Measurement:
    return Measurement(instrument, D(2026, month, day), total)


def ledger(*, plan_points: int | None = None, **fields: object):  # noqa: ANN201
    rows = EpisodeRows(episode_id=1, opened_on=D(2026, 3, 1), **fields)  # type: ignore[arg-type]
    progress = episode_progress(rows, today=D(2026, 6, 1))
    return episode_ledger(progress, plan_points=plan_points, visits=rows.visits)


def verdicts(result) -> dict[str, str]:  # noqa: ANN001
    return {r.claim.id: r.verdict.value for r in result.results}


def test_it_lists_every_claim_once_with_a_version() -> None:
    ids = [c.id for c in claims().claims]
    assert len(ids) == len(set(ids)) == 15
    assert claims().version == "claims/acuback-1"
    assert {c.kind for c in claims().claims} == {"change", "lab", "safety", "record", "cost",
                                                 "beside"}


def test_it_says_not_measured_for_everything_on_an_empty_episode() -> None:
    assert set(verdicts(ledger()).values()) == {"not_measured"}


def test_it_never_judges_inflammation_or_cost() -> None:
    full = ledger(measurements=(m("stiffness", 1, 60), m("stiffness", 30, 15)),
                  visits=(VisitRow(1, D(2026, 3, 2)),))
    got = {r.claim.id: r for r in full.results}
    assert got["inflammation"].verdict is ClaimVerdict.NOT_MEASURED
    assert "no laboratory value" in got["inflammation"].note
    assert got["cost"].verdict is ClaimVerdict.NOT_MEASURED
    # Stiffness has no agreed threshold: measured, shown, not judged.
    assert got["stiffness"].verdict is ClaimVerdict.NO_THRESHOLD
    assert got["stiffness"].evidence[0].words.startswith("Morning stiffness 60 -> 15 (45 better")


def test_it_judges_pain_by_its_measures_with_their_evidence() -> None:
    result = ledger(measurements=(m("nrs", 1, 6), m("nrs", 29, 3)))
    pain = result.results[0]
    assert pain.verdict is ClaimVerdict.IMPROVED
    assert pain.evidence[0].words == "Pain NRS 6 -> 3 (3 better, 50 %), 1 Mar 2026 -> 29 Mar 2026"


def test_it_calls_a_claim_worse_when_any_of_its_measures_is_worse() -> None:
    result = ledger(measurements=(m("nrs", 1, 6), m("nrs", 29, 3), m("peg", 1, 4),
                                  m("peg", 29, 6)))
    assert verdicts(result)["pain_relief"] == "worse"


def test_it_shows_mobility_beside_function() -> None:
    result = ledger(measurements=(m("odi", 1, 40), m("odi", 29, 34)),
                    visits=(VisitRow(1, D(2026, 3, 2), finger_floor_cm=25),
                            VisitRow(2, D(2026, 3, 9), finger_floor_cm=12)))
    function = {r.claim.id: r for r in result.results}["function"]
    assert function.verdict is ClaimVerdict.NO_CHANGE  # 6 points, 15 %: under 10 or 30 %
    assert [e.words for e in function.evidence][1] == "Finger-to-floor distance 25 -> 12 cm"


def test_it_holds_side_effects_only_when_all_are_mild() -> None:
    visits = tuple(VisitRow(n, D(2026, 3, n)) for n in range(1, 5))
    mild = ledger(visits=visits, adverse_events=(AdverseEventRow(2, "bleeding", "mild", False),))
    bad = ledger(visits=visits, adverse_events=(AdverseEventRow(2, "dizziness", "severe", True),))
    assert verdicts(mild)["side_effects"] == "held"
    assert verdicts(bad)["side_effects"] == "not_held"
    words = {r.claim.id: r for r in mild.results}["side_effects"].evidence[0].words
    assert words.startswith("1 adverse event(s) in 4 treatments (250 per 1,000")


def test_it_checks_licences_and_needle_lots_for_safe_practice() -> None:
    good = (VisitRow(1, D(2026, 3, 2), practitioner_licensed=True, needles=8,
                     needles_with_lot=8),)
    lot_missing = (VisitRow(1, D(2026, 3, 2), practitioner_licensed=True, needles=8,
                            needles_with_lot=6),)
    assert verdicts(ledger(visits=good))["safe_practice"] == "held"
    assert verdicts(ledger(visits=lot_missing))["safe_practice"] == "not_held"


def test_it_holds_tailoring_when_a_plan_with_points_is_recorded() -> None:
    assert verdicts(ledger(plan_points=6))["tailored"] == "held"
    assert verdicts(ledger(plan_points=None))["tailored"] == "not_measured"


def test_it_judges_painkillers_from_the_log() -> None:
    result = ledger(painkillers=(PainkillerRow(None, "ibuprofen", "Ibuprofen", "nsaid", 6, None),
                                 PainkillerRow(1, "ibuprofen", "Ibuprofen", "nsaid", 2, None)),
                    visits=(VisitRow(1, D(2026, 3, 2), painkillers_asked=True),))
    pk = {r.claim.id: r for r in result.results}["painkillers"]
    assert pk.verdict is ClaimVerdict.IMPROVED
    assert pk.evidence[0].words == "Intake 6 d/wk, Visit 1 2 d/wk; 4 fewer days a week"


def test_it_reports_other_care_beside_pain_and_function() -> None:
    result = ledger(measurements=(m("odi", 1, 40), m("odi", 29, 20)),
                    visits=(VisitRow(1, D(2026, 3, 2), co_interventions=("exercise",)),))
    beside = {r.claim.id: r for r in result.results}["beside_other_care"]
    assert beside.verdict is ClaimVerdict.IMPROVED
    assert beside.evidence[0].words == "beside: exercise (1)"


def test_it_judges_lasting_relief_from_the_latest_follow_up() -> None:
    rows = dict(discharged_on=D(2026, 1, 31), measurements=(
        m("nrs", 1, 7, month=1), m("nrs", 30, 2, month=1), m("nrs", 4, 6, month=5)))
    result = ledger(**rows)  # type: ignore[arg-type]
    lasting = {r.claim.id: r for r in result.results}["lasting"]
    # 7 -> 6 three months on: 1 point, 14 %: the relief did not last.
    assert lasting.verdict is ClaimVerdict.NO_CHANGE
    assert "12-month" not in lasting.note and "sessions" in lasting.note


def test_it_counts_a_clinic_and_gives_the_share_improved_with_its_interval() -> None:
    improved = ledger(measurements=(m("nrs", 1, 6), m("nrs", 29, 3)))
    flat = ledger(measurements=(m("nrs", 1, 6), m("nrs", 29, 5)))
    empty = ledger()
    clinic = clinic_ledger([improved, improved, flat, empty])
    pain = clinic.claims[0]
    assert (pain.count(ClaimVerdict.IMPROVED), pain.count(ClaimVerdict.NO_CHANGE),
            pain.count(ClaimVerdict.NOT_MEASURED)) == (2, 1, 1)
    assert pain.improved is not None and pain.improved.rate == pytest.approx(2 / 3)
    # Wilson 95 % for 2 of 3: 0.2077 to 0.9385.
    assert pain.improved.ci == pytest.approx((0.2077, 0.9385), abs=1e-4)
    assert clinic.adverse_events is None  # no treatments at all


def test_it_calls_a_baseline_alone_not_measured_but_shows_it() -> None:
    result = ledger(measurements=(m("odi", 1, 40), m("pss10", 1, 20)))
    got = {r.claim.id: r for r in result.results}
    assert got["function"].verdict is ClaimVerdict.NOT_MEASURED
    assert got["function"].evidence[0].words == "ODI 40 at baseline only (1 Mar 2026)"
    assert got["stress"].verdict is ClaimVerdict.NOT_MEASURED
    followed = ledger(measurements=(m("pss10", 1, 20), m("pss10", 29, 14)))
    assert verdicts(followed)["stress"] == "no_threshold"
