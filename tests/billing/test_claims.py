"""Claim lines: derived from a signed visit only, with their modifier, charge, provider and
versions; never rewritten in place, superseded with a trace."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from acuback.billing.claims import claim_lines_derive, claim_lines_rederive
from acuback.billing.models import AbnOption, ClaimLine, KeptRecordError, Payer
from acuback.billing.services import AbnInput, abn_record, billing_profile_set, fee_set
from acuback.clinical.coverage import RULES_VERSION
from acuback.errors import ConflictError
from acuback.visits.signing import visit_amend
from tests.billing.factories import (
    FEES,
    SUPERVISOR_NPI,
    course,
    credential,
    measure,
    medicare_episode,
    set_fees,
    visit_on,
)
from tests.personas import World

FIRST = dt.date(2026, 3, 2)


@pytest.fixture
def billed(world: World) -> World:
    credential(world.practitioner)
    set_fees(world)
    return world


def current(visit: object) -> list[ClaimLine]:
    return list(ClaimLine.objects.filter(visit=visit, superseded_at__isnull=True))


def test_it_derives_one_line_per_cpt_code_when_a_visit_is_signed(billed: World) -> None:
    visit = visit_on(billed, medicare_episode(billed), FIRST, minutes_without_estim=35,
                     insertions=2)
    lines = current(visit)
    assert [(x.code, x.units, x.modifier, x.charge, x.billable) for x in lines] == [
        ("97810", 1, "", Decimal("85.00"), True), ("97811", 1, "", Decimal("40.00"), True)]


def test_it_makes_no_claim_line_for_an_unsigned_visit(billed: World) -> None:
    visit = visit_on(billed, medicare_episode(billed), FIRST, sign=False)
    assert not ClaimLine.objects.filter(visit=visit).exists()
    with pytest.raises(ConflictError, match="unsigned"):
        claim_lines_derive(visit=visit, actor=billed.owner, trace="try")


def test_it_records_every_code_set_and_rule_version(billed: World) -> None:
    [line] = current(visit_on(billed, medicare_episode(billed), FIRST))
    assert line.versions["coverage_rules"] == RULES_VERSION
    assert set(line.versions) >= {"icd10cm", "ncd_diagnoses", "cpt_codes", "cpt_rules",
                                  "outcome_rules", "provider_rules", "claim_rules"}
    assert all(line.versions.values())


def test_it_bills_an_acupuncturist_incident_to_the_supervising_physician(billed: World) -> None:
    [line] = current(visit_on(billed, medicare_episode(billed), FIRST))
    assert (line.incident_to, line.rendering_npi, line.supervisor_name) == (
        True, SUPERVISOR_NPI, "Dr Ruth Osler")


# --- 83 and 84 days of pain; the benefit year -------------------------------------------------


@pytest.mark.parametrize(("days", "expected"), [(83, ("GY", False)), (84, ("", True))])
def test_it_bills_a_first_visit_after_83_days_of_pain_gy_and_after_84_as_covered(
        billed: World, days: int, expected: tuple[str, bool]) -> None:
    episode = medicare_episode(billed, onset=FIRST - dt.timedelta(days=days))
    [line] = current(visit_on(billed, episode, FIRST))
    assert (line.modifier, line.covered) == expected
    assert ("12 weeks" in line.modifier_why) is (days == 83)


def test_it_opens_a_new_benefit_year_after_eleven_full_months(billed: World) -> None:
    """First visit 1 Sep 2025: eleven full months (October to August) must pass, so the next
    benefit year opens on 1 Sep 2026 (DOMAIN.md Part 1: 21 March 2020 -> 1 March 2021). A visit
    on 31 Aug 2026 is visit 3 of the first year, past its 90 days (not covered without
    improvement); one on 1 Sep 2026 is visit 1 of a new year, covered."""
    episode = medicare_episode(billed)
    first = dt.date(2025, 9, 1)
    visits = [visit_on(billed, episode, day) for day in (
        first, dt.date(2025, 9, 4), dt.date(2026, 8, 31), dt.date(2026, 9, 1))]
    lines = [current(v)[0] for v in visits]
    assert [(x.modifier, x.covered) for x in lines] == [
        ("", True), ("", True), ("GZ", False), ("", True)]
    late, renewed = (x.coverage["coverage"] for x in lines[2:])
    assert (late["benefit_year_start"], late["visits_in_benefit_year"]) == ("2025-09-01", 2)
    assert (renewed["benefit_year_start"], renewed["visits_in_benefit_year"]) == (
        "2026-09-01", 0)


# --- visits 12, 13, 20 and 21 ---------------------------------------------------------------


@pytest.fixture
def improving(billed: World) -> tuple[World, object]:
    """An episode with baseline pain 7 and a follow-up of 3 (improved by the NRS's 2 points)
    after six visits."""
    episode = medicare_episode(billed)
    measure(billed, episode, FIRST - dt.timedelta(days=1), 7, "baseline")
    measure(billed, episode, FIRST + dt.timedelta(days=16), 3)
    return billed, episode


def test_it_bills_visit_12_plain_and_visit_13_with_kx_when_improving(improving) -> None:  # noqa: ANN001
    world, episode = improving
    visits = course(world, episode, FIRST, 13)
    assert [current(v)[0].modifier for v in visits[-2:]] == ["", "KX"]


def test_it_bills_visit_20_kx_and_visit_21_not_covered(improving) -> None:  # noqa: ANN001
    world, episode = improving
    visits = course(world, episode, FIRST, 21, every_days=2)
    line20, line21 = current(visits[19])[0], current(visits[20])[0]
    assert (line20.modifier, line20.covered) == ("KX", True)
    assert (line21.modifier, line21.covered) == ("GZ", False)
    assert "over the limit of 20" in line21.modifier_why


def test_it_bills_visit_13_gz_without_documented_improvement(billed: World) -> None:
    visits = course(billed, medicare_episode(billed), FIRST, 13)
    line = current(visits[-1])[0]
    assert (line.modifier, line.covered) == ("GZ", False)
    assert "documented improvement" in line.modifier_why


def test_it_bills_ga_when_the_patient_signed_an_abn_before_the_visit(billed: World) -> None:
    episode = medicare_episode(billed)
    course(billed, episode, FIRST, 12)
    day = FIRST + dt.timedelta(days=40)
    abn_record(actor=billed.front_desk, episode=episode, data=AbnInput(
        signed_on=day, covers_until=day + dt.timedelta(days=60),
        option=AbnOption.BILL_MEDICARE, reason="Improvement not documented"))
    line = current(visit_on(billed, episode, day))[0]
    assert (line.modifier, line.to_medicare, line.billable) == ("GA", True, True)


def test_it_does_not_bill_medicare_when_the_abn_says_option_2(billed: World) -> None:
    episode = medicare_episode(billed)
    course(billed, episode, FIRST, 12)
    day = FIRST + dt.timedelta(days=40)
    abn_record(actor=billed.front_desk, episode=episode, data=AbnInput(
        signed_on=day, covers_until=day, option=AbnOption.DO_NOT_BILL, reason="Over 12"))
    line = current(visit_on(billed, episode, day))[0]
    assert (line.modifier, line.to_medicare) == ("", False)


def test_it_bills_gy_for_a_diagnosis_other_than_chronic_low_back_pain(billed: World) -> None:
    episode = medicare_episode(billed, region="thoracic", icd10_code="M54.6")
    line = current(visit_on(billed, episode, FIRST))[0]
    assert (line.modifier, line.covered) == ("GY", False)


def test_it_puts_no_medicare_modifier_on_a_self_paying_patients_line(billed: World) -> None:
    episode = medicare_episode(billed, payer=Payer.SELF_PAY, member_id="")
    visits = course(billed, episode, FIRST, 13)
    line = current(visits[-1])[0]
    assert (line.modifier, line.to_medicare, line.billable) == ("", False, True)


# --- held lines -------------------------------------------------------------------------------


def test_it_holds_a_line_whose_payer_is_not_recorded(billed: World) -> None:
    line = current(visit_on(billed, medicare_episode(billed, payer=""), FIRST))[0]
    assert not line.billable
    assert "payer is not recorded" in line.hold_reasons[0]


def test_it_holds_a_line_whose_diagnosis_was_deleted_naming_its_replacements(
        billed: World) -> None:
    """An episode recorded under ICD-10-CM before FY2022 (or imported) may still carry M54.5,
    which the episode form refuses today; no claim line goes out with it."""
    episode = medicare_episode(billed)
    type(episode).objects.filter(pk=episode.pk).update(icd10_code="M54.5")
    [line] = current(visit_on(billed, episode, FIRST))
    assert not line.billable
    assert "M54.5 was deleted from ICD-10-CM" in line.hold_reasons[0]
    assert all(code in line.hold_reasons[0] for code in ("M54.50", "M54.51", "M54.59"))
    assert line.versions["icd10cm"]


def test_it_holds_a_self_paying_patients_line_with_a_code_outside_the_code_set(
        billed: World) -> None:
    episode = medicare_episode(billed, payer=Payer.SELF_PAY, member_id="")
    type(episode).objects.filter(pk=episode.pk).update(icd10_code="Z99.99")
    [line] = current(visit_on(billed, episode, FIRST))
    assert (line.to_medicare, line.billable) == (False, False)
    assert "not a back-pain code" in line.hold_reasons[0]


def test_it_holds_a_line_without_a_fee_for_its_code_on_its_day(world: World) -> None:
    credential(world.practitioner)
    fee_set(actor=world.owner, code="97810", unit_charge="85", effective_from=FIRST)
    early = current(visit_on(world, medicare_episode(world), FIRST - dt.timedelta(days=1)))[0]
    assert (early.billable, early.charge) == (False, None)
    assert "no fee is set for 97810" in early.hold_reasons[0]


def test_it_charges_the_fee_in_force_on_the_day_of_service(billed: World) -> None:
    fee_set(actor=billed.owner, code="97810", unit_charge="90.00",
            effective_from=FIRST + dt.timedelta(days=3))
    episode = medicare_episode(billed)
    before, after = course(billed, episode, FIRST, 2)
    assert (current(before)[0].charge, current(after)[0].charge) == (FEES["97810"],
                                                                     Decimal("90.00"))


def test_it_holds_an_unsupervised_acupuncturists_line_and_names_why(billed: World) -> None:
    line = current(visit_on(billed, medicare_episode(billed), FIRST, supervised=None))[0]
    assert not line.billable
    assert any("direct supervision" in r for r in line.hold_reasons)


def test_it_derives_held_lines_again_with_a_trace_once_fixed(billed: World) -> None:
    episode = medicare_episode(billed, payer="")
    visit = visit_on(billed, episode, FIRST)
    [held] = current(visit)
    billing_profile_set(actor=billed.front_desk, patient=episode.patient,
                        payer=Payer.MEDICARE, member_id="1EG4TE5MK73", version=0)
    [line] = claim_lines_rederive(actor=billed.front_desk, visit=visit,
                                  reason="payer recorded")
    held.refresh_from_db()
    assert (line.billable, line.derivation, line.trace) == (True, 2, "payer recorded")
    assert held.superseded_at is not None
    assert "replaced by derivation 2" in held.superseded_why


def test_it_refuses_to_derive_billable_lines_again_without_an_amendment(billed: World) -> None:
    visit = visit_on(billed, medicare_episode(billed), FIRST)
    with pytest.raises(ConflictError, match="correction"):
        claim_lines_rederive(actor=billed.front_desk, visit=visit, reason="just because")


def test_it_records_supervision_after_signing_and_derives_the_held_line_again(
        billed: World) -> None:
    from acuback.billing.services import supervision_record

    visit = visit_on(billed, medicare_episode(billed), FIRST, supervised=None)
    supervision_record(actor=billed.practitioner, visit=visit, present=True)
    [line] = current(visit)
    assert (line.billable, line.derivation) == (True, 2)
    assert "direct supervision recorded" in line.trace


# --- never rewritten --------------------------------------------------------------------------


def test_it_refuses_to_change_a_claim_line_in_place(billed: World) -> None:
    [line] = current(visit_on(billed, medicare_episode(billed), FIRST))
    line.units = 3
    with pytest.raises(KeptRecordError):
        line.save()
    with pytest.raises(KeptRecordError):
        line.delete()


def test_it_derives_the_lines_again_on_a_correction_amendment_and_keeps_the_old(
        billed: World) -> None:
    visit = visit_on(billed, medicare_episode(billed), FIRST)
    [first] = current(visit)
    amendment = visit_amend(actor=billed.practitioner, visit=visit, kind="correction",
                            section="subjective", text="Pain since May.",
                            reason="Wrong month")
    [line] = current(visit)
    assert (line.derivation, line.amendment_id) == (2, amendment.pk)
    assert "correction of subjective" in line.trace
    assert ClaimLine.objects.get(pk=first.pk).superseded_at is not None


def test_it_leaves_the_lines_alone_on_an_addendum(billed: World) -> None:
    visit = visit_on(billed, medicare_episode(billed), FIRST)
    visit_amend(actor=billed.practitioner, visit=visit, kind="addendum", text="Called later.",
                reason="Follow-up call")
    assert [x.derivation for x in current(visit)] == [1]


def test_it_withdraws_the_lines_of_a_visit_entered_in_error(billed: World) -> None:
    visit = visit_on(billed, medicare_episode(billed), FIRST)
    visit_amend(actor=billed.practitioner, visit=visit, kind="entered_in_error",
                reason="Wrong patient")
    assert current(visit) == []
    [old] = ClaimLine.objects.filter(visit=visit)
    assert old.superseded_why.startswith("withdrawn: visit entered in error")


def test_it_keeps_an_earlier_visits_judgement_when_a_questionnaire_comes_later(
        billed: World) -> None:
    """Visit 13 without improvement was billed GZ; a follow-up dated before it and entered
    afterwards does not turn that visit into a covered one for the count."""
    episode = medicare_episode(billed)
    visits = course(billed, episode, FIRST, 13)
    measure(billed, episode, FIRST - dt.timedelta(days=1), 7, "baseline")
    measure(billed, episode, FIRST + dt.timedelta(days=10), 2)
    assert current(visits[-1])[0].covered is False
    nxt = current(visit_on(billed, episode, FIRST + dt.timedelta(days=45)))[0]
    assert (nxt.modifier, nxt.coverage["coverage"]["visits_in_benefit_year"]) == ("KX", 12)


def test_it_leaves_a_visit_entered_in_error_out_of_the_medicare_count(billed: World) -> None:
    """Twelve visits, one of them then marked entered in error: the next visit is the
    twelfth that happened, covered without the KX modifier, not a thirteenth needing
    documented improvement (the withdrawn record is not a visit Medicare was billed for)."""
    episode = medicare_episode(billed)
    visits = course(billed, episode, FIRST, 12)
    visit_amend(actor=billed.practitioner, visit=visits[3], kind="entered_in_error",
                reason="Charted on the wrong day")
    [line] = current(visit_on(billed, episode, FIRST + dt.timedelta(days=40)))
    assert (line.modifier, line.covered) == ("", True)
    assert line.coverage["coverage"]["visits_in_benefit_year"] == 11
