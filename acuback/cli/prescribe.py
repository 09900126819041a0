"""`acuback prescribe FILE`: propose acupoints for a patient, JSON in, JSON out.

FILE (or `-` for standard input) holds the complaint and the relevant health history, e.g.
`{"region": "lumbar", "side": "left", "radiation": "none", "chronicity": "chronic",
"pregnant": false, "skin_lesion_regions": [], "estim_requested": true}`. The proposal goes to
standard output (exit 0); bad input exits 2 with a message on stderr and nothing on stdout.
"""

from __future__ import annotations

import argparse
import sys

from acuback.cli.jsonio import JsonInputError, read_json_input, write_json
from acuback.clinical.prescribing import (
    KNOWN_KEYS,
    Chronicity,
    Pattern,
    PrescriptionInputError,
    Radiation,
    Region,
    Side,
    prescribe_data,
)


def _epilog() -> str:
    def values(vocabulary: type[Region | Side | Radiation | Chronicity | Pattern]) -> str:
        return " | ".join(v.value for v in vocabulary)

    return "\n".join(
        [
            "input keys (region, side, radiation, chronicity are required; booleans default to "
            "false):",
            f"  region: {values(Region)}",
            f"  side: {values(Side)}",
            f"  radiation: {values(Radiation)}",
            f"  chronicity: {values(Chronicity)}",
            f"  pattern (optional): {values(Pattern)}",
            "  skin_lesion_regions: list of body regions (the acupoint catalogue's regions)",
            "  pregnancy_weeks (optional): whole number, only with pregnant: true",
            f"  all keys: {', '.join(KNOWN_KEYS)}",
        ]
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="acuback prescribe",
        description="Propose acupoints for back pain from the trial protocols, then apply every "
        "safety filter for this patient.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", help="JSON file with the request, or - for stdin")
    args = parser.parse_args(argv)
    try:
        result = prescribe_data(read_json_input(args.file))
    except (JsonInputError, PrescriptionInputError) as exc:
        print(f"acuback prescribe: {exc}", file=sys.stderr)
        return 2
    write_json(result.to_dict())
    return 0
