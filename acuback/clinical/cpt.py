"""CPT acupuncture units (97810-97814) from a visit's face-to-face minutes, e-stim and insertions.

    from acuback.clinical.cpt import cpt_units
    result = cpt_units(minutes_without_estim=20, minutes_with_estim=0, insertions=1)
    result.lines   # (CptLine("97810", 1, "..."),)

Pure: the code table is read from codes/cpt_acupuncture.json (its header names the sources)
the first time it is needed. The rules, each with its source:

- Time is personal one-on-one (face-to-face) contact, never needle retention (CPT descriptors;
  payer guidelines in DOMAIN.md 2.1).
- A 15-minute unit is reached at its midpoint: 7 minutes or less bills nothing, 8-22 minutes
  one unit, 23-37 two, 38-52 three, ... (the CPT time rule as the American Acupuncture Council
  applies it to acupuncture). Some payers read "15 minutes" as "1 to 15 minutes"; acuback
  applies the midpoint rule, and the stored rule version says so.
- Only one initial code (97810 or 97813) per day; further units are the add-on codes
  (97811, 97814) (payer guidelines, DOMAIN.md 2.1).
- An increment in which any needle is electrically stimulated is billed with the e-stim code
  (same source). With time of both kinds, whole 15-minute blocks go to their own kind and the
  leftover minutes form at most two more increments (the CMS rule for several timed services);
  a single leftover increment that holds any e-stim minute is an e-stim increment.
- The initial code is 97813 when any increment is an e-stim one: the visit keeps minute totals,
  not their order, and payers' decision charts ask "e-stim used?" first (our choice).
- Each add-on unit needs a new insertion of needles in its increment ("with re-insertion");
  retaining the same needles longer adds no unit (Acupuncture Today, Nov 2012).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

MAX_MINUTES = 8 * 60  # one visit's face-to-face time: anything longer is a typing slip


class CptInputError(ValueError):
    """Minutes or insertions that cannot describe a visit."""


@dataclass(frozen=True)
class CptCode:
    code: str
    estim: bool
    initial: bool
    short: str  # our own short description (the AMA descriptors are licensed)


@dataclass(frozen=True)
class CptTable:
    version: str
    unit_minutes: int
    minimum_minutes: int
    codes: dict[str, CptCode]

    def code(self, *, estim: bool, initial: bool) -> CptCode:
        return next(c for c in self.codes.values() if c.estim == estim and c.initial == initial)


@cache
def cpt_table() -> CptTable:
    raw = json.loads(
        resources.files("acuback.clinical.codes")
        .joinpath("cpt_acupuncture.json")
        .read_text(encoding="utf-8")
    )
    codes = {c["code"]: CptCode(**c) for c in raw["codes"]}
    return CptTable(raw["version"], raw["unit_minutes"], raw["minimum_minutes"], codes)


@dataclass(frozen=True)
class CptLine:
    code: str
    units: int
    short: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "units": self.units, "short": self.short}


@dataclass(frozen=True)
class CptUnits:
    """What a visit bills: one line per code, in claim order (the initial code first)."""

    lines: tuple[CptLine, ...]
    rule_version: str
    notes: tuple[str, ...]  # why the lines are what they are, in words

    @property
    def total_units(self) -> int:
        return sum(line.units for line in self.lines)

    def to_dict(self) -> dict[str, Any]:
        return {"lines": [line.to_dict() for line in self.lines],
                "rule_version": self.rule_version, "notes": list(self.notes),
                "total_units": self.total_units}


def timed_units(minutes: int) -> int:
    """Units of a 15-minute code for `minutes` of one kind of time, by the midpoint rule:
    0-7 -> 0, 8-22 -> 1, 23-37 -> 2, 38-52 -> 3, ..."""
    table = cpt_table()
    if minutes < table.minimum_minutes:
        return 0
    return 1 + (minutes - table.minimum_minutes) // table.unit_minutes


def cpt_units(
    *, minutes_without_estim: int, minutes_with_estim: int, insertions: int,
    initial_billed_today: bool = False,
) -> CptUnits:
    """The CPT lines of one visit.

    `minutes_without_estim` and `minutes_with_estim` are face-to-face minutes (not retention);
    `insertions` is how many times needles were inserted (1 for one set; 2 when a second set
    went in, e.g. prone then supine). `initial_billed_today` is true when another visit of
    the same patient on the same day already carries the initial code.
    """
    _check(minutes_without_estim, minutes_with_estim, insertions)
    table = cpt_table()
    total = minutes_without_estim + minutes_with_estim
    if insertions == 0:
        return _nothing("No needles were inserted: the acupuncture codes do not apply.")
    if timed_units(total) == 0:
        return _nothing(f"{total} minutes face to face: under {table.minimum_minutes} "
                        "minutes bills no unit.")
    estim, plain = _split(minutes_with_estim, minutes_without_estim)
    notes = [f"{total} minutes face to face make {estim + plain} unit"
             f"{'s' if estim + plain != 1 else ''} ({estim} with e-stim)."]
    initial: CptCode | None = None
    if not initial_billed_today:
        initial = table.code(estim=estim > 0, initial=True)
        estim, plain = (estim - 1, plain) if initial.estim else (estim, plain - 1)
    else:
        notes.append("The initial code was billed at an earlier visit today: add-on codes only.")
    estim, plain = _cap_add_ons(estim, plain, insertions - (1 if initial else 0), notes)
    lines = [CptLine(initial.code, 1, initial.short)] if initial else []
    for units, is_estim in ((estim, True), (plain, False)):
        if units:
            code = table.code(estim=is_estim, initial=False)
            lines.append(CptLine(code.code, units, code.short))
    return CptUnits(tuple(lines), table.version, tuple(notes))


def _check(plain: int, estim: int, insertions: int) -> None:
    for name, value in (("minutes without e-stim", plain), ("minutes with e-stim", estim)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MINUTES:
            raise CptInputError(f"{name} must be a whole number from 0 to {MAX_MINUTES}")
    if isinstance(insertions, bool) or not isinstance(insertions, int) or not 0 <= insertions <= 20:
        raise CptInputError("insertions must be a whole number from 0 to 20")


def _nothing(why: str) -> CptUnits:
    return CptUnits((), cpt_table().version, (why,))


def _split(estim_minutes: int, plain_minutes: int) -> tuple[int, int]:
    """(e-stim units, plain units): whole blocks to their own kind; the leftover minutes of
    both kinds make 0, 1 or 2 more units, a single one an e-stim unit if it holds e-stim time."""
    unit = cpt_table().unit_minutes
    estim, estim_rest = divmod(estim_minutes, unit)
    plain, plain_rest = divmod(plain_minutes, unit)
    left = timed_units(estim_minutes + plain_minutes) - estim - plain
    if left == 2:  # both leftovers are at least 8 minutes: each is a unit of its own
        return estim + 1, plain + 1
    if left == 1:
        return (estim + 1, plain) if estim_rest else (estim, plain + 1)
    return estim, plain


def _cap_add_ons(estim: int, plain: int, allowed: int, notes: list[str]) -> tuple[int, int]:
    """Add-on units need a new insertion each: keep at most `allowed`, e-stim ones first."""
    allowed = max(allowed, 0)
    if estim + plain <= allowed:
        return estim, plain
    kept_estim = min(estim, allowed)
    kept_plain = min(plain, allowed - kept_estim)
    dropped = estim + plain - kept_estim - kept_plain
    notes.append(
        f"{dropped} further unit{'s' if dropped != 1 else ''} not billed: each add-on unit "
        "needs new needles inserted in its 15 minutes, and the record shows no more insertions."
    )
    return kept_estim, kept_plain
