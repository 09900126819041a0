"""JSON in and out for the commands that a machine calls (screen, prescribe, points...)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


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
    except (ValueError, RecursionError) as exc:  # a number of 5000 digits; nested too deep
        where = "standard input" if name == "-" else name
        why = ("arrays or objects nested too deeply" if isinstance(exc, RecursionError)
               else "a number with too many digits")
        raise JsonInputError(f"{where} is JSON too large to read: {why}") from exc


def write_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
