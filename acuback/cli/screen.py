"""`acuback screen FILE`: red-flag screening, JSON in, JSON out.

FILE (or `-` for standard input) holds `{"age": 52, "flags": {"saddle_anaesthesia": false, ...}}`.
The result goes to standard output with exit status 0, whatever the decision: an emergency is
data for the caller, not a failure of the command. Bad input exits 2 with a message on stderr and
nothing on stdout.
"""

from __future__ import annotations

import argparse
import sys

from acuback.cli.jsonio import JsonInputError, read_json_input, write_json
from acuback.clinical.screening import FLAG_QUESTIONS, ScreeningInputError, screen_data


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
