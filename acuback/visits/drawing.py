"""The shapes of the pain drawing's back-of-body outline (our own simple figure), one polygon
per region of `acuback.clinical.pain_drawing.REGIONS`, in a 200 x 440 box. Seen from behind,
so the patient's left is on the viewer's left."""

from __future__ import annotations

from dataclasses import dataclass

from acuback.clinical.pain_drawing import REGIONS, Region

VIEWBOX = "0 0 200 440"

SHAPES: dict[str, str] = {
    "neck": "88,48 112,48 112,62 88,62",
    "shoulder_left": "52,66 98,62 98,100 58,100",
    "shoulder_right": "102,62 148,66 142,100 102,100",
    "arm_left": "36,70 52,66 58,100 50,200 34,200 30,130",
    "arm_right": "164,70 148,66 142,100 150,200 166,200 170,130",
    "upper_back_left": "58,100 98,100 98,150 62,150",
    "upper_back_right": "102,100 142,100 138,150 102,150",
    "lower_back_left": "62,150 98,150 98,195 64,195",
    "lower_back_right": "102,150 138,150 136,195 102,195",
    "sacrum": "88,195 112,195 106,228 94,228",
    "buttock_left": "64,195 88,195 94,228 92,245 62,245",
    "buttock_right": "112,195 136,195 138,245 108,245 106,228",
    "thigh_side_left": "62,245 72,245 76,330 66,330",
    "thigh_back_left": "72,245 96,245 94,330 76,330",
    "thigh_back_right": "104,245 128,245 124,330 106,330",
    "thigh_side_right": "128,245 138,245 134,330 124,330",
    "calf_left": "66,336 94,336 90,410 72,410",
    "calf_right": "106,336 134,336 128,410 110,410",
    "foot_left": "70,414 92,414 94,432 66,432",
    "foot_right": "108,414 130,414 134,432 106,432",
}


@dataclass(frozen=True)
class Shape:
    region: Region
    points: str
    marked: bool


def shapes(marked: list[str] | None = None) -> list[Shape]:
    chosen = set(marked or [])
    return [Shape(r, SHAPES[r.id], r.id in chosen) for r in REGIONS]
