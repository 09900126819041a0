"""`acuback coverage FILE`: Medicare NCD 30.3.3 coverage of the next visit, JSON in, JSON out.

FILE (or `-` for standard input) holds the episode, the dates of earlier covered visits, the
documented improvement and the date of the next visit (`as_of`); see README.md. Whatever the
verdict, the result goes to standard output with exit status 0. Bad input (malformed dates,
visits after `as_of`, an onset after the first visit, unknown keys) exits 2 with a message on
stderr and nothing on stdout.
"""

from __future__ import annotations

import argparse
import sys

from acuback.cli.jsonio import JsonInputError, read_json_input, write_json
from acuback.clinical.coverage import CoverageInputError, coverage_data

EPILOG = """\
input:  {"as_of": "YYYY-MM-DD", "episode": {"onset": "YYYY-MM-DD", "systemic_cause": false,
         "surgery_associated": false, "pregnancy_associated": false},
         "visits": ["YYYY-MM-DD", ...], "improvement": "improving" | "not_improving" |
         "regressing" | null}
output: {"eligible", "reasons", "benefit_year_start", "visits_in_benefit_year",
         "next_visit": {"covered", "kx_modifier", "why"}, "remaining_in_benefit_year",
         "next_benefit_year_start"}"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="acuback coverage",
        description="Medicare coverage (NCD 30.3.3) of an acupuncture visit on as_of.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", help="JSON file, or - for standard input")
    args = parser.parse_args(argv)
    try:
        result = coverage_data(read_json_input(args.file))
    except (JsonInputError, CoverageInputError) as exc:
        print(f"acuback coverage: {exc}", file=sys.stderr)
        return 2
    write_json(result)
    return 0
