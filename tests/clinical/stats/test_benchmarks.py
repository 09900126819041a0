"""The external benchmarks data file: complete, sourced, labelled, and as DOMAIN.md 6 gives it."""

from __future__ import annotations

import pytest

from acuback.clinical.stats import benchmarks


def test_it_labels_every_benchmark_external_and_versions_the_file() -> None:
    data = benchmarks()
    assert data.version == "benchmarks/acuback-1"
    assert {entry.label for entry in data.entries} == {"external"}


def test_it_gives_every_entry_a_citation_outcome_and_time_point() -> None:
    for entry in benchmarks().entries:
        assert entry.citation and entry.outcome and entry.timepoint and entry.unit, entry.id


def test_it_has_unique_ids() -> None:
    ids = [entry.id for entry in benchmarks().entries]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("benchmark_id", "value"),
    [("gerac-verum-responders", 47.6), ("gerac-sham-responders", 44.2),
     ("gerac-conventional-responders", 27.4), ("cherkin-usual-care-rmdq", 2.1),
     ("brinkhaus-acupuncture-vas", 28.7), ("witt-any-adverse-event", 8.6),
     ("baeumler-patients-any-adverse-event", 9.31)],
)
def test_it_carries_the_published_figures(benchmark_id: str, value: float) -> None:
    assert benchmarks().by_id(benchmark_id).value == value


def test_it_derives_the_per_treatment_rate_from_the_published_percentage() -> None:
    # Baeumler 2021: 7.57 % of treatments had an adverse event = 75.7 per 1,000 treatments.
    assert benchmarks().by_id("baeumler-treatments-with-adverse-event").value == 7.57 * 10


def test_it_keeps_intervals_around_their_estimates() -> None:
    for entry in benchmarks().entries:
        if entry.ci is not None:
            assert entry.ci[0] <= entry.value <= entry.ci[1], entry.id


def test_it_finds_the_responder_rates_for_the_dashboard() -> None:
    arms = [entry.arm for entry in benchmarks().of_kind("responder_rate")]
    assert "verum acupuncture" in arms and "usual care" in arms
