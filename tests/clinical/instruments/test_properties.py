"""Properties that must hold for every response (hypothesis)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from acuback.clinical import instruments
from tests.clinical.instruments.support import ITEM_RANGES

# DOMAIN.md Part 1: the range of each total.
TOTAL_RANGE = {
    "nrs": (0, 10),
    "peg": (0, 10),
    "odi": (0, 100),
    "rmdq": (0, 24),
    "startback": (0, 9),
    "phq9": (0, 27),
    "gad7": (0, 21),
    "phq4": (0, 12),
    "isi": (0, 28),
    "pss10": (0, 40),
    "pgic": (1, 7),
    "fatigue4a": (33.7, 75.8),
    "stiffness": (0, 120),
}
PSS_REVERSED = {4, 5, 7, 8}


@st.composite
def responses(draw: st.DrawFn, instrument: str | None = None) -> tuple[str, list[int]]:
    name = instrument or draw(st.sampled_from(sorted(ITEM_RANGES)))
    answers = [draw(st.integers(low, high)) for low, high in ITEM_RANGES[name]]
    return name, answers


@given(responses())
def test_it_keeps_every_complete_total_within_the_instrument_range(
    response: tuple[str, list[int]],
) -> None:
    name, answers = response
    low, high = TOTAL_RANGE[name]
    total = instruments.score(name, answers).total
    assert total is not None and low <= total <= high


@given(responses(), st.data())
def test_it_never_lowers_the_total_when_one_answer_rises(
    response: tuple[str, list[int]], data: st.DataObject
) -> None:
    name, answers = response
    index = data.draw(st.integers(0, len(answers) - 1))
    if answers[index] == ITEM_RANGES[name][index][1]:
        return
    raised = [*answers]
    raised[index] += 1
    before = instruments.score(name, answers).total
    after = instruments.score(name, raised).total
    assert before is not None and after is not None
    if name == "pss10" and index + 1 in PSS_REVERSED:
        assert after <= before  # a positively worded item: more often means less stress
    else:
        assert after >= before


@given(responses("startback"), st.data())
def test_it_never_lowers_the_startback_subscale_when_one_answer_rises(
    response: tuple[str, list[int]], data: st.DataObject
) -> None:
    _, answers = response
    index = data.draw(st.integers(0, 8))
    raised = [*answers]
    raised[index] = ITEM_RANGES["startback"][index][1]
    before = instruments.score("startback", answers).psychosocial
    after = instruments.score("startback", raised).psychosocial
    assert before is not None and after is not None and after >= before


@given(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=9, max_size=9))
def test_it_flags_phq9_item9_exactly_when_it_is_above_zero(answers: list[int | None]) -> None:
    flag = instruments.score("phq9", answers).item9_positive
    assert flag == (None if answers[8] is None else answers[8] > 0)


@given(st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=10, max_size=10))
def test_it_scores_the_odi_as_the_exact_fraction_or_not_at_all(
    answers: list[int | None],
) -> None:
    given_answers = [a for a in answers if a is not None]
    result = instruments.score("odi", answers)
    if len(given_answers) < 8:
        assert result.total is None
    else:
        exact = Fraction(100 * sum(given_answers), 5 * len(given_answers))
        assert result.total == float(exact)
    assert result.answered == len(given_answers)


@given(responses("phq4"))
def test_it_splits_the_phq4_total_into_its_two_subscales(
    response: tuple[str, list[int]],
) -> None:
    result = instruments.score("phq4", response[1])
    assert result.anxiety + result.depression == result.total  # type: ignore[operator]


@given(responses(), st.data())
def test_it_gives_no_total_for_any_skipped_item_outside_the_odi(
    response: tuple[str, list[int]], data: st.DataObject
) -> None:
    name, answers = response
    if name == "odi":
        return
    skipped: list[int | None] = [*answers]
    skipped[data.draw(st.integers(0, len(answers) - 1))] = None
    result = instruments.score(name, skipped)
    assert result.total is None and result.band is None and result.reason
