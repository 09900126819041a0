"""`acuback points`: look up the acupoint catalogue (pure: no Django, no database).

    acuback points show BL23                 one point as a JSON object
    acuback points list --meridian GV        points as a JSON array (filters combine)
    acuback points list --tag pregnancy_avoid
    acuback points search shenshu            matches by code, pinyin (tones optional),
                                             characters, other names, region, English name

Output is UTF-8 JSON with pinyin and characters left readable. Bad input (an unknown code,
meridian or tag) exits 2 with a message on stderr and nothing on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from acuback.clinical.acupoints import TAGS, Acupoint, UnknownPoint, catalogue

PROG = "acuback points"


class BadInput(Exception):
    """Input the catalogue cannot answer; the message goes to stderr and the exit status is 2."""


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        result = args.run(args)
    except (BadInput, UnknownPoint) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    _emit(result)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Look up the acupoint catalogue.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    show = commands.add_parser("show", help="one point as a JSON object")
    show.add_argument("code", metavar="CODE", help="point code, any case: BL23, gv4, ex-b2")
    show.set_defaults(run=_show)

    listing = commands.add_parser("list", help="points as a JSON array (filters combine)")
    listing.add_argument("--meridian", metavar="M", help="LU, LI, ... CV, or EX for extra points")
    listing.add_argument("--tag", metavar="T", help=f"a safety tag: {', '.join(TAGS)}")
    listing.set_defaults(run=_list)

    search = commands.add_parser("search", help="points matching a code, name or region")
    search.add_argument("text", metavar="TEXT", help="e.g. shenshu, Shènshū, 肾俞, lower_back")
    search.set_defaults(run=_search)
    return parser


def _show(args: argparse.Namespace) -> dict[str, Any]:
    return catalogue().require(args.code).to_dict()


def _list(args: argparse.Namespace) -> list[dict[str, Any]]:
    points: tuple[Acupoint, ...] = catalogue().all()
    if args.meridian is not None:
        points = tuple(p for p in _by_meridian(args.meridian) if p in points)
    if args.tag is not None:
        if args.tag not in TAGS:
            raise BadInput(f"unknown tag {args.tag!r}; use one of {', '.join(TAGS)}")
        points = tuple(p for p in points if args.tag in p.tags)
    return [point.to_dict() for point in points]


def _by_meridian(meridian: str) -> tuple[Acupoint, ...]:
    try:
        return catalogue().by_meridian(meridian)
    except ValueError as exc:
        raise BadInput(str(exc)) from exc


def _search(args: argparse.Namespace) -> list[dict[str, Any]]:
    return [point.to_dict() for point in catalogue().search(args.text)]


def _emit(result: object) -> None:
    """Print JSON as UTF-8 whatever the terminal's locale, keeping pinyin and characters as-is."""
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()
