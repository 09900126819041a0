"""Input rules shared by every instrument: one AnswerError, naming the item and its range."""

from __future__ import annotations

import pytest

from acuback.clinical import instruments
from acuback.clinical.instruments import AnswerError, UnknownInstrumentError
from tests.clinical.instruments.support import ITEM_RANGES, highest, lowest

IDS = sorted(ITEM_RANGES)


@pytest.mark.parametrize("instrument", IDS)
def test_it_rejects_one_answer_too_few(instrument: str) -> None:
    answers = lowest(instrument)[:-1]
    with pytest.raises(AnswerError, match=rf"^{instrument} needs {len(answers) + 1} answers?, got"):
        instruments.score(instrument, answers)


@pytest.mark.parametrize("instrument", IDS)
def test_it_rejects_one_answer_too_many(instrument: str) -> None:
    with pytest.raises(AnswerError, match="needs"):
        instruments.score(instrument, [*lowest(instrument), lowest(instrument)[0]])


def test_it_words_the_count_error_as_specified() -> None:
    with pytest.raises(AnswerError) as caught:
        instruments.score("odi", [0] * 9)
    assert str(caught.value) == "odi needs 10 answers, got 9"


@pytest.mark.parametrize("instrument", IDS)
def test_it_rejects_a_code_above_the_range_of_the_last_item(instrument: str) -> None:
    answers = highest(instrument)
    answers[-1] += 1
    number = len(answers)
    low, high = ITEM_RANGES[instrument][-1]
    with pytest.raises(
        AnswerError, match=rf"^item {number} \(\w+\): {high + 1} .*\({low}-{high}\)"
    ):
        instruments.score(instrument, answers)


@pytest.mark.parametrize("instrument", IDS)
def test_it_rejects_a_code_below_the_range_of_the_first_item(instrument: str) -> None:
    answers = lowest(instrument)
    answers[0] -= 1
    with pytest.raises(AnswerError, match=r"^item 1 \("):
        instruments.score(instrument, answers)


def test_it_words_the_range_error_as_specified() -> None:
    with pytest.raises(AnswerError) as caught:
        instruments.score("odi", [0, 0, 7, 0, 0, 0, 0, 0, 0, 0])
    assert str(caught.value) == "item 3 (lifting): 7 is not an allowed answer (0-5)"


@pytest.mark.parametrize("instrument", IDS)
@pytest.mark.parametrize("boolean", [True, False])
def test_it_rejects_booleans_even_where_they_equal_an_allowed_code(
    instrument: str, boolean: bool
) -> None:
    answers: list[object] = list(lowest(instrument))
    answers[0] = boolean
    with pytest.raises(AnswerError, match=r"^item 1 "):
        instruments.score(instrument, answers)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [1.0, 1.5, "1", [1], {"a": 1}])
def test_it_rejects_answers_that_are_not_integers(value: object) -> None:
    with pytest.raises(AnswerError, match=r"^item 2 \(enjoyment\): .* \(0-10\)$"):
        instruments.score("peg", [1, value, 1])  # type: ignore[list-item]


@pytest.mark.parametrize("answers", ["123", b"123", 5, None, {0: 1}])
def test_it_rejects_answers_that_are_not_a_list(answers: object) -> None:
    with pytest.raises(AnswerError, match="must be a list"):
        instruments.score("peg", answers)  # type: ignore[arg-type]


def test_it_accepts_a_tuple_of_answers() -> None:
    assert instruments.score("peg", (1, 2, 3)).total == 2


def test_it_gives_startback_item9_its_own_range_in_the_message() -> None:
    with pytest.raises(AnswerError, match=r"^item 9 \(bothersome\): 5 .*\(0-4\)$"):
        instruments.score("startback", [0] * 8 + [5])


def test_it_gives_startback_items_1_to_8_the_range_0_1() -> None:
    with pytest.raises(AnswerError, match=r"^item 2 \(shoulder_neck\): 2 .*\(0-1\)$"):
        instruments.score("startback", [0, 2, 0, 0, 0, 0, 0, 0, 0])


@pytest.mark.parametrize("instrument", ["nope", "ODI", "", 3, None, ["odi"]])
def test_it_rejects_an_unknown_instrument(instrument: object) -> None:
    with pytest.raises(UnknownInstrumentError, match="unknown instrument"):
        instruments.score(instrument, [0])  # type: ignore[arg-type]


def test_it_makes_an_unknown_instrument_an_answer_error_too() -> None:
    with pytest.raises(AnswerError):
        instruments.get("nope")


def test_it_lists_the_known_instruments_when_one_is_unknown() -> None:
    with pytest.raises(AnswerError, match="known: .*odi.*pgic"):
        instruments.get("nope")


@pytest.mark.parametrize("instrument", IDS)
def test_it_treats_a_skipped_item_as_unscorable_not_as_an_error(instrument: str) -> None:
    answers: list[int | None] = list(lowest(instrument))
    answers[0] = None
    result = instruments.score(instrument, answers)
    if instrument == "odi":  # one skipped section is allowed
        assert result.total is not None
    else:
        assert result.total is None
        assert result.reason
