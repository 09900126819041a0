"""Contraindications: each health-history item gives the right kind, severity and effects."""

from __future__ import annotations

import pytest

from acuback.clinical.acupoints import REGIONS
from acuback.clinical.contraindications import (
    AACP_PREGNANCY_POINTS,
    DECIDES_ESTIM,
    DECIDES_POINTS,
    DECISIVE,
    INSTRUCTIONS,
    BodyRegion,
    Contraindication,
    ContraindicationKind,
    Effect,
    EffectKind,
    HealthHistory,
    HealthHistoryError,
    Question,
    Severity,
    assess,
    instructions,
    needle_cap,
    unanswered,
)
from acuback.clinical.regions import BODY_REGIONS


def only(history: HealthHistory) -> Contraindication:
    found = assess(history)
    assert len(found) == 1, found
    return found[0]


def effects(history: HealthHistory) -> set[str]:
    return {str(e) for c in assess(history) for e in c.effects}


def test_it_finds_nothing_in_a_clean_history() -> None:
    assert assess(HealthHistory()) == ()


# --- pregnancy -----------------------------------------------------------------------------


def test_it_makes_pregnancy_a_relative_contraindication() -> None:
    c = only(HealthHistory(pregnant=True))
    assert (c.kind, c.severity) == (ContraindicationKind.PREGNANCY, Severity.RELATIVE)


def test_it_excludes_pregnancy_avoid_points_in_pregnancy() -> None:
    assert "exclude_tag:pregnancy_avoid" in effects(HealthHistory(pregnant=True))


@pytest.mark.parametrize("code", ["LI4", "SP6", "BL60", "BL67", "BL31", "BL32", "BL33", "BL34"])
def test_it_names_each_aacp_point_in_pregnancy(code: str) -> None:
    assert f"exclude_point:{code}" in effects(HealthHistory(pregnant=True))


def test_it_forbids_estim_in_pregnancy() -> None:
    assert "forbid_estim" in effects(HealthHistory(pregnant=True))


def test_it_quotes_the_weeks_of_pregnancy() -> None:
    assert "(20 weeks)" in only(HealthHistory(pregnant=True, pregnancy_weeks=20)).why


def test_it_lists_the_eight_aacp_points() -> None:
    assert len(set(AACP_PREGNANCY_POINTS)) == 8


# --- bleeding, anticoagulants -------------------------------------------------------------


def test_it_makes_a_bleeding_disorder_absolute() -> None:
    assert only(HealthHistory(bleeding_disorder=True)).severity == Severity.ABSOLUTE


def test_it_forbids_needling_with_a_bleeding_disorder() -> None:
    assert "forbid_needling" in effects(HealthHistory(bleeding_disorder=True))


def test_it_makes_anticoagulants_relative() -> None:
    assert only(HealthHistory(anticoagulant=True)).severity == Severity.RELATIVE


def test_it_gives_anticoagulants_a_cap_pressure_and_no_vessel_points() -> None:
    assert effects(HealthHistory(anticoagulant=True)) == {
        "limit_needles:10",
        "pressure_after_removal",
        "exclude_tag:major_vessel_nerve",
    }


# --- devices, epilepsy ----------------------------------------------------------------------


def test_it_forbids_only_estim_with_an_implanted_device() -> None:
    assert effects(HealthHistory(implanted_device=True)) == {"forbid_estim"}


def test_it_keeps_manual_needling_with_an_implanted_device() -> None:
    assert only(HealthHistory(implanted_device=True)).severity == Severity.RELATIVE


def test_it_forbids_estim_and_asks_for_lying_down_with_epilepsy() -> None:
    assert effects(HealthHistory(epilepsy=True)) == {"forbid_estim", "patient_lying_down"}


# --- needle phobia ----------------------------------------------------------------------------


def test_it_gives_needle_phobia_a_cap_lying_down_and_acupressure() -> None:
    assert effects(HealthHistory(needle_phobia=True)) == {
        "limit_needles:6",
        "patient_lying_down",
        "consider_acupressure",
    }


def test_it_makes_needle_phobia_relative() -> None:
    assert only(HealthHistory(needle_phobia=True)).severity == Severity.RELATIVE


# --- skin lesions ------------------------------------------------------------------------------


def test_it_excludes_the_region_of_a_skin_lesion() -> None:
    history = HealthHistory(skin_lesion_regions=frozenset({BodyRegion.LOWER_BACK}))
    assert effects(history) == {"exclude_region:lower_back"}


def test_it_gives_one_contraindication_per_lesion_region() -> None:
    history = HealthHistory(skin_lesion_regions=frozenset({"foot", "sacrum"}))  # type: ignore[arg-type]
    assert [c.kind for c in assess(history)] == [ContraindicationKind.SKIN_LESION] * 2


def test_it_orders_lesion_regions_head_to_foot() -> None:
    history = HealthHistory(skin_lesion_regions=frozenset({"foot", "sacrum"}))  # type: ignore[arg-type]
    assert [str(c.effects[0]) for c in assess(history)] == [
        "exclude_region:sacrum",
        "exclude_region:foot",
    ]


def test_it_rejects_an_unknown_lesion_region() -> None:
    with pytest.raises(HealthHistoryError, match="elbowpit"):
        HealthHistory(skin_lesion_regions=frozenset({"elbowpit"}))  # type: ignore[arg-type]


