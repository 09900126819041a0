"""Red-flag screening: each pinned rule at its boundaries, the never-miss rule, input checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acuback.clinical import screening
from acuback.clinical.screening import (
    CATEGORY_OF,
    FLAG_QUESTIONS,
    Category,
    Decision,
    Flag,
    ScreeningInputError,
    ScreeningResult,
    screen_data,
)

CES = [
    "saddle_anaesthesia",
    "bladder_dysfunction",
    "bowel_incontinence",
    "progressive_neuro_deficit",
]


def run(*flags: str, age: int = 40) -> ScreeningResult:
    return screen_data({"age": age, "flags": {f: True for f in flags}})


def fired_flags(result: ScreeningResult) -> list[str]:
    return [f.flag.value for f in result.fired]


def why_of(result: ScreeningResult, flag: str) -> str:
    return next(f.why for f in result.fired if f.flag == flag)


# --- clear ---------------------------------------------------------------------------------


def test_it_is_clear_with_no_flags() -> None:
    assert run().decision == Decision.CLEAR


def test_it_is_clear_when_every_flag_is_answered_no() -> None:
    result = screen_data({"age": 70, "flags": {f.value: False for f in Flag}})
    assert (result.decision, result.fired) == (Decision.CLEAR, ())


def test_it_allows_treatment_and_counts_as_nonspecific_when_clear() -> None:
    result = run()
    assert (result.blocks_treatment, result.nonspecific) == (False, True)


# --- emergency: cauda equina ---------------------------------------------------------------


@pytest.mark.parametrize("flag", CES)
def test_it_makes_each_cauda_equina_sign_alone_an_emergency(flag: str) -> None:
    assert run(flag).decision == Decision.EMERGENCY


@pytest.mark.parametrize("flag", CES)
def test_it_files_each_cauda_equina_sign_under_cauda_equina(flag: str) -> None:
    assert run(flag).fired[0].category == Category.CAUDA_EQUINA


def test_it_tells_the_practitioner_not_to_treat_in_an_emergency() -> None:
    action = run("saddle_anaesthesia").action
    assert "Do not treat" in action and "today" in action


def test_it_lets_an_emergency_outrank_urgent_flags() -> None:
    assert run("major_trauma", "bowel_incontinence").decision == Decision.EMERGENCY


# --- urgent: fracture ----------------------------------------------------------------------


def test_it_makes_major_trauma_alone_urgent() -> None:
    assert run("major_trauma").decision == Decision.URGENT


@pytest.mark.parametrize("companion", ["osteoporosis", "long_term_steroids"])
def test_it_makes_minor_trauma_with_a_bone_risk_urgent(companion: str) -> None:
    assert run("minor_trauma", companion).decision == Decision.URGENT


def test_it_names_both_bone_risks_when_both_go_with_minor_trauma() -> None:
    why = why_of(run("minor_trauma", "osteoporosis", "long_term_steroids"), "minor_trauma")
    assert "osteoporosis" in why and "steroid" in why


def test_it_keeps_minor_trauma_alone_routine() -> None:
    assert run("minor_trauma").decision == Decision.ROUTINE


def test_it_keeps_osteoporosis_alone_routine() -> None:
    assert run("osteoporosis").decision == Decision.ROUTINE


def test_it_keeps_osteoporosis_with_steroids_but_no_trauma_routine() -> None:
    assert run("osteoporosis", "long_term_steroids").decision == Decision.ROUTINE


# --- urgent: malignancy --------------------------------------------------------------------


def test_it_keeps_a_history_of_cancer_at_age_50_routine() -> None:
    assert run("history_of_cancer", age=50).decision == Decision.ROUTINE


def test_it_makes_a_history_of_cancer_at_age_51_urgent() -> None:
    assert run("history_of_cancer", age=51).decision == Decision.URGENT


def test_it_quotes_the_age_in_the_malignancy_reason() -> None:
    why = why_of(run("history_of_cancer", age=52), "history_of_cancer")
    assert why.startswith("history of cancer with age over 50 (52): possible malignancy")


@pytest.mark.parametrize("companion", ["unexplained_weight_loss", "night_pain"])
def test_it_makes_cancer_with_a_companion_urgent_at_any_age(companion: str) -> None:
    assert run("history_of_cancer", companion, age=30).decision == Decision.URGENT


@pytest.mark.parametrize("companion", ["unexplained_weight_loss", "night_pain"])
def test_it_files_the_cancer_companion_under_the_urgent_rule(companion: str) -> None:
    why = why_of(run("history_of_cancer", companion, age=30), companion)
    assert why.startswith("history of cancer with")


def test_it_does_not_count_age_over_50_alone_as_a_flag() -> None:
    assert run(age=90).decision == Decision.CLEAR


# --- urgent: infection ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "companion", ["iv_drug_use", "immunosuppression", "recent_bacterial_infection"]
)
def test_it_makes_fever_with_a_risk_factor_urgent(companion: str) -> None:
    assert run("fever", companion).decision == Decision.URGENT


def test_it_keeps_fever_alone_routine() -> None:
    assert run("fever").decision == Decision.ROUTINE


@pytest.mark.parametrize("flag", ["iv_drug_use", "immunosuppression", "recent_bacterial_infection"])
def test_it_keeps_an_infection_risk_factor_without_fever_routine(flag: str) -> None:
    assert run(flag).decision == Decision.ROUTINE


def test_it_keeps_fever_with_steroids_routine_as_pinned() -> None:
    # The pinned infection rule names immunosuppression, asked separately; see module docstring.
    assert run("fever", "long_term_steroids").decision == Decision.ROUTINE


# --- routine: weak flags and the never-miss rule -------------------------------------------


@pytest.mark.parametrize(
    "flag",
    [
        "unexplained_weight_loss",
        "night_pain",
        "long_term_steroids",
        "morning_stiffness",
        "onset_before_45",
    ],
)
def test_it_makes_each_pinned_weak_flag_alone_routine(flag: str) -> None:
    assert run(flag).decision == Decision.ROUTINE


@pytest.mark.parametrize("flag", ["thoracic_pain", "immunosuppression", "history_of_cancer"])
def test_it_never_lets_a_lone_true_flag_pass_as_clear(flag: str) -> None:
    assert run(flag, age=30).decision == Decision.ROUTINE


def test_it_marks_never_miss_reasons_as_such() -> None:
    assert "never-miss rule" in why_of(run("thoracic_pain"), "thoracic_pain")


def test_it_keeps_two_weak_flags_without_cancer_routine() -> None:
    assert run("unexplained_weight_loss", "night_pain").decision == Decision.ROUTINE


def test_it_lets_treatment_go_ahead_on_a_routine_decision() -> None:
    assert run("night_pain").blocks_treatment is False


def test_it_names_the_suspected_cause_in_a_routine_action() -> None:
    assert "inflammatory" in run("morning_stiffness").action


# --- combinations and the fired list -------------------------------------------------------


def test_it_lists_every_true_flag_exactly_once() -> None:
    flags = ["minor_trauma", "osteoporosis", "history_of_cancer", "fever", "thoracic_pain"]
    assert sorted(fired_flags(run(*flags, age=60))) == sorted(flags)


def test_it_lists_the_most_serious_flags_first() -> None:
    result = run("thoracic_pain", "major_trauma", "saddle_anaesthesia")
    assert fired_flags(result) == ["saddle_anaesthesia", "major_trauma", "thoracic_pain"]


def test_it_reports_a_weak_flag_as_routine_even_beside_an_urgent_one() -> None:
    why = why_of(run("major_trauma", "fever"), "fever")
    assert "without a risk factor" in why


def test_it_names_every_urgent_cause_in_the_action() -> None:
    action = run("major_trauma", "history_of_cancer", age=60).action
    assert "fracture" in action and "malignancy" in action


def test_it_blocks_treatment_when_urgent() -> None:
    assert run("major_trauma").blocks_treatment is True


def test_it_blocks_treatment_in_an_emergency() -> None:
    assert run("bladder_dysfunction").blocks_treatment is True


@pytest.mark.parametrize(
    "flag", ["major_trauma", "night_pain", "fever", "morning_stiffness", "saddle_anaesthesia"]
)
def test_it_marks_a_specific_cause_as_not_nonspecific(flag: str) -> None:
    assert run(flag).nonspecific is False


def test_it_keeps_thoracic_pain_alone_nonspecific() -> None:
    assert run("thoracic_pain").nonspecific is True


def test_it_renders_the_contract_shape() -> None:
    data = run("history_of_cancer", age=52).to_dict()
    assert data == {
        "decision": "urgent",
        "fired": [
            {
                "flag": "history_of_cancer",
                "category": "malignancy",
                "why": "history of cancer with age over 50 (52): possible malignancy (AHCPR 1994)",
            }
        ],
        "action": data["action"],
    }


# --- tables ---------------------------------------------------------------------------------


def test_it_asks_a_question_for_every_flag() -> None:
    assert set(FLAG_QUESTIONS) == {f.value for f in Flag}


def test_it_phrases_every_question_as_a_question() -> None:
    assert all(q.endswith("?") for q in FLAG_QUESTIONS.values())


def test_it_files_every_flag_under_a_category() -> None:
    assert set(CATEGORY_OF) == set(Flag)


def test_it_has_a_routine_reason_for_every_flag_that_can_be_routine() -> None:
    always_serious = {Flag(f) for f in CES} | {Flag.MAJOR_TRAUMA}
    assert set(screening._WEAK_WHY) == set(Flag) - always_serious


# --- properties -----------------------------------------------------------------------------

flag_sets = st.dictionaries(st.sampled_from([f.value for f in Flag]), st.booleans())
ages = st.integers(min_value=0, max_value=120)


@given(flags=flag_sets, age=ages)
def test_it_is_never_clear_when_any_flag_is_true(flags: dict[str, bool], age: int) -> None:
    result = screen_data({"age": age, "flags": flags})
    assert (result.decision == Decision.CLEAR) == (not any(flags.values()))


@given(flags=flag_sets, age=ages)
def test_it_makes_any_cauda_equina_sign_an_emergency(flags: dict[str, bool], age: int) -> None:
    result = screen_data({"age": age, "flags": flags})
    has_ces = any(flags.get(f) for f in CES)
    assert (result.decision == Decision.EMERGENCY) == has_ces


@given(flags=flag_sets, age=ages)
def test_it_fires_exactly_the_true_flags(flags: dict[str, bool], age: int) -> None:
    result = screen_data({"age": age, "flags": flags})
    assert sorted(fired_flags(result)) == sorted(f for f, on in flags.items() if on)


@given(flags=flag_sets, age=ages)
def test_it_decides_at_the_level_of_its_most_serious_flag(flags: dict[str, bool], age: int) -> None:
    result = screen_data({"age": age, "flags": flags})
    top = max((f.level.rank for f in result.fired), default=0)
    assert result.decision.rank == top


# --- input validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"flags": {}},
        {"age": None, "flags": {}},
        {"age": "52", "flags": {}},
        {"age": 52.0, "flags": {}},
        {"age": True, "flags": {}},
        {"age": -1, "flags": {}},
        {"age": 121, "flags": {}},
    ],
    ids=["missing", "null", "string", "float", "bool", "negative", "over-120"],
)
def test_it_rejects_a_bad_age(data: dict[str, object]) -> None:
    with pytest.raises(ScreeningInputError, match="'age'"):
        screen_data(data)


@pytest.mark.parametrize("age", [0, 120])
def test_it_accepts_the_age_bounds(age: int) -> None:
    assert screen_data({"age": age, "flags": {}}).decision == Decision.CLEAR


def test_it_rejects_an_unknown_flag_by_name() -> None:
    with pytest.raises(ScreeningInputError, match="'back_ache'"):
        screen_data({"age": 40, "flags": {"back_ache": True}})


def test_it_lists_the_valid_flag_ids_when_rejecting_one() -> None:
    with pytest.raises(ScreeningInputError, match="thoracic_pain"):
        screen_data({"age": 40, "flags": {"back_ache": False}})


@pytest.mark.parametrize("value", [1, "yes", None])
def test_it_rejects_a_flag_that_is_not_boolean(value: object) -> None:
    with pytest.raises(ScreeningInputError, match="true or false"):
        screen_data({"age": 40, "flags": {"fever": value}})


@pytest.mark.parametrize("flags", [None, [], "fever"])
def test_it_rejects_flags_that_are_not_an_object(flags: object) -> None:
    with pytest.raises(ScreeningInputError, match="'flags' must be"):
        screen_data({"age": 40, "flags": flags})


def test_it_requires_the_flags_object() -> None:
    with pytest.raises(ScreeningInputError, match="'flags' is required"):
        screen_data({"age": 40})


def test_it_rejects_an_unknown_top_level_key() -> None:
    with pytest.raises(ScreeningInputError, match="'name'"):
        screen_data({"age": 40, "flags": {}, "name": "x"})


@pytest.mark.parametrize("data", [None, [], "age", 52])
def test_it_rejects_input_that_is_not_an_object(data: object) -> None:
    with pytest.raises(ScreeningInputError):
        screen_data(data)
