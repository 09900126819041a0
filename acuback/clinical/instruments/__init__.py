"""Validated questionnaires: definitions as data, pure scoring, FHIR rendering.

    >>> from acuback.clinical import instruments
    >>> instruments.score("phq9", [3, 0, 1, 2, 0, 0, 1, 0, 3]).as_dict()
    {'instrument': 'phq9', 'total': 10, 'band': 'moderate', 'item9_positive': True}

One module per instrument (`nrs`, `peg`, `odi`, `rmdq`, `startback`, `phq9`, `gad7`, `phq4`,
`isi`, `pss10`, `pgic`, `fatigue4a`, `stiffness`), each with a `DEFINITION` and a
`score(answers)`. Answers are the instrument's own codes in published item order; `None`
marks a skipped item. Bad input raises `AnswerError`; a response the missing-item rule cannot
score gives a `Result` with a null total and a `reason`. See README.md in this folder for each
instrument's source and rules.
"""

from __future__ import annotations

from acuback.clinical.instruments.change import (
    CHANGE_RULES_VERSION,
    Change,
    Verdict,
    assess_change,
)
from acuback.clinical.instruments.definition import (
    Answer,
    AnswerError,
    Band,
    Copyright,
    Definition,
    Item,
    MinimalImportantChange,
    Option,
    Result,
)
from acuback.clinical.instruments.registry import (
    INSTRUMENTS,
    UnknownInstrumentError,
    get,
    score,
)
from acuback.clinical.instruments.wording import Wording, WordingError, parse_wording

__all__ = [
    "CHANGE_RULES_VERSION",
    "INSTRUMENTS",
    "Answer",
    "AnswerError",
    "Band",
    "Change",
    "Copyright",
    "Definition",
    "Item",
    "MinimalImportantChange",
    "Option",
    "Result",
    "UnknownInstrumentError",
    "Verdict",
    "Wording",
    "WordingError",
    "assess_change",
    "get",
    "parse_wording",
    "score",
]
