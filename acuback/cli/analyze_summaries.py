"""`acuback analyze rebuild-summaries [--clinic SLUG] [--missing] [--check N]`

The cohort report's per-episode summaries (`acuback.cohort.summaries`) recomputed from the raw
rows, set-based, with a progress bar on stderr: every episode's (or one clinic's, or only those
without one with --missing). Every write path keeps them current; this is for a database
restored from elsewhere or a change to the report's rules.

With --check N, writes nothing: compares the stored summaries of N episodes (a random sample;
0: all) with what their raw rows give now, prints the count and each mismatch as JSON, and
exits 1 if any differ. Exit status 2, with the reason on stderr, on bad input.
"""

from __future__ import annotations

import argparse
import random
import sys

PROG = "acuback analyze rebuild-summaries"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clinic", default="", help="one clinic's episodes (its slug)")
    parser.add_argument("--missing", action="store_true",
                        help="only episodes without a summary")
    parser.add_argument("--check", type=int, default=None, metavar="N",
                        help="verify N sampled episodes (0: all) instead of rebuilding")
    return parser


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.check is not None and args.check < 0:
        return _fail("--check needs a number of episodes, 0 for all")

    from acuback.cli.django_setup import setup

    setup()
    from acuback.accounts.models import Clinic
    from acuback.cli.jsonio import write_json
    from acuback.cli.progress import progress_bars
    from acuback.cohort.summaries import (
        CHUNK,
        check_summaries,
        rebuild_summaries,
        summary_ids,
    )

    clinic_id = None
    if args.clinic:
        clinic_id = Clinic.objects.filter(slug=args.clinic).values_list("id", flat=True).first()
        if clinic_id is None:
            return _fail(f"no clinic {args.clinic!r}")
    ids = summary_ids(clinic_id=clinic_id, missing_only=args.missing)
    if args.check is not None:
        sample = ids if args.check == 0 or args.check >= len(ids) else sorted(
            random.sample(ids, args.check))  # noqa: S311 - a sample, not a secret
        mismatches = []
        for start in range(0, len(sample), CHUNK):
            mismatches += check_summaries(sample[start:start + CHUNK])
        write_json({"checked": len(sample), "mismatches": [
            {"episode": m.episode_id, "stored": repr(m.stored), "computed": repr(m.computed)}
            for m in mismatches]})
        return 1 if mismatches else 0
    with progress_bars() as new:
        bar = new("Cohort summaries")
        done = 0

        def advance(n: int) -> None:
            nonlocal done
            done += n
            bar(done, len(ids))

        bar(0, len(ids))
        rebuild_summaries(ids, advance)
    write_json({"rebuilt": len(ids)})
    return 0
