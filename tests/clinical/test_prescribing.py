"""Prescribing: trial-protocol points, every safety filter, and properties over random patients."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acuback.clinical.acupoints import REGIONS, catalogue
from acuback.clinical.contraindications import AACP_PREGNANCY_POINTS
from acuback.clinical.prescribing import (
    Chronicity,
    Pattern,
    Prescription,
    PrescriptionInputError,
    Radiation,
    Region,
    Side,
    prescribe_data,
)
from acuback.clinical.prescribing.protocols import all_candidate_codes

COMPLAINT = {"region": "lumbar", "side": "bilateral", "radiation": "none",
             "chronicity": "chronic"}
# Every health-history question answered "no": tests of one condition say yes to that one only.
ANSWERED_NO: dict[str, Any] = {
    "pregnant": False, "anticoagulant": False, "bleeding_disorder": False,
    "implanted_device": False, "needle_phobia": False, "skin_lesion_regions": [],
    "epilepsy": False, "immunosuppression": False, "diabetes": False, "metal_allergy": False,
}
PLAIN = {**COMPLAINT, **ANSWERED_NO}


def run(**changes: Any) -> Prescription:
    return prescribe_data({**PLAIN, **changes})


def codes(result: Prescription) -> list[str]:
    return [p.code for p in result.points]


def point(result: Prescription, code: str) -> Any:
    return next(p for p in result.points if p.code == code)


def excluded(result: Prescription) -> dict[str, str]:
    return {x.code: x.why for x in result.excluded}


def tags_of(code: str) -> frozenset[str]:
    return catalogue().require(code).tags


# --- the core protocols ---------------------------------------------------------------------


def test_it_starts_a_plain_chronic_lumbar_case_with_the_cherkin_set() -> None:
    assert codes(run())[:4] == ["BL23", "BL40", "KI3", "GV3"]


def test_it_needles_the_cherkin_set_on_both_sides_and_gv3_on_the_midline() -> None:
    result = run()
    sides = [point(result, c).side for c in ("BL23", "BL40", "KI3", "GV3")]
    assert sides == [Side.BILATERAL, Side.BILATERAL, Side.BILATERAL, Side.MIDLINE]


def test_it_cites_cherkin_for_the_core_points() -> None:
    assert "Cherkin 2009 standardised set" in point(run(), "KI3").why


def test_it_adds_art_local_points_for_lumbar_pain() -> None:
    assert {"BL25", "GV4", "EX-B2"} <= set(codes(run()))


def test_it_cites_the_art_list_for_a_local_point() -> None:
    assert point(run(), "BL25").why == "ART local list (Brinkhaus 2006); lumbar"


def test_it_adds_sacral_points_for_lumbosacral_pain() -> None:
    assert {"BL26", "EX-B8", "BL31", "BL32"} <= set(codes(run(region="lumbosacral")))


def test_it_puts_shiqizhui_on_the_midline() -> None:
    assert point(run(region="lumbosacral"), "EX-B8").side == Side.MIDLINE


def test_it_adds_buttock_points_for_sacroiliac_pain() -> None:
    assert {"BL27", "BL28", "BL53", "GB30"} <= set(codes(run(region="sacroiliac")))


def test_it_does_not_use_the_cherkin_set_for_thoracic_pain() -> None:
    assert "BL23" not in codes(run(region="thoracic"))


def test_it_gives_every_point_a_why() -> None:
    assert all(p.why for p in run(radiation="lateral_leg", pattern="damp_heat").points)


# --- side ---------------------------------------------------------------------------------------


def test_it_puts_local_points_on_the_painful_side() -> None:
    assert point(run(side="left"), "BL23").side == Side.LEFT


def test_it_keeps_distal_points_on_both_sides_for_one_sided_pain() -> None:
    assert point(run(side="right"), "KI3").side == Side.BILATERAL


def test_it_puts_leg_points_on_the_painful_side() -> None:
    assert point(run(side="left", radiation="lateral_leg"), "GB34").side == Side.LEFT


def test_it_needles_a_point_on_both_sides_when_two_sources_disagree() -> None:
    # BL40: Cherkin (both sides) and posterior-leg radiation (left): both sides, both reasons.
    bl40 = point(run(side="left", radiation="posterior_leg"), "BL40")
    assert bl40.side == Side.BILATERAL and "Cherkin" in bl40.why and "radiation" in bl40.why


# --- radiation, chronicity, pattern ---------------------------------------------------------------


def test_it_adds_bladder_channel_points_for_posterior_leg_radiation() -> None:
    assert {"BL36", "BL37", "BL57", "BL60"} <= set(codes(run(radiation="posterior_leg")))


def test_it_names_the_bladder_channel_for_posterior_leg_radiation() -> None:
    assert (
        "posterior leg radiation: bladder channel"
        in point(run(radiation="posterior_leg"), "BL57").why
    )


def test_it_adds_gall_bladder_channel_points_for_lateral_leg_radiation() -> None:
    result = run(radiation="lateral_leg")
    assert {"GB30", "GB31", "GB34", "GB39", "GB41"} <= set(codes(result))


def test_it_adds_no_gall_bladder_points_without_radiation() -> None:
    assert not [c for c in codes(run()) if c.startswith("GB")]


def test_it_adds_yaotongdian_for_acute_lumbar_pain() -> None:
    assert {"EX-UE7", "SI3"} <= set(codes(run(chronicity="acute")))


def test_it_adds_no_yaotongdian_for_chronic_pain() -> None:
    assert "EX-UE7" not in codes(run())


def test_it_warns_that_acute_pain_protocols_are_not_trial_tested() -> None:
    assert any("not trial-tested" in w for w in run(chronicity="acute").warnings)


def test_it_adds_kidney_points_for_kidney_deficiency() -> None:
    assert "BL52" in codes(run(pattern="kidney_deficiency"))


def test_it_calls_pattern_points_conventional_teaching() -> None:
    assert "conventional TCM teaching" in point(run(pattern="kidney_deficiency"), "BL52").why


def test_it_adds_blood_stasis_points() -> None:
    assert "SP10" in codes(run(pattern="qi_stagnation_blood_stasis"))


def test_it_leaves_out_bl17_for_blood_stasis_because_of_the_lung() -> None:
    assert "pneumothorax" in excluded(run(pattern="qi_stagnation_blood_stasis"))["BL17"]


def test_it_mentions_moxa_for_a_cold_damp_pattern() -> None:
    assert any("Moxibustion" in w for w in run(pattern="cold_damp").warnings)


# --- Ashi ----------------------------------------------------------------------------------------


def test_it_never_lists_an_ashi_point() -> None:
    assert not [c for c in codes(run()) if "ASHI" in c.upper()]


def test_it_asks_for_ashi_points_in_a_warning() -> None:
    assert run().warnings[0].startswith("Add Ashi (tender) points")


# --- pregnancy -----------------------------------------------------------------------------------


PREGNANT_WIDE = {"region": "lumbosacral", "radiation": "posterior_leg", "pregnant": True}


@pytest.mark.parametrize("code", ["BL60", "BL67", "SP6", "LI4", "BL31", "BL32", "BL33", "BL34"])
def test_it_gives_a_pregnant_patient_none_of_the_aacp_points(code: str) -> None:
    assert code not in codes(run(**PREGNANT_WIDE))


def test_it_explains_why_a_pregnant_patient_loses_bl31() -> None:
    assert "pregnancy" in excluded(run(**PREGNANT_WIDE))["BL31"]


def test_it_keeps_bl31_when_not_pregnant() -> None:
    assert "BL31" in codes(run(region="lumbosacral"))


def test_it_forbids_estim_in_pregnancy() -> None:
    assert run(pregnant=True, estim_requested=True).estim.allowed is False


# --- anticoagulants and bleeding -----------------------------------------------------------------


def test_it_drops_bl40_over_the_popliteal_artery_for_an_anticoagulated_patient() -> None:
    assert "major_vessel_nerve" in excluded(run(anticoagulant=True))["BL40"]


def test_it_offers_bl57_instead_of_bl40() -> None:
    assert "substitute for BL40" in point(run(anticoagulant=True), "BL57").why


def test_it_offers_ki7_instead_of_ki3() -> None:
    assert "substitute for KI3" in point(run(anticoagulant=True), "KI7").why


def test_it_keeps_an_anticoagulated_patient_under_ten_needles() -> None:
    result = run(anticoagulant=True, radiation="posterior_leg", pattern="cold_damp")
    assert result.needle_count <= 10


def test_it_explains_points_dropped_for_the_cap() -> None:
    result = run(anticoagulant=True, radiation="lateral_leg", pattern="cold_damp")
    assert "needle cap of 10 reached (anticoagulant)" in excluded(result).values()


def test_it_tells_the_practitioner_to_press_after_removal() -> None:
    assert any("pressure" in w for w in run(anticoagulant=True).warnings)


def test_it_proposes_no_points_with_a_bleeding_disorder() -> None:
    assert run(bleeding_disorder=True).points == ()


def test_it_lists_every_candidate_as_excluded_with_a_bleeding_disorder() -> None:
    assert {"BL23", "BL40", "KI3", "GV3"} <= set(excluded(run(bleeding_disorder=True)))


def test_it_says_no_needling_with_a_bleeding_disorder() -> None:
    assert run(bleeding_disorder=True).warnings[0].startswith("No needling")


# --- needle phobia -------------------------------------------------------------------------------


def test_it_keeps_a_needle_phobic_patient_to_six_needles() -> None:
    assert run(needle_phobia=True, radiation="posterior_leg").needle_count <= 6


def test_it_keeps_the_highest_priority_points_under_a_cap() -> None:
    assert codes(run(needle_phobia=True))[:3] == ["BL23", "BL40", "KI3"]


def test_it_suggests_lying_down_for_needle_phobia() -> None:
    assert any("lying down" in w for w in run(needle_phobia=True).warnings)


# --- skin lesions --------------------------------------------------------------------------------


def test_it_needles_nothing_in_a_lesion_region() -> None:
    result = run(skin_lesion_regions=["lower_back"])
    assert all(catalogue().require(c).region != "lower_back" for c in codes(result))


def test_it_explains_a_point_dropped_for_a_lesion() -> None:
    assert (
        "skin lesion on the lower back" in excluded(run(skin_lesion_regions=["lower_back"]))["BL23"]
    )


# --- thoracic pain and the lung ------------------------------------------------------------------


def test_it_never_proposes_thoracic_paravertebral_points() -> None:
    assert not {"BL20", "BL21", "EX-B2"} & set(codes(run(region="thoracic")))


def test_it_quotes_the_depth_limit_when_leaving_out_a_lung_point() -> None:
    depth = catalogue().require("BL20").max_depth_mm
    assert f"no deeper than {depth:g} mm" in excluded(run(region="thoracic"))["BL20"]


def test_it_keeps_jiaji_at_the_lumbar_levels() -> None:
    assert "EX-B2" in codes(run(region="lumbar"))


def test_it_limits_lumbar_jiaji_to_the_lumbar_levels_in_a_warning() -> None:
    assert any(w.startswith("EX-B2 (Jiaji): lumbar levels only") for w in run().warnings)


def test_it_warns_that_thoracic_pain_has_no_trial_protocol() -> None:
    assert any(
        "No trial protocol exists for thoracic pain" in w for w in run(region="thoracic").warnings
    )


# --- e-stim --------------------------------------------------------------------------------------


def test_it_allows_estim_when_requested_and_nothing_forbids_it() -> None:
    assert run(estim_requested=True).estim.allowed is True


def test_it_does_not_allow_estim_unless_requested() -> None:
    assert run().estim.to_dict() == {"allowed": False, "why": "not requested"}


def test_it_forbids_estim_with_an_implanted_device() -> None:
    estim = run(implanted_device=True, estim_requested=True).estim
    assert estim.allowed is False and "implanted electrical device" in estim.why


def test_it_forbids_estim_with_epilepsy() -> None:
    estim = run(epilepsy=True, estim_requested=True).estim
    assert estim.allowed is False and "epilepsy" in estim.why


def test_it_forbids_estim_for_thoracic_pain() -> None:
    assert run(region="thoracic", estim_requested=True).estim.allowed is False


def test_it_warns_never_to_run_current_across_the_chest_when_estim_is_allowed() -> None:
    assert any("across the chest" in w for w in run(estim_requested=True).warnings)


# --- catalogue cautions --------------------------------------------------------------------------


def test_it_warns_about_shallow_needling_where_the_catalogue_says_so() -> None:
    assert any(
        w.startswith("BL52: shallow needling only")
        for w in run(pattern="kidney_deficiency").warnings
    )


def test_it_warns_about_a_vessel_under_a_kept_point() -> None:
    assert any(w.startswith("BL40: a major vessel") for w in run().warnings)


# --- output --------------------------------------------------------------------------------------


def test_it_renders_the_contract_shape() -> None:
    data = run().to_dict()
    assert (set(data), set(data["points"][0]), set(data["estim"])) == (
        {"points", "estim", "excluded", "warnings"},
        {"code", "side", "why"},
        {"allowed", "why"},
    )


def test_it_draws_every_candidate_from_the_catalogue() -> None:
    assert {c for c in all_candidate_codes() if catalogue().get(c) is None} == set()


def test_it_uses_the_catalogue_regions_for_lesions() -> None:
    with pytest.raises(PrescriptionInputError, match="'groin'"):
        run(skin_lesion_regions=["groin"])


# --- properties over random patients -------------------------------------------------------------

patients = st.fixed_dictionaries(
    {
        "region": st.sampled_from([v.value for v in Region]),
        "side": st.sampled_from([v.value for v in Side]),
        "radiation": st.sampled_from([v.value for v in Radiation]),
        "chronicity": st.sampled_from([v.value for v in Chronicity]),
        "pattern": st.one_of(st.none(), st.sampled_from([v.value for v in Pattern])),
        "pregnant": st.booleans(),
        "anticoagulant": st.booleans(),
        "bleeding_disorder": st.booleans(),
        "implanted_device": st.booleans(),
        "needle_phobia": st.booleans(),
        "epilepsy": st.booleans(),
        "immunosuppression": st.booleans(),
        "skin_lesion_regions": st.lists(st.sampled_from(REGIONS), max_size=4, unique=True),
        "estim_requested": st.booleans(),
    }
)
PROPERTY = settings(max_examples=300, deadline=None)


@PROPERTY
@given(patient=patients)
def test_it_only_proposes_catalogue_points(patient: dict[str, Any]) -> None:
    assert all(catalogue().get(c) is not None for c in codes(prescribe_data(patient)))


@PROPERTY
@given(patient=patients)
def test_it_never_gives_a_pregnant_patient_a_pregnancy_point(patient: dict[str, Any]) -> None:
    chosen = codes(prescribe_data(patient))
    forbidden = [c for c in chosen if "pregnancy_avoid" in tags_of(c) or c in AACP_PREGNANCY_POINTS]
    assert not (patient["pregnant"] and forbidden)


@PROPERTY
@given(patient=patients)
def test_it_never_puts_an_anticoagulated_needle_over_a_vessel(patient: dict[str, Any]) -> None:
    chosen = codes(prescribe_data(patient))
    assert not (
        patient["anticoagulant"] and [c for c in chosen if "major_vessel_nerve" in tags_of(c)]
    )


@PROPERTY
@given(patient=patients)
def test_it_never_needles_in_a_lesion_region(patient: dict[str, Any]) -> None:
    regions = {catalogue().require(c).region for c in codes(prescribe_data(patient))}
    assert not regions & set(patient["skin_lesion_regions"])


@PROPERTY
@given(patient=patients)
def test_it_allows_estim_only_when_requested_and_safe(patient: dict[str, Any]) -> None:
    blocked = (
        not patient["estim_requested"]
        or patient["implanted_device"]
        or patient["epilepsy"]
        or patient["pregnant"]
        or patient["bleeding_disorder"]
    )
    assert not (blocked and prescribe_data(patient).estim.allowed)


@PROPERTY
@given(patient=patients)
def test_it_stays_within_the_needle_cap(patient: dict[str, Any]) -> None:
    caps = [10] * patient["anticoagulant"] + [6] * patient["needle_phobia"]
    assert prescribe_data(patient).needle_count <= min(caps, default=10_000)


@PROPERTY
@given(patient=patients)
def test_it_gives_nothing_to_needle_with_a_bleeding_disorder(patient: dict[str, Any]) -> None:
    assert not (patient["bleeding_disorder"] and prescribe_data(patient).points)


@PROPERTY
@given(patient=patients)
def test_it_explains_every_point_and_every_exclusion(patient: dict[str, Any]) -> None:
    result = prescribe_data(patient)
    assert all(p.why for p in result.points) and all(x.why for x in result.excluded)


@PROPERTY
@given(patient=patients)
def test_it_never_both_proposes_and_excludes_a_point(patient: dict[str, Any]) -> None:
    result = prescribe_data(patient)
    assert not set(codes(result)) & {x.code for x in result.excluded}


@PROPERTY
@given(patient=patients)
def test_it_lists_each_point_once(patient: dict[str, Any]) -> None:
    chosen = codes(prescribe_data(patient))
    assert len(chosen) == len(set(chosen))


@PROPERTY
@given(patient=patients)
def test_it_gives_the_same_answer_twice(patient: dict[str, Any]) -> None:
    assert prescribe_data(patient).to_dict() == prescribe_data(dict(patient)).to_dict()


@PROPERTY
@given(patient=patients)
def test_it_never_proposes_a_lung_or_unneedled_point_except_lumbar_jiaji(
    patient: dict[str, Any],
) -> None:
    risky = [
        c
        for c in codes(prescribe_data(patient))
        if {"pneumothorax_risk", "no_needling"} & tags_of(c)
    ]
    assert risky in ([], ["EX-B2"]) and not (risky and patient["region"] != "lumbar")


@PROPERTY
@given(patient=patients)
def test_it_places_midline_points_on_the_midline(patient: dict[str, Any]) -> None:
    for chosen in prescribe_data(patient).points:
        assert (chosen.side == Side.MIDLINE) == (not catalogue().require(chosen.code).bilateral)


# --- input validation ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["region", "side", "radiation", "chronicity"])
def test_it_requires_each_complaint_field(key: str) -> None:
    data = {k: v for k, v in PLAIN.items() if k != key}
    with pytest.raises(PrescriptionInputError, match=f"'{key}' is required"):
        prescribe_data(data)


@pytest.mark.parametrize(
    ("key", "value"),
    [("region", "cervical"), ("side", "both"), ("radiation", "anterior_leg"), ("chronicity", 3)],
)
def test_it_rejects_an_unknown_vocabulary_value(key: str, value: object) -> None:
    with pytest.raises(PrescriptionInputError, match=f"'{key}' must be one of"):
        run(**{key: value})


def test_it_rejects_an_unknown_pattern() -> None:
    with pytest.raises(PrescriptionInputError, match="'pattern'"):
        run(pattern="wind_cold")


def test_it_accepts_a_null_pattern() -> None:
    assert codes(run(pattern=None)) == codes(run())


def test_it_rejects_an_unknown_key() -> None:
    with pytest.raises(PrescriptionInputError, match="'pregant'"):
        run(pregant=True)


@pytest.mark.parametrize("value", ["yes", 1, 0, "null"])
def test_it_rejects_an_answer_that_is_not_true_false_or_null(value: object) -> None:
    with pytest.raises(PrescriptionInputError,
                       match="'anticoagulant' must be true, false or null"):
        run(anticoagulant=value)


@pytest.mark.parametrize("value", ["lower_back", [1], {"lower_back": True}])
def test_it_rejects_lesion_regions_that_are_not_a_list_of_names(value: object) -> None:
    with pytest.raises(PrescriptionInputError, match="skin_lesion_regions"):
        run(skin_lesion_regions=value)


@pytest.mark.parametrize("pregnant", [False, None])
def test_it_rejects_weeks_of_pregnancy_without_pregnancy(pregnant: object) -> None:
    with pytest.raises(PrescriptionInputError, match="pregnant is not true"):
        run(pregnant=pregnant, pregnancy_weeks=12)


def test_it_rejects_a_request_that_is_not_an_object() -> None:
    with pytest.raises(PrescriptionInputError, match="JSON object"):
        prescribe_data(["lumbar"])


def test_it_treats_a_missing_answer_as_not_asked_like_null() -> None:
    missing = prescribe_data(COMPLAINT)
    null = prescribe_data({**COMPLAINT, **dict.fromkeys(ANSWERED_NO)})
    assert missing.to_dict() == null.to_dict()
    assert [q.value for q in missing.unanswered] == [
        "pregnant", "anticoagulant", "bleeding_disorder", "implanted_device", "needle_phobia",
        "skin_lesion_regions", "epilepsy", "immunosuppression", "diabetes", "metal_allergy"]


def test_it_treats_an_explicit_no_as_answered() -> None:
    assert run().unanswered == ()
    assert not any(w.startswith("Not asked") for w in run().warnings)


# --- questions never asked -----------------------------------------------------------------------


def test_it_says_first_which_point_deciding_questions_were_never_asked() -> None:
    first = run(pregnant=None, anticoagulant=None).warnings[0]
    assert first.startswith("Not asked: pregnancy, blood thinners.")
    assert "ask before needling" in first


def test_it_names_unasked_technique_questions_apart() -> None:
    warnings = run(diabetes=None).warnings
    assert warnings[0].startswith("Not asked: diabetes. A yes would change the technique")


def test_it_does_not_guess_a_yes_for_an_unasked_question() -> None:
    # Unknown is reported, not applied: the proposal is the one for a "no", flagged.
    assert codes(run(pregnant=None)) == codes(run())


def test_it_refuses_estim_while_a_question_that_could_forbid_it_is_open() -> None:
    estim = run(implanted_device=None, estim_requested=True).estim
    assert estim.to_dict() == {
        "allowed": False,
        "why": "not allowed until asked: implanted electrical device (a yes would forbid e-stim)"}


def test_it_still_allows_estim_when_only_a_technique_question_is_open() -> None:
    assert run(diabetes=None, estim_requested=True).estim.allowed is True


def test_it_reads_an_empty_skin_list_as_asked_and_null_as_not_asked() -> None:
    assert "skin_lesion_regions" not in [q.value for q in run(skin_lesion_regions=[]).unanswered]
    assert "skin_lesion_regions" in [q.value for q in run(skin_lesion_regions=None).unanswered]
