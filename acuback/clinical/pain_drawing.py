"""The regions of acuback's pain drawing: a back-of-body outline on which the patient's painful
areas are marked at each visit (a pain drawing as used since Ransford, Spine 1976, drawn here
in our own simplified regions).

The regions are data with a version, stored with each drawing, so a drawing stays readable if
the outline changes. Seen from behind: the patient's left is on the viewer's left. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

OUTLINE_VERSION = "back-outline-1"


@dataclass(frozen=True)
class Region:
    id: str
    label: str
    side: str  # left, right or midline


def _pair(stem: str, words: str) -> tuple[Region, Region]:
    return (Region(f"{stem}_left", f"{words}, left", "left"),
            Region(f"{stem}_right", f"{words}, right", "right"))


REGIONS: tuple[Region, ...] = (
    Region("neck", "Neck", "midline"),
    *_pair("shoulder", "Shoulder blade"),
    *_pair("arm", "Arm"),
    *_pair("upper_back", "Upper back"),
    *_pair("lower_back", "Lower back"),
    Region("sacrum", "Sacrum and tailbone", "midline"),
    *_pair("buttock", "Buttock"),
    *_pair("thigh_back", "Back of the thigh"),
    *_pair("thigh_side", "Side of the thigh"),
    *_pair("calf", "Calf"),
    *_pair("foot", "Heel and sole"),
)
BY_ID: dict[str, Region] = {r.id: r for r in REGIONS}


class PainDrawingError(ValueError):
    pass


def pain_regions(ids: Iterable[str]) -> list[str]:
    """The marked region ids, checked, without repeats, in the outline's order."""
    chosen = {str(i) for i in ids}
    unknown = sorted(chosen - set(BY_ID))
    if unknown:
        raise PainDrawingError(f"unknown pain-drawing region(s): {', '.join(unknown)}")
    return [r.id for r in REGIONS if r.id in chosen]

