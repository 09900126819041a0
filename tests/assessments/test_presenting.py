"""How the result page words a score, the minimal important change and a change."""

from __future__ import annotations

import pytest

from acuback.assessments.presenting import describe_mic, number, verdict
from acuback.clinical.instruments import assess_change, get


@pytest.mark.parametrize(("value", "shown"), [
    (32.0, "32"), (100 * 16 / 45, "35.6"), (56.25, "56.3"), (-0.25, "-0.3"), (None, "—"),
])
def test_it_shows_a_number_as_a_clinician_reads_it(value: float | None, shown: str) -> None:
    assert number(value) == shown


def test_it_states_the_odi_threshold_with_its_source() -> None:
    assert describe_mic(get("odi")) == (
        "Minimal important change: an improvement of 10 points or 30 % of baseline "
        "(Ostelo et al., Spine 2008;33(1):90-94).")


def test_it_mentions_the_substantial_level_for_pain() -> None:
    assert "50 % or more is substantial" in describe_mic(get("nrs"))


def test_it_says_phq9_change_is_reported_without_a_verdict() -> None:
    assert describe_mic(get("phq9")).startswith("No minimal important change is used")


def test_it_names_the_improved_ratings_of_the_pgic() -> None:
    assert describe_mic(get("pgic")).startswith(
        "Counts as improved: very much improved or much improved")


def test_it_calls_a_rise_worse_than_baseline() -> None:
    assert verdict(assess_change("odi", 30, 44)) == ("Worse than at baseline.", "warn")


def test_it_calls_a_large_pain_drop_substantial() -> None:
    text, tone = verdict(assess_change("nrs", 8, 3))
    assert (text, tone) == (
        "Improved by at least the minimal important change — substantial.", "ok")


def test_it_gives_no_verdict_where_none_is_established() -> None:
    assert verdict(assess_change("phq9", 12, 6))[1] == "neutral"
