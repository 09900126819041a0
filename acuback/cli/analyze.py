"""`acuback analyze SUBCOMMAND ...`: analyses of outcome data.

Each subcommand lives in its own module with `main(argv) -> int`, registered in SUBCOMMANDS and
imported only when called (the statistics libraries are slow to import). To add one (say
`cohort`), add an entry here and a module; `acuback analyze --help` lists them.
"""

from __future__ import annotations

import importlib
import sys

# name -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "compare": ("acuback.cli.analyze_compare",
                "compare two groups in a CSV: ANCOVA and responder rates (JSON)"),
    "cohort": ("acuback.cli.analyze_cohort",
               "the clinic's cohort report, or two groups of it compared (JSON)"),
    "rebuild-summaries": ("acuback.cli.analyze_summaries",
                          "recompute (or --check) the cohort report's per-episode summaries"),
}


def usage() -> str:
    width = max(len(name) for name in SUBCOMMANDS)
    lines = ["usage: acuback analyze SUBCOMMAND [ARGS...]", "", "subcommands:"]
    lines += [f"  {name.ljust(width)}  {text}" for name, (_, text) in SUBCOMMANDS.items()]
    lines += ["", "Run `acuback analyze SUBCOMMAND --help` for its options."]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage())
        return 0 if argv else 2
    entry = SUBCOMMANDS.get(argv[0])
    if entry is None:
        print(f"acuback analyze: unknown subcommand {argv[0]!r}\n\n{usage()}", file=sys.stderr)
        return 2
    return int(importlib.import_module(entry[0]).main(argv[1:]) or 0)
