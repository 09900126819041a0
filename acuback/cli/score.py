"""`acuback score`: score questionnaire responses from the command line or a JSONL stream.

Pure: imports only the clinical core, never Django, so it starts fast and needs no database.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from typing import IO

from acuback.clinical.instruments import INSTRUMENTS, AnswerError, Definition, score

EXIT_BAD_INPUT = 2
SKIP = "x"  # a skipped item on the command line (JSONL uses null)
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_REQUEST_KEYS = frozenset(("instrument", "answers"))
_FLUSH_EVERY = 8192  # output lines per buffered write
# Bound methods skip json.loads/json.dumps argument handling on every line.
_decode = json.JSONDecoder().decode
_encode = json.JSONEncoder().encode

DESCRIPTION = """\
Score one questionnaire response, or a stream of them, without a database.

  acuback score INSTRUMENT ANSWER...      one response; one JSON object on stdout
  acuback score --jsonl < requests.jsonl  one JSON object per input line, in the same order

Answers are the instrument's own codes in published item order. Mark a skipped item with "x"
on the command line, or null in JSONL. A JSONL request is one object per line:
  {"instrument": "odi", "answers": [5, 5, 3, 3, 0, 0, 0, 0, 0, null]}

Output keys: instrument, total (null when too many items were skipped, with a reason), band
(null for instruments without bands), and per instrument: answered (odi), psychosocial
(startback), anxiety and depression (phq4), item9_positive (phq9), raw_score and
standard_error (fatigue4a)."""

EXIT_TEXT = """\
exit status: 0 all scored (a null total is a valid result); 2 bad input: unknown instrument,
wrong number of answers, an answer not allowed. On the command line the message goes to stderr
and nothing to stdout. In --jsonl mode a bad line (including invalid JSON, a blank line, a
missing or unexpected key, answers that are not a list) is answered with {"error": "line N:
..."}, every other line is still scored, and the exit status is 2 if any line failed."""


def instrument_table(definitions: Iterable[Definition]) -> str:
    lines = ["instruments (answers allowed per item):"]
    for d in definitions:
        ranges = [item.allowed for item in d.items]
        if len(set(ranges)) == 1:
            count = len(d.items)
            allowed = f"{count} items, each {ranges[0]}" if count > 1 else f"1 item, {ranges[0]}"
        else:  # STarT Back: items 1-8 agree/disagree, item 9 a 5-point scale
            allowed = _compress(ranges)
        skips = f"; up to {d.max_missing} may be skipped" if d.max_missing else ""
        lines.append(f"  {d.id:<10} {d.name}: {allowed}{skips}")
    return "\n".join(lines)


def _compress(ranges: Sequence[str]) -> str:
    """'items 1-8 each 0-1; item 9 0-4' for runs of equal ranges."""
    parts: list[str] = []
    start = 0
    for end in range(1, len(ranges) + 1):
        if end == len(ranges) or ranges[end] != ranges[start]:
            span = f"item {start + 1}" if end - start == 1 else f"items {start + 1}-{end} each"
            parts.append(f"{span} {ranges[start]}")
            start = end
    return f"{len(ranges)} items: " + "; ".join(parts)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="acuback score",
        description=DESCRIPTION,
        epilog=instrument_table(INSTRUMENTS.values()) + "\n\n" + EXIT_TEXT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("instrument", nargs="?", help="instrument id (see the list below)")
    parser.add_argument("answers", nargs="*", metavar="ANSWER", help='an answer code, or "x"')
    parser.add_argument(
        "--jsonl", action="store_true", help="read JSON requests from stdin, one per line"
    )
    return parser


def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.jsonl:
        if args.instrument is not None:
            parser.error("--jsonl reads requests from stdin; give no INSTRUMENT or ANSWER")
        return score_stream(sys.stdin.buffer, sys.stdout)
    if args.instrument is None:
        parser.error("give an INSTRUMENT and its ANSWERs, or --jsonl")
    try:
        result = score(args.instrument, [_parse_token(t) for t in args.answers])
    except AnswerError as exc:
        print(f"acuback score: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(result.as_dict()))
    return 0


def _parse_token(token: str) -> int | str | None:
    """'x' is a skipped item; an integer is a code; anything else is left for the core to
    reject with the item's name and allowed range."""
    if token.lower() == SKIP:
        return None
    return int(token) if _INTEGER.match(token) else token


def score_stream(lines: Iterable[bytes], out: IO[str]) -> int:
    """Score each JSONL request line; write one JSON line per input line. 2 if any failed."""
    failed = number = 0
    buffer: list[str] = []
    for number, line in enumerate(lines, start=1):
        try:
            instrument, answers = _request(line)
            buffer.append(_encode(score(instrument, answers).as_dict()))
        except AnswerError as exc:
            failed += 1
            buffer.append(_encode({"error": f"line {number}: {exc}"}))
        if len(buffer) >= _FLUSH_EVERY:
            out.write("\n".join(buffer) + "\n")
            buffer.clear()
    if buffer:
        out.write("\n".join(buffer) + "\n")
    out.flush()
    if failed:
        print(f"acuback score: {failed} of {number} lines failed", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


def _request(line: bytes) -> tuple[str, list[object]]:
    if not line.strip():
        # A blank line is an error, not skipped: output line N must answer input line N.
        raise AnswerError("blank line; expected a JSON request")
    try:
        request = _decode(line.decode())
    except ValueError as exc:  # JSONDecodeError, or bytes that are not UTF-8
        raise AnswerError(f"not valid JSON ({exc})") from None
    if not isinstance(request, dict):
        raise AnswerError('a request must be a JSON object with "instrument" and "answers"')
    if request.keys() != _REQUEST_KEYS:
        missing = sorted(_REQUEST_KEYS - request.keys())
        extra = sorted(request.keys() - _REQUEST_KEYS)
        problem = "missing" if missing else "unexpected"
        keys = ", ".join(json.dumps(k) for k in missing or extra)
        raise AnswerError(f'{problem} key {keys}; a request has exactly "instrument" and "answers"')
    answers = request["answers"]
    if not isinstance(answers, list):
        raise AnswerError(f'"answers" must be a JSON list, got {type(answers).__name__}')
    return request["instrument"], answers
