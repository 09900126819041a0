"""`acuback analyze compare` fuzzed (issue 8): whatever file it is given (arbitrary bytes, text
in another encoding or with a byte order mark, a trial's CSV with a column dropped, a cell
blanked or set to "1e999", "nan", a stray quote, a NUL byte, a line of a hundred thousand
characters), it prints the comparison as strict JSON and exits 0, or says what is wrong and
exits 2; never a traceback, never a number JSON cannot hold.

The valid start is a small two-group trial that compares, so a refusal is the edit's doing.
"""

from __future__ import annotations

import io
import json
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuback.cli import analyze_compare

FUZZ = settings(max_examples=200, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

HEADER = ["id", "group", "pk1", "pk5"]
TRIAL = [HEADER, ["1", "1", "20", "10"], ["2", "1", "18", "15"], ["3", "0", "22", "21"],
         ["4", "0", "19", "17"], ["5", "1", "25", "12"], ["6", "0", "21", ""]]
ARGS = ["--group", "group", "--baseline", "pk1", "--followup", "pk5", "--treatment", "1"]

CELLS = st.sampled_from([
    "", " ", "NA", ".", "1e999", "-1e999", "nan", "NaN", "inf", "1e308", "-1e308", "1.7e308",
    "1e200", "1e-320",
    "1_0", "0x10", "١٢", "\x00", '"', '""', 'a"b', "\r", "\n", "\u2028", "\ufeff", ",", "1,5",
    "x" * 200_000, "9" * 5000,
]) | st.text(max_size=12)
HUGE = st.sampled_from(["1.7e308", "-1.7e308", "1e200", "1e154", "1e-320"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252",
                             "utf-32"])


def _csv(rows: list[list[str]]) -> str:
    return "\n".join(",".join(row) for row in rows) + "\n"


@st.composite
def _edited_trial(draw: st.DrawFn) -> str:
    """The trial with one to three edits: a cell replaced, a row or a column removed, a row
    added."""
    rows = [list(row) for row in TRIAL]
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(st.sampled_from(["cell", "cell", "cell", "drop row", "drop column",
                                     "add row", "scores"]))
        if edit == "scores" and len(rows) > 2 and len(rows[0]) == len(HEADER):
            for row in rows[1:3]:  # two patients' scores near the largest float
                row[draw(st.sampled_from([2, 3]))] = draw(HUGE)
        elif edit == "cell" and rows and rows[0]:
            row = draw(st.integers(0, len(rows) - 1))
            if rows[row]:
                rows[row][draw(st.integers(0, len(rows[row]) - 1))] = draw(CELLS)
        elif edit == "drop row" and rows:
            del rows[draw(st.integers(0, len(rows) - 1))]
        elif edit == "drop column" and rows and rows[0]:
            column = draw(st.integers(0, len(rows[0]) - 1))
            rows = [[c for i, c in enumerate(row) if i != column] for row in rows]
        else:
            rows.insert(draw(st.integers(min(1, len(rows)), len(rows))),
                        draw(st.lists(CELLS, min_size=0, max_size=6)))
    return _csv(rows)


@st.composite
def files(draw: st.DrawFn) -> bytes:
    choice = draw(st.sampled_from(["edited", "edited", "text", "bytes"]))
    if choice == "bytes":
        return draw(st.binary(max_size=200))
    text = draw(_edited_trial()) if choice == "edited" else draw(st.text(max_size=200))
    try:
        return text.encode(draw(ENCODINGS))
    except UnicodeEncodeError:  # a character the encoding lacks (or half a surrogate pair)
        return text.encode("utf-8", "surrogatepass")


def _strict(text: str) -> object:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _compare(data: bytes, *args: str) -> tuple[int, str, str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "trial.csv"
        path.write_bytes(data)
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            status = analyze_compare.main([str(path), *args])
    return status, out.getvalue(), err.getvalue()


def test_the_unedited_trial_compares() -> None:
    status, out, err = _compare(_csv(TRIAL).encode(), *ARGS)
    assert (status, err) == (0, "")
    assert set(_strict(out)["groups"]) == {"0", "1"}  # type: ignore[index]


def test_it_refuses_scores_so_large_the_comparison_overflows() -> None:
    """Found by the fuzzing: two baselines of 1.7e308 made the mean Infinity and p NaN, printed
    as JSON no parser accepts, exit 0."""
    rows = [list(row) for row in TRIAL]
    rows[1][2] = rows[2][2] = "1.7e308"
    status, out, err = _compare(_csv(rows).encode(), *ARGS)
    assert (status, out) == (2, "")
    assert "the scores are too large to compare" in err


@FUZZ
@given(data=files(), drop=st.sampled_from(["0.3", "0.999999", "1e-300", "nan", "1e999"]))
def test_it_compares_or_refuses_any_file(data: bytes, drop: str) -> None:
    status, out, err = _compare(data, *ARGS, "--responder-drop", drop)
    assert status in (0, 2), err
    if status == 0:
        assert err == ""
        _strict(out)
    else:
        assert out == "" and err.startswith("acuback analyze compare: "), err
