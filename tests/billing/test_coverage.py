"""The coverage warning for a visit of an episode on a day (billing.coverage), which the
episode page, charting and booking show."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.assessments.models import Assessment
from acuback.billing.coverage import Level, visit_coverage_warning
from acuback.billing.models import AbnOption, Payer
from acuback.billing.services import AbnInput, abn_record, abn_void
from tests.billing.factories import course, credential, measure, medicare_episode, set_fees
from tests.personas import World
from tests.screening.factories import URGENT, screen

FIRST = dt.date(2026, 3, 2)
LATER = FIRST + dt.timedelta(days=40)


@pytest.fixture
def billed(world: World) -> World:
    credential(world.practitioner)
    set_fees(world)
    return world


def abn(world: World, episode: object, option: str = AbnOption.BILL_MEDICARE,
        day: dt.date = LATER) -> object:
    return abn_record(actor=world.front_desk, episode=episode, data=AbnInput(  # type: ignore[arg-type]
        signed_on=day, covers_until=day + dt.timedelta(days=30), option=option,
        reason="Improvement not documented"))


def test_it_says_a_first_visit_is_covered(billed: World) -> None:
    warning = visit_coverage_warning(medicare_episode(billed), FIRST)
    assert (warning.level, warning.warns, warning.needs_abn) == (Level.COVERED, False, False)
    assert warning.message.startswith("covered: visit 1 of the first 12")


def test_it_warns_and_asks_for_an_abn_before_visit_13_without_improvement(billed: World) -> None:
    episode = medicare_episode(billed)
    course(billed, episode, FIRST, 12)
    warning = visit_coverage_warning(episode, LATER)
    assert (warning.level, warning.warns, warning.needs_abn) == (Level.ABN_NEEDED, True, True)
    assert "Advance Beneficiary Notice" in warning.message
    assert warning.judgement.coverage.visits_in_benefit_year == 12


def test_it_says_kx_for_visit_13_with_improvement_documented(billed: World) -> None:
    episode = medicare_episode(billed)
    measure(billed, episode, FIRST, 8, "baseline")
    course(billed, episode, FIRST, 12)
    measure(billed, episode, LATER - dt.timedelta(days=1), 4)
    warning = visit_coverage_warning(episode, LATER)
    assert (warning.level, warning.warns) == (Level.KX, False)
    assert warning.improvement.status.value == "improving"  # type: ignore[union-attr]


def test_it_judges_improvement_only_from_measures_taken_by_the_day(billed: World) -> None:
    episode = medicare_episode(billed)
    measure(billed, episode, FIRST, 8, "baseline")
    course(billed, episode, FIRST, 12)
    measure(billed, episode, LATER + dt.timedelta(days=1), 4)  # the day after
    assert visit_coverage_warning(episode, LATER).level is Level.ABN_NEEDED


def test_it_judges_improvement_without_a_measure_left_unscored(billed: World) -> None:
    # billing.coverage._measurements reads only scored measures (total not null). The services
    # store none unscored, but the schema allows one (a row from before that rule): it documents
    # nothing, so visit 13 still needs an ABN.
    episode = medicare_episode(billed)
    measure(billed, episode, FIRST, 8, "baseline")
    course(billed, episode, FIRST, 12)
    measure(billed, episode, LATER - dt.timedelta(days=1), 4)
    Assessment.objects.filter(episode=episode, time_point="follow_up").update(total=None)
    warning = visit_coverage_warning(episode, LATER)
    assert warning.level is Level.ABN_NEEDED
    assert warning.judgement.coverage.visits_in_benefit_year == 12


def test_it_stops_coverage_of_a_regressing_patient_whatever_the_visit(billed: World) -> None:
    episode = medicare_episode(billed)
    measure(billed, episode, FIRST, 4, "baseline")
    course(billed, episode, FIRST, 3)
    measure(billed, episode, FIRST + dt.timedelta(days=9), 7)
    warning = visit_coverage_warning(episode, FIRST + dt.timedelta(days=10))
    assert warning.level is Level.ABN_NEEDED
    assert "regressing" in warning.message


def test_it_shows_ga_once_an_abn_covers_the_day(billed: World) -> None:
    episode = medicare_episode(billed)
    course(billed, episode, FIRST, 12)
    abn(billed, episode)
    warning = visit_coverage_warning(episode, LATER)
    assert (warning.level, warning.warns, warning.needs_abn) == (
        Level.ABN_ON_FILE, True, False)


@pytest.mark.parametrize(("option", "level"), [(AbnOption.DO_NOT_BILL, Level.NOT_BILLED),
                                               (AbnOption.DECLINED, Level.DECLINED)])
def test_it_follows_the_option_the_patient_chose(billed: World, option: str,
                                                 level: Level) -> None:
    episode = medicare_episode(billed)
    course(billed, episode, FIRST, 12)
    abn(billed, episode, option)
    assert visit_coverage_warning(episode, LATER).level is level


def test_it_ignores_an_abn_signed_after_the_day_voided_or_of_another_episode(
        billed: World) -> None:
    episode = medicare_episode(billed)
    course(billed, episode, FIRST, 12)
    abn(billed, episode, day=LATER + dt.timedelta(days=1))
    abn_void(actor=billed.owner, abn=abn(billed, episode), reason="wrong dates")  # type: ignore[arg-type]
    other = medicare_episode(billed, given="Percy")
    abn(billed, other)
    assert visit_coverage_warning(episode, LATER).level is Level.ABN_NEEDED


def test_it_says_gy_for_a_diagnosis_outside_the_ncd_and_asks_for_no_abn(billed: World) -> None:
    episode = medicare_episode(billed, region="thoracic", icd10_code="M54.6")
    warning = visit_coverage_warning(episode, FIRST)
    assert (warning.level, warning.needs_abn) == (Level.EXCLUDED, False)
    assert "an ABN is not needed" in warning.message


def test_it_counts_a_red_flag_screen_pointing_to_a_cause_as_not_nonspecific(
        billed: World) -> None:
    episode = medicare_episode(billed)
    screen(billed.practitioner, episode, *URGENT)
    warning = visit_coverage_warning(episode, FIRST)
    assert warning.level is Level.EXCLUDED
    assert "systemic cause" in warning.message


def test_it_warns_as_if_medicare_when_the_payer_is_not_recorded(billed: World) -> None:
    episode = medicare_episode(billed, payer="")
    course(billed, episode, FIRST, 12)
    warning = visit_coverage_warning(episode, LATER)
    assert (warning.medicare, warning.level) == (True, Level.ABN_NEEDED)
    assert warning.message.startswith("If Medicare covers this patient:")


def test_it_does_not_warn_for_a_patient_with_other_insurance(billed: World) -> None:
    episode = medicare_episode(billed, payer=Payer.OTHER, member_id="XYZ")
    course(billed, episode, FIRST, 12)
    warning = visit_coverage_warning(episode, LATER)
    assert (warning.level, warning.warns) == (Level.NOT_MEDICARE, False)


def test_it_reads_the_payer_and_episodes_of_the_patient_only(billed: World) -> None:
    # The patient's episodes and payer are read in one hand-written statement
    # (billing.coverage._episodes), by the patient: another patient's episode, opened later
    # (the statement's first row, were it not for the patient's key) and insured otherwise,
    # changes nothing.
    episode = medicare_episode(billed)
    course(billed, episode, FIRST, 12)
    medicare_episode(billed, given="Percy", payer=Payer.OTHER, member_id="XYZ")
    warning = visit_coverage_warning(episode, LATER)
    assert (warning.medicare, warning.level) == (True, Level.ABN_NEEDED)


def test_it_counts_the_covered_visits_of_the_patients_other_episodes(billed: World) -> None:
    from tests.personas import make_episode

    first = medicare_episode(billed)
    course(billed, first, FIRST, 12)
    second = make_episode(billed.practitioner, first.patient, onset_date=dt.date(2025, 1, 6))
    screen(billed.practitioner, second)
    warning = visit_coverage_warning(second, LATER)
    assert (warning.judgement.coverage.visits_in_benefit_year, warning.level) == (
        12, Level.ABN_NEEDED)


@pytest.mark.parametrize(("visits", "words"), [
    (0, "by visit 12 of the benefit year (this would be visit 1; 11 more after it)"),
    (11, "(this would be visit 12; 0 more after it)"),
    (12, "Re-assessment overdue: visit 13"),
])
def test_it_says_when_to_reassess_before_visit_13(billed: World, visits: int,
                                                  words: str) -> None:
    episode = medicare_episode(billed)
    course(billed, episode, FIRST, visits)
    assert words in visit_coverage_warning(episode, LATER).reassessment


def test_it_leaves_the_outcome_evidence_out_for_front_desk(billed: World) -> None:
    episode = medicare_episode(billed)
    measure(billed, episode, FIRST, 8, "baseline")
    measure(billed, episode, FIRST + dt.timedelta(days=1), 4)
    warning = visit_coverage_warning(episode, FIRST + dt.timedelta(days=2))
    assert warning.as_dict()["improvement"]["evidence"]  # type: ignore[index]
    assert warning.as_dict(evidence=False)["improvement"] == {"status": "improving"}