# --- infection risk, diabetes, metal -----------------------------------------------------------


def test_it_asks_for_asepsis_and_intact_skin_with_immunosuppression() -> None:
    assert effects(HealthHistory(immunosuppression=True)) == {
        "strict_asepsis",
        "avoid_broken_skin",
    }


def test_it_asks_for_asepsis_and_skin_checks_with_diabetes() -> None:
    assert effects(HealthHistory(diabetes=True)) == {"strict_asepsis", "inspect_skin"}


def test_it_asks_for_nickel_free_needles_with_a_metal_allergy() -> None:
    assert effects(HealthHistory(metal_allergy=True)) == {"nickel_free_needles"}


# --- every item -------------------------------------------------------------------------------

EVERYTHING = HealthHistory(
    pregnant=True,
    pregnancy_weeks=12,
    anticoagulant=True,
    bleeding_disorder=True,
    implanted_device=True,
    needle_phobia=True,
    skin_lesion_regions=frozenset({BodyRegion.THIGH}),
    epilepsy=True,
    immunosuppression=True,
    diabetes=True,
    metal_allergy=True,
)


def test_it_reports_every_kind_when_everything_applies() -> None:
    assert {c.kind for c in assess(EVERYTHING)} == set(ContraindicationKind)


def test_it_puts_the_absolute_contraindication_first() -> None:
    assert assess(EVERYTHING)[0].severity == Severity.ABSOLUTE


def test_it_cites_a_source_in_every_why() -> None:
    assert all(c.why.endswith(")") for c in assess(EVERYTHING))


def test_it_renders_a_contraindication_as_plain_data() -> None:
    data = only(HealthHistory(implanted_device=True)).to_dict()
    assert (data["kind"], data["severity"], data["effects"]) == (
        "implanted_device",
        "relative",
        ["forbid_estim"],
    )


# --- helpers ------------------------------------------------------------------------------------


def test_it_takes_the_smallest_needle_cap() -> None:
    both = assess(HealthHistory(anticoagulant=True, needle_phobia=True))
    assert needle_cap(both) == 6


def test_it_has_no_needle_cap_without_a_limiting_item() -> None:
    assert needle_cap(assess(HealthHistory(epilepsy=True))) is None


def test_it_gives_each_instruction_once() -> None:
    both = assess(HealthHistory(epilepsy=True, needle_phobia=True))
    assert instructions(both).count(INSTRUCTIONS[EffectKind.PATIENT_LYING_DOWN]) == 1


def test_it_writes_an_effect_with_its_value() -> None:
    assert str(Effect(EffectKind.LIMIT_NEEDLES, 10)) == "limit_needles:10"


def test_it_writes_an_effect_without_a_value_as_its_kind() -> None:
    assert str(Effect(EffectKind.FORBID_ESTIM)) == "forbid_estim"


# --- validation -----------------------------------------------------------------------------------


def test_it_rejects_weeks_of_pregnancy_without_pregnancy() -> None:
    with pytest.raises(HealthHistoryError, match="pregnant is not true"):
        HealthHistory(pregnancy_weeks=10)


@pytest.mark.parametrize("weeks", [-1, 46, True, 10.5])
def test_it_rejects_impossible_weeks_of_pregnancy(weeks: object) -> None:
    with pytest.raises(HealthHistoryError, match="pregnancy_weeks"):
        HealthHistory(pregnant=True, pregnancy_weeks=weeks)  # type: ignore[arg-type]


def test_it_uses_the_shared_body_regions() -> None:
    assert tuple(r.value for r in BodyRegion) == BODY_REGIONS


def test_it_uses_the_catalogue_regions() -> None:
    assert tuple(r.value for r in BodyRegion) == REGIONS


# --- tri-state answers ------------------------------------------------------------------------


def test_it_defaults_every_question_to_not_asked() -> None:
    assert unanswered(HealthHistory()) == tuple(Question)


def test_it_finds_nothing_in_a_question_never_asked() -> None:
    assert assess(HealthHistory(pregnant=None, anticoagulant=None)) == ()


def test_it_counts_an_explicit_no_as_answered() -> None:
    assert unanswered(HealthHistory.answered()) == ()
    assert unanswered(HealthHistory.answered(diabetes=None)) == (Question.DIABETES,)


def test_it_reads_no_broken_skin_as_answered_and_none_as_not_asked() -> None:
    asked = HealthHistory.answered(skin_lesion_regions=frozenset())
    assert Question.SKIN_LESIONS not in unanswered(asked)
    assert Question.SKIN_LESIONS in unanswered(HealthHistory())


def test_it_derives_the_questions_that_decide_estim_from_the_rules() -> None:
    assert {q.value for q in DECIDES_ESTIM} == {
        "pregnant", "bleeding_disorder", "implanted_device", "epilepsy"}


def test_it_derives_the_questions_that_decide_points_from_the_rules() -> None:
    assert {q.value for q in DECIDES_POINTS} == {
        "pregnant", "anticoagulant", "bleeding_disorder", "needle_phobia", "skin_lesion_regions"}


def test_it_leaves_technique_only_questions_out_of_the_deciding_ones() -> None:
    technique = {Question.IMMUNOSUPPRESSION, Question.DIABETES, Question.METAL_ALLERGY}
    assert not technique & DECISIVE
