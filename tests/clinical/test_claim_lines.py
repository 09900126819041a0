"""Claim-line modifiers (KX, GA, GZ, GY) and the chronic-low-back-pain diagnosis list."""

from __future__ import annotations

import pytest

from acuback.clinical import icd10
from acuback.clinical.claim_lines import (
    Modifier,
    claim_line_modifier,
    covered_diagnoses,
    is_clbp_diagnosis,
)
from acuback.clinical.coverage import Coverage, evaluate, parse_coverage_input


def coverage(visits: int, *, improvement: str | None = None, **flags: bool) -> Coverage:
    """Coverage of visit ``visits + 1``, earlier visits daily from 1 March 2020."""
    dates = [f"2020-03-{day:02d}" for day in range(1, visits + 1)]
    episode = {"onset": "2019-01-01", "systemic_cause": False, "surgery_associated": False,
               "pregnancy_associated": False, **flags}
    return evaluate(parse_coverage_input(
        {"as_of": "2020-03-31", "episode": episode, "visits": dates, "improvement": improvement}))


def test_it_bills_a_covered_early_visit_without_a_modifier() -> None:
    assert claim_line_modifier(coverage(4), "M54.50", abn_on_file=False).modifier is None


def test_it_bills_visit_13_with_documented_improvement_with_kx() -> None:
    line = claim_line_modifier(coverage(12, improvement="improving"), "M54.50", abn_on_file=False)
    assert line.modifier is Modifier.KX


def test_it_bills_visit_13_without_improvement_with_ga_when_an_abn_is_signed() -> None:
    line = claim_line_modifier(coverage(12), "M54.59", abn_on_file=True)
    assert (line.modifier, "ABN" in line.why) == (Modifier.GA, True)


def test_it_bills_visit_21_with_gz_when_no_abn_is_on_file() -> None:
    line = claim_line_modifier(coverage(20, improvement="improving"), "M54.42", abn_on_file=False)
    assert line.modifier is Modifier.GZ


def test_it_bills_a_regressing_patient_with_ga_given_an_abn() -> None:
    line = claim_line_modifier(coverage(3, improvement="regressing"), "M54.50", abn_on_file=True)
    assert line.modifier is Modifier.GA


def test_it_bills_a_diagnosis_other_than_chronic_low_back_pain_with_gy() -> None:
    # Lumbar radiculopathy has a specific cause: outside NCD 30.3.3 even on a covered visit.
    line = claim_line_modifier(coverage(2), "M54.16", abn_on_file=True)
    assert (line.modifier, line.why.startswith("M54.16")) == (Modifier.GY, True)


def test_it_bills_an_ineligible_episode_with_gy() -> None:
    line = claim_line_modifier(coverage(2, systemic_cause=True), "M54.50", abn_on_file=False)
    assert (line.modifier, "systemic cause" in line.why) == (Modifier.GY, True)


@pytest.mark.parametrize("code", ["M54.50", "m5450", " M54.59 ", "M54.41"])
def test_it_recognises_chronic_low_back_pain_codes_however_written(code: str) -> None:
    assert is_clbp_diagnosis(code) is True


@pytest.mark.parametrize("code", ["M54.5", "M54.16", "M51.16", "G89.29", "M54.9", "O26.891", ""])
def test_it_keeps_other_codes_out_of_the_covered_list(code: str) -> None:
    # M54.5 was deleted in FY2022; the others name a specific cause or no low-back region.
    assert is_clbp_diagnosis(code) is False


def test_it_lists_only_current_nonspecific_low_back_codes() -> None:
    codes = icd10.code_list().codes
    listed = covered_diagnoses().codes
    assert listed and all(code in codes for code in listed)
    assert all(codes[c].nonspecific and codes[c].region == "lumbar" for c in listed)


def test_it_versions_the_list_with_its_icd10_release() -> None:
    covered = covered_diagnoses()
    assert covered.version.endswith("/acuback-1")
    assert covered.icd10cm_version == icd10.code_list().version
