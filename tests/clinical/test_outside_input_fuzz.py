"""Every parser of outside input, fuzzed: a clinic's licensed wording file, and the JSON the
command line reads for `score`, `screen`, `prescribe` and `coverage`. Whatever arrives, each
either accepts it or refuses it with its own error (the CLI then exits 2 with the message); no
other exception escapes, so no input ends in a traceback.

Inputs are arbitrary JSON, and valid documents with one part replaced, removed or added (the
mistakes a person editing a file makes), which reach deeper than random JSON does.
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuback.cli import prescribe as prescribe_cli
from acuback.cli import score as score_cli
from acuback.cli import screen as screen_cli
from acuback.clinical.coverage import CoverageInputError, parse_coverage_input
from acuback.clinical.instruments.registry import INSTRUMENTS
from acuback.clinical.instruments.wording import WordingError, parse_wording, wording_template
from acuback.clinical.prescribing import PrescriptionInputError, parse_prescription_input
from acuback.clinical.screening import FLAG_QUESTIONS, ScreeningInputError, parse_screening_input

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

scalars = (st.none() | st.booleans() | st.integers() | st.integers(-(10**30), 10**30)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12)
           | st.sampled_from(["", "2020-02-30", "lumbar", "yes", "-1", "1e999", "\x00"]))
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document (keys of objects, indexes of lists)."""
    places = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            places += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            places += _paths(value, (*prefix, index))
    return places


@st.composite
def edited(draw: st.DrawFn, valid: dict[str, Any]) -> Any:
    """`valid` with one part replaced by any JSON, removed, or given a sibling key."""
    doc = copy.deepcopy(valid)
    path = draw(st.sampled_from(_paths(doc)))
    if not path:
        return draw(json_values)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    edit = draw(st.sampled_from(["replace", "remove", "add"]))
    if edit == "replace":
        parent[path[-1]] = draw(json_values)
    elif edit == "remove":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[draw(st.text(max_size=10))] = draw(json_values)
    else:
        parent.append(draw(json_values))
    return doc


def _accepts_or_refuses(parse: Callable[[Any], object], error: type[Exception], data: Any) -> None:
    try:
        parse(data)
    except error as exc:
        assert str(exc), "a refusal must say what is wrong"


# --- licensed wording files ----------------------------------------------------------------


def _filled_wording(instrument: str) -> dict[str, Any]:
    wording = wording_template(INSTRUMENTS[instrument])
    wording["source"] = "Our licence, 2026"
    for number, item in enumerate(wording["items"], start=1):
        item["text"] = f"Question {number}"
        item["options"] = {code: f"answer {code}" for code in item["options"]}
    return wording


def test_it_accepts_a_filled_template() -> None:
    for instrument in ("odi", "isi"):
        parse_wording(_filled_wording(instrument))


@FUZZ
@given(data=st.sampled_from(["odi", "isi", "phq9"]).flatmap(
    lambda name: edited(_filled_wording(name))) | json_values)
def test_it_accepts_or_refuses_any_wording_file(data: Any) -> None:
    _accepts_or_refuses(parse_wording, WordingError, data)


# --- acuback screen ------------------------------------------------------------------------

SCREENING = {"age": 52, "flags": dict.fromkeys(FLAG_QUESTIONS, False)}


@FUZZ
@given(data=edited(SCREENING) | json_values)
def test_it_accepts_or_refuses_any_screening_input(data: Any) -> None:
    _accepts_or_refuses(parse_screening_input, ScreeningInputError, data)


# --- acuback prescribe ---------------------------------------------------------------------

PRESCRIPTION = {"region": "lumbar", "side": "bilateral", "radiation": "none",
                "chronicity": "chronic"}


@FUZZ
@given(data=edited(PRESCRIPTION) | json_values)
def test_it_accepts_or_refuses_any_prescription_input(data: Any) -> None:
    _accepts_or_refuses(parse_prescription_input, PrescriptionInputError, data)


# --- acuback coverage ----------------------------------------------------------------------

COVERAGE = {"as_of": "2020-04-20",
            "episode": {"onset": "2019-10-01", "systemic_cause": False,
                        "surgery_associated": False, "pregnancy_associated": False},
            "visits": ["2020-04-01", "2020-04-08"], "improvement": None}


@FUZZ
@given(data=edited(COVERAGE) | json_values)
def test_it_accepts_or_refuses_any_coverage_input(data: Any) -> None:
    _accepts_or_refuses(parse_coverage_input, CoverageInputError, data)


# --- acuback score --jsonl -----------------------------------------------------------------

SCORE_REQUEST = {"instrument": "phq9", "answers": [0, 1, 2, 3, 0, 1, 2, 3, 0]}


@FUZZ
@given(lines=st.lists(edited(SCORE_REQUEST).map(lambda d: json.dumps(d).encode())
                      | st.binary(max_size=40), min_size=1, max_size=4))
def test_it_answers_every_scoring_line_with_a_line(lines: list[bytes]) -> None:
    out = io.StringIO()
    with redirect_stderr(io.StringIO()):
        status = score_cli.score_stream(lines, out)
    assert status in (0, 2)
    assert len(out.getvalue().splitlines()) == len(lines)


# --- the commands themselves: exit 0 or 2, never a traceback ---------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.sampled_from([SCREENING, PRESCRIPTION]).flatmap(edited).map(json.dumps)
       | st.text(max_size=30))
def test_it_exits_0_or_2_on_any_input_to_screen_and_prescribe(text: str) -> None:
    for command in (screen_cli, prescribe_cli):
        out, err = io.StringIO(), io.StringIO()
        with mock.patch("sys.stdin", io.StringIO(text)), redirect_stdout(out), \
                redirect_stderr(err):
            status = command.main(["-"])
        assert status in (0, 2)
        assert (status == 0) == bool(out.getvalue()) and (status == 2) == bool(err.getvalue())
