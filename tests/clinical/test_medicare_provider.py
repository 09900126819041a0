"""Who may bill Medicare for acupuncture (NCD 30.3.3 practitioners, 42 CFR 410.26/410.32)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from acuback.clinical.medicare_provider import (
    Provider,
    ProviderKind,
    billing_provider,
    us_jurisdiction,
)

ON = dt.date(2026, 3, 2)
NPI, OTHER_NPI = "1234567893", "1245319599"  # both with a valid check digit
ACUPUNCTURIST = Provider("Pat Lin", ProviderKind.AUXILIARY, "", "AC-1", "OR",
                         dt.date(2027, 1, 31), True)
PHYSICIAN = Provider("Dr Ruth Osler", ProviderKind.PHYSICIAN, OTHER_NPI, "MD-9", "Oregon",
                     dt.date(2027, 1, 31), None)


def check(treating: Provider = ACUPUNCTURIST, supervisor: Provider | None = PHYSICIAN,
          supervised: bool | None = True, on: dt.date = ON):  # noqa: ANN201
    return billing_provider(treating, on, supervisor=supervisor, supervised=supervised)


def test_it_bills_a_supervised_acupuncturist_incident_to_the_physician() -> None:
    result = check()
    assert (result.may_bill, result.incident_to, result.rendering_npi, result.reasons) == (
        True, True, OTHER_NPI, ())


def test_it_bills_a_physician_under_their_own_npi_without_an_acaom_degree() -> None:
    result = check(PHYSICIAN, supervisor=None, supervised=None)
    assert (result.may_bill, result.incident_to, result.rendering_npi) == (True, False, OTHER_NPI)


@pytest.mark.parametrize("kind", [ProviderKind.PHYSICIAN_ASSISTANT,
                                  ProviderKind.NURSE_PRACTITIONER])
def test_it_asks_a_pa_or_np_for_the_acaom_degree_and_their_own_npi(kind: ProviderKind) -> None:
    ok = check(replace(ACUPUNCTURIST, kind=kind, npi=NPI), supervisor=None, supervised=None)
    no_degree = check(replace(ACUPUNCTURIST, kind=kind, npi=NPI, acaom_degree=False))
    no_npi = check(replace(ACUPUNCTURIST, kind=kind))
    assert (ok.may_bill, ok.rendering_npi, no_degree.may_bill, no_npi.may_bill) == (
        True, NPI, False, False)
    assert "ACAOM" in no_degree.reasons[0]


def test_it_refuses_an_acupuncturist_whose_degree_is_not_recorded() -> None:
    result = check(replace(ACUPUNCTURIST, acaom_degree=None))
    assert not result.may_bill
    assert "not recorded" in result.reasons[0]


def test_it_accepts_a_licence_valid_on_the_day_of_the_visit_and_refuses_it_the_day_after() -> None:
    assert check(on=ACUPUNCTURIST.licence_expires).may_bill  # type: ignore[arg-type]
    later = check(on=dt.date(2027, 2, 1))
    assert not later.may_bill
    assert "expired on 2027-01-31" in later.reasons[0]


def test_it_does_not_take_an_unrecorded_licence_expiry_for_current() -> None:
    result = check(replace(ACUPUNCTURIST, licence_expires=None))
    assert "cannot be shown to be current" in result.reasons[0]


def test_it_refuses_a_licence_outside_the_united_states() -> None:
    result = check(replace(ACUPUNCTURIST, licence_state="Ontario"))
    assert "no US state" in result.reasons[0]


def test_it_refuses_an_acupuncturist_without_a_supervisor() -> None:
    result = check(supervisor=None, supervised=None)
    assert (result.may_bill, result.incident_to) == (False, True)
    assert "incident to" in result.reasons[0]


@pytest.mark.parametrize(("supervised", "words"), [(None, "not recorded"),
                                                   (False, "did not directly supervise")])
def test_it_needs_direct_supervision_recorded_for_the_visit(supervised: bool | None,
                                                              words: str) -> None:
    result = check(supervised=supervised)
    assert not result.may_bill
    assert words in " ".join(result.reasons)


def test_it_refuses_a_supervisor_who_is_not_a_physician_pa_or_np() -> None:
    result = check(supervisor=replace(PHYSICIAN, kind=ProviderKind.AUXILIARY))
    assert "who alone may supervise" in result.reasons[0]


def test_it_refuses_a_supervisor_with_an_invalid_npi() -> None:
    result = check(supervisor=replace(PHYSICIAN, npi="1234567890"))
    assert "not valid" in result.reasons[0]


def test_it_refuses_a_provider_whose_kind_is_not_recorded() -> None:
    result = check(replace(ACUPUNCTURIST, kind=None))
    assert (result.may_bill, len(result.reasons)) == (False, 1)


def test_it_lists_every_problem_not_just_the_first() -> None:
    result = check(replace(ACUPUNCTURIST, acaom_degree=False, licence_expires=None),
                   supervised=None)
    assert len(result.reasons) == 3


@pytest.mark.parametrize(("typed", "code"), [("ca", "CA"), ("California", "CA"),
                                             ("  district of  columbia ", "DC"),
                                             ("Puerto Rico", "PR"), ("GU", "GU"),
                                             ("Ontario", None), ("", None), ("C", None)])
def test_it_reads_a_us_jurisdiction(typed: str, code: str | None) -> None:
    assert us_jurisdiction(typed) == code
