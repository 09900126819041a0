"""`acuback screen FILE`: red-flag screening, JSON in, JSON out.

FILE (or `-` for standard input) holds `{"age": 52, "flags": {"saddle_anaesthesia": false, ...}}`.
The result goes to standard output with exit status 0, whatever the decision: an emergency is
data for the caller, not a failure of the command. Bad input exits 2 with a message on stderr and
nothing on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from acuback.clinical.screening import FLAG_QUESTIONS, ScreeningInputError, screen_data


class JsonInputError(ValueError):
    """The input file is missing, unreadable or not JSON."""


def read_json_input(name: str) -> Any:
    """Read JSON from a file path, or from standard input when `name` is `-`."""
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise JsonInputError(f"cannot read {name}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise JsonInputError(f"{name} is not UTF-8 text") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = "standard input" if name == "-" else name
        raise JsonInputError(
            f"{where} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from exc


def write_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _parser() -> argparse.ArgumentParser:
    flags = "\n".join(f"  {flag}: {question}" for flag, question in FLAG_QUESTIONS.items())
    return argparse.ArgumentParser(
        prog="acuback screen",
        description="Screen a back-pain patient for red flags before acupuncture.",
        epilog=f"flag ids and the question each one asks:\n{flags}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def main(argv: list[str]) -> int:
    parser = _parser()
    parser.add_argument("file", help='JSON file with "age" and "flags", or - for stdin')
    args = parser.parse_args(argv)
    try:
        result = screen_data(read_json_input(args.file))
    except (JsonInputError, ScreeningInputError) as exc:
        print(f"acuback screen: {exc}", file=sys.stderr)
        return 2
    write_json(result.to_dict())
    return 0
