"""`acuback analyze compare FILE.csv --group COL --baseline COL --followup COL --treatment VALUE`

Reads a CSV with a header row, compares the two groups of the group column on a score where
lower is better, and prints JSON (issue 11 item 7): per group n, baseline_mean, followup_mean,
mean_change (follow-up minus baseline), responder_rate and responder_ci (Wilson 95 %); the
adjusted difference (the ANCOVA coefficient of being in the treatment group, follow-up ~ group +
baseline, with its 95 % interval and p); and how many rows were excluded for lacking a baseline
or a follow-up. An empty cell, NA, N/A or "." is missing. Malformed files, unknown columns, a
group column without exactly two values, or a value that is not a number exit 2.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

from acuback.cli.jsonio import write_json
from acuback.clinical.stats import DEFAULT_RESPONDER_DROP, CompareError, Record, compare_groups

MISSING = frozenset({"", "na", "n/a", "."})


class CsvInputError(ValueError):
    """The CSV cannot be read as asked."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="acuback analyze compare",
        description="Compare two groups on a score where lower is better (ANCOVA, responders).",
    )
    parser.add_argument("file", help="CSV file with a header row")
    parser.add_argument("--group", required=True, help="column holding the two groups")
    parser.add_argument("--baseline", required=True, help="column of baseline scores")
    parser.add_argument("--followup", required=True, help="column of follow-up scores")
    parser.add_argument("--treatment", required=True,
                        help="the group value whose effect the adjusted difference estimates")
    parser.add_argument("--responder-drop", type=float, default=DEFAULT_RESPONDER_DROP,
                        help="a responder's follow-up is at most (1 - drop) x baseline "
                        "(default 0.30)")
    return parser


def _number(text: str, line: int, column: str) -> float | None:
    if text.strip().lower() in MISSING:
        return None
    try:
        value = float(text)
    except ValueError:
        raise CsvInputError(f"line {line}: {column} is {text!r}, not a number") from None
    if not math.isfinite(value):
        raise CsvInputError(f"line {line}: {column} is {text!r}, not a finite number")
    return value


def read_records(path: str, group: str, baseline: str, followup: str) -> list[Record]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CsvInputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError:
        raise CsvInputError(f"{path} is not UTF-8 text") from None
    try:
        rows = list(csv.reader(text.splitlines()))
    except csv.Error as exc:
        raise CsvInputError(f"{path} is not a readable CSV file: {exc}") from exc
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise CsvInputError(f"{path} has no header row")
    header = rows[0]
    unknown = [c for c in (group, baseline, followup) if c not in header]
    if unknown:
        raise CsvInputError(f"unknown column {', '.join(map(repr, unknown))} "
                            f"(columns: {', '.join(header)})")
    where = {name: header.index(name) for name in (group, baseline, followup)}
    records = []
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue  # a blank line
        if len(row) != len(header):
            raise CsvInputError(f"line {line} has {len(row)} fields, the header has "
                                f"{len(header)}")
        value = row[where[group]].strip()
        if not value:
            raise CsvInputError(f"line {line}: {group} is empty")
        records.append(Record(value, _number(row[where[baseline]], line, baseline),
                              _number(row[where[followup]], line, followup)))
    return records


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        records = read_records(args.file, args.group, args.baseline, args.followup)
        result = compare_groups(records, args.treatment, args.responder_drop)
    except (CsvInputError, CompareError) as exc:
        print(f"acuback analyze compare: {exc}", file=sys.stderr)
        return 2
    write_json(result.to_dict())
    return 0
