"""The instruments by id, and the one `score(instrument_id, answers)` entry point."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from acuback.clinical.instruments import (
    fatigue4a,
    gad7,
    isi,
    nrs,
    odi,
    peg,
    pgic,
    phq4,
    phq9,
    pss10,
    rmdq,
    startback,
    stiffness,
)
from acuback.clinical.instruments.definition import Answer, AnswerError, Definition, Result

_MODULES = (
    nrs, peg, odi, rmdq, startback, phq9, gad7, phq4, isi, pss10, pgic, fatigue4a, stiffness,
)

INSTRUMENTS: dict[str, Definition] = {m.DEFINITION.id: m.DEFINITION for m in _MODULES}
_SCORERS: dict[str, Callable[[Sequence[Answer]], Result]] = {
    m.DEFINITION.id: m.score for m in _MODULES
}


class UnknownInstrumentError(AnswerError):
    """No instrument has this id."""

    def __init__(self, instrument_id: object) -> None:
        known = ", ".join(INSTRUMENTS)
        super().__init__(f"unknown instrument {instrument_id!r} (known: {known})")


def get(instrument_id: str) -> Definition:
    try:
        return INSTRUMENTS[instrument_id]
    except (KeyError, TypeError):  # TypeError: an unhashable id such as a list
        raise UnknownInstrumentError(instrument_id) from None


def score(instrument_id: str, answers: Sequence[Answer]) -> Result:
    """Score one response. Raises `AnswerError` (or `UnknownInstrumentError`) on bad input."""
    try:
        scorer = _SCORERS[instrument_id]
    except (KeyError, TypeError):
        raise UnknownInstrumentError(instrument_id) from None
    return scorer(answers)
