"""Generate points.json from the authored tables and rules.

    python -m acuback.clinical.acupoints.authoring.build          # rewrite points.json
    python -m acuback.clinical.acupoints.authoring.build --check  # exit 1 if it is stale

Each tables/<MERIDIAN>.psv holds one row per point, fields separated by " | ":

    code | pinyin | hanzi | english | region | depth | angle | location

Lines starting with "#" are comments. Everything that is a rule over many points (categories,
safety tags, bilateral, other names) comes from rules.py. The build refuses rows that break the
vocabularies or the safety rules, so a bad edit fails here rather than in the clinic.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from acuback.clinical.acupoints.authoring import rules
from acuback.clinical.acupoints.vocabulary import (
    ANGLES,
    CATALOGUE_VERSION,
    CATEGORIES,
    EXTRA,
    EXTRA_GROUPS,
    MERIDIANS,
    NOT_NEEDLED,
    REGIONS,
    TAGS,
)

HERE = Path(__file__).parent
TABLES = HERE / "tables"
OUTPUT = HERE.parent / "points.json"

FIELDS = ("code", "pinyin", "hanzi", "english", "region", "depth", "angle", "location")
DEPTH = re.compile(r"^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))? cun$")
CHANNEL_CODE = re.compile(r"^(LU|LI|ST|SP|HT|SI|BL|KI|PC|TE|GB|LR|GV|CV)([1-9]\d?)$")
EXTRA_CODE = re.compile(r"^EX-(HN|CA|B|UE|LE)([1-9]\d?)$")
# Pinyin tone marks: the vowels with macron, acute, caron or grave (precomposed, after NFC).
TONE_MARKS = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ")

HEADER_NOTES = [
    "Codes follow the WHO standard nomenclature without spaces (BL23, GV4, EX-B2).",
    "Locations are acuback's own words, written from the anatomical facts of the WHO 2008 "
    "standard (B-cun = proportional bone cun, F-cun = finger cun); no WHO wording is used.",
    "Depth is the usual adult range in cun along the stated angle; where max_depth_mm is set "
    "it caps the depth whatever the cun range says.",
    "EX-B2 (Jiaji) is one record for the 17 levels T1-L5; it carries the thoracic-level "
    "pneumothorax cap for every level, which is stricter than needed in the lumbar region.",
    "Ashi points have no code and are not in the catalogue.",
]

SOURCES = [
    {
        "id": "WHO 2008",
        "cite": "WHO Regional Office for the Western Pacific. WHO Standard Acupuncture Point "
        "Locations in the Western Pacific Region. Manila: WHO, 2008 (updated reprint 2009). "
        "ISBN 978 92 9061 248 7",
        "used_for": "the 361 points, their codes, meridian counts and anatomical facts",
    },
    {
        "id": "WHO 1991",
        "cite": "WHO Scientific Group. A proposed standard international acupuncture "
        "nomenclature. Geneva: WHO, 1991. ISBN 92 4 154417 1",
        "used_for": "point names (pinyin, characters) and the 48 extra-point codes (EX-...)",
    },
    {
        "id": "Cheng 1999",
        "cite": "Cheng Xinnong (ed.). Chinese Acupuncture and Moxibustion. Beijing: Foreign "
        "Languages Press, 1999",
        "used_for": "usual needling depth and angle; extra-point locations",
    },
    {
        "id": "Deadman 2007",
        "cite": "Deadman P, Al-Khafaji M, Baker K. A Manual of Acupuncture. 2nd ed. Hove: "
        "Journal of Chinese Medicine Publications, 2007",
        "used_for": "point categories, needling cautions (no_deep_needling, vessels)",
    },
    {
        "id": "Chen 2018",
        "cite": "Chen HN et al. Ultrasound measurement of the safe needling depth at GB21. "
        "J Acupunct Meridian Stud 2018;11(6):355-360",
        "used_for": "pneumothorax depth cap (skin to pleura at GB21: mean 17.4 mm men, "
        "14.6 mm women)",
    },
    {
        "id": "Sierpina 2005",
        "cite": "Sierpina VS, Frenkel MA. Acupuncture: a clinical review. South Med J "
        "2005;98:330-7",
        "used_for": "no electro-stimulation over the heart (no_estim_chest)",
    },
    *(
        {"id": name, "cite": entry.cite, "used_for": "pregnancy_avoid"}
        for name, entry in rules.PREGNANCY_SOURCES.items()
    ),
    {
        "id": "TARA",
        "cite": "TARA acupoints ontology curation tables, smtifahim/TARA-Ontology-Repository "
        "@833c25c3",
        "used_for": "checking only (tests compare our names and categories with it and prove "
        "no location text was copied); nothing is taken from it",
    },
]


class TableError(ValueError):
    pass


def read_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in [*MERIDIANS, EXTRA]:
        path = TABLES / f"{name}.psv"
        if not path.exists():
            continue
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = [part.strip() for part in line.split(" | ")]
            if len(parts) != len(FIELDS):
                raise TableError(f"{path.name}:{lineno}: expected {len(FIELDS)} fields")
            rows.append(dict(zip(FIELDS, parts, strict=True)))
    return rows


def tone_count(pinyin: str) -> int:
    return sum(ch in TONE_MARKS for ch in unicodedata.normalize("NFC", pinyin).lower())


def depth_range(depth: str) -> tuple[float, float] | None:
    match = DEPTH.match(depth)
    if not match:
        return None
    low = float(match.group(1))
    return low, float(match.group(2) or low)


def split_code(code: str) -> tuple[str, int, str]:
    """code -> (meridian, number, EX group or "")."""
    channel = CHANNEL_CODE.match(code)
    if channel:
        return channel.group(1), int(channel.group(2)), ""
    extra = EXTRA_CODE.match(code)
    if extra:
        return EXTRA, int(extra.group(2)), extra.group(1)
    raise TableError(f"{code}: not a WHO or EX code")


def make_point(row: dict[str, str], derived: dict[str, Any]) -> dict[str, Any]:
    code = row["code"]
    meridian, number, _ = split_code(code)
    tags = derived["tags"].get(code, set())
    return {
        "code": code,
        "meridian": meridian,
        "number": number,
        "pinyin": unicodedata.normalize("NFC", row["pinyin"]),
        "hanzi": row["hanzi"],
        "english": row["english"],
        "aliases": rules.ALIASES.get(code, []),
        "region": row["region"],
        "location": row["location"],
        "depth": row["depth"],
        "angle": row["angle"],
        "bilateral": (
            code not in rules.SINGLE_EXTRAS if meridian == EXTRA else meridian not in ("GV", "CV")
        ),
        "max_depth_mm": (
            rules.PNEUMOTHORAX_MAX_DEPTH_MM if "pneumothorax_risk" in tags else None
        ),
        "tags": sorted(tags),
        "pregnancy_sources": derived["pregnancy"].get(code, []),
        "categories": sorted(derived["categories"].get(code, set())),
    }


def derive_tags(rows: list[dict[str, str]]) -> dict[str, set[str]]:
    tags: dict[str, set[str]] = {}

    def add(codes: Iterable[str], tag: str) -> None:
        for code in codes:
            tags.setdefault(code, set()).add(tag)

    add(rules.pregnancy_sources(), "pregnancy_avoid")
    add(rules.pneumothorax_points(), "pneumothorax_risk")
    add(rules.MAJOR_VESSEL_NERVE, "major_vessel_nerve")
    add(rules.NO_DEEP_NEEDLING, "no_deep_needling")
    add(rules.NO_NEEDLING, "no_needling")
    add([row["code"] for row in rows if row["region"] in rules.NO_ESTIM_REGIONS], "no_estim_chest")
    return tags


def check_row(row: dict[str, str], tags: set[str]) -> None:
    code = row["code"]
    if row["region"] not in REGIONS:
        raise TableError(f"{code}: region {row['region']!r} not in REGIONS")
    if row["angle"] not in ANGLES:
        raise TableError(f"{code}: angle {row['angle']!r} not in ANGLES")
    if "no_needling" in tags:
        if (row["depth"], row["angle"]) != (NOT_NEEDLED, "none"):
            raise TableError(f"{code}: a no_needling point must have depth {NOT_NEEDLED!r}")
    elif depth_range(row["depth"]) is None or row["angle"] == "none":
        raise TableError(f"{code}: depth {row['depth']!r} is not like '0.5-1 cun'")
    if "pneumothorax_risk" in tags:
        # Chen 2018 (GB21): skin to pleura can be under 15 mm; angle the needle, keep it short.
        low_high = depth_range(row["depth"])
        if row["angle"] == "perpendicular" or low_high is None or low_high[1] > 0.5:
            raise TableError(f"{code}: pneumothorax point needs an angled insertion <= 0.5 cun")
    if tone_count(row["pinyin"]) != len(row["hanzi"]):
        raise TableError(f"{code}: {row['pinyin']!r} needs one tone mark per character")
    if not all(_is_cjk(ch) for ch in row["hanzi"]):
        raise TableError(f"{code}: hanzi {row['hanzi']!r} must be CJK characters")
    if not row["location"] or not row["english"]:
        raise TableError(f"{code}: location and english are required")


def check_set(points: list[dict[str, Any]]) -> None:
    codes = [point["code"] for point in points]
    duplicates = {code for code in codes if codes.count(code) > 1}
    if duplicates:
        raise TableError(f"duplicate codes: {sorted(duplicates)}")
    for meridian, count in MERIDIANS.items():
        numbers = [p["number"] for p in points if p["meridian"] == meridian]
        if numbers and numbers != list(range(1, count + 1)):
            raise TableError(f"{meridian}: numbers must run 1..{count} in order")
    known = set(codes)
    referenced = set(rules.categories()) | set(rules.pregnancy_sources())
    referenced |= rules.pneumothorax_points() | set(rules.MAJOR_VESSEL_NERVE)
    referenced |= set(rules.NO_DEEP_NEEDLING) | set(rules.NO_NEEDLING) | set(rules.ALIASES)
    missing = referenced - known
    complete = set(MERIDIANS) | {EXTRA} <= {point["meridian"] for point in points}
    if missing and complete:
        raise TableError(f"rules name codes with no row: {sorted(missing)}")
    for point in points:
        unknown = set(point["categories"]) - set(CATEGORIES)
        if unknown:
            raise TableError(f"{point['code']}: unknown categories {unknown}")


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x3134F


def _order(point: dict[str, Any]) -> tuple[int, int, int]:
    meridian, number, group = split_code(point["code"])
    if meridian == EXTRA:
        return len(MERIDIANS), EXTRA_GROUPS.index(group), number
    return list(MERIDIANS).index(meridian), 0, number


def header() -> dict[str, Any]:
    tag_notes = {
        "pregnancy_avoid": {
            "meaning": "do not needle in a pregnant patient",
            "rule": "union of the lists in pregnancy_sources; each point names its lists",
        },
        "pneumothorax_risk": {
            "meaning": "pleura or lung within reach: angled insertion, depth capped by "
            "max_depth_mm",
            "rule": "Chen 2018 (GB21) for the cap; the list is conventional teaching marked "
            "UNCONFIRMED in DOMAIN.md 4.2 and applied conservatively",
            "groups": rules.PNEUMOTHORAX_GROUPS,
            "max_depth_mm": rules.PNEUMOTHORAX_MAX_DEPTH_MM,
        },
        "no_estim_chest": {
            "meaning": "no electro-stimulation: the point is on the chest, over the heart's "
            "current path",
            "rule": "every point whose region is chest (Sierpina 2005); never pair electrodes "
            "across the thorax",
        },
        "major_vessel_nerve": {
            "meaning": "a major artery, vein or nerve lies under the point: palpate and avoid",
            "points": rules.MAJOR_VESSEL_NERVE,
        },
        "no_deep_needling": {
            "meaning": "a vital structure lies just beyond the usual depth or direction",
            "points": rules.NO_DEEP_NEEDLING,
        },
        "no_needling": {
            "meaning": "not needled (landmark or moxibustion only)",
            "points": rules.NO_NEEDLING,
        },
    }
    assert set(tag_notes) == set(TAGS)
    return {
        "name": "acuback acupoint catalogue",
        "version": CATALOGUE_VERSION,
        "licence": "AGPL-3.0-or-later, as acuback. Codes, names and anatomical facts are "
        "standard facts; the location and safety wording is acuback's own.",
        "generated_by": "acuback/clinical/acupoints/authoring/build.py (do not edit by hand)",
        "sources": SOURCES,
        "notes": HEADER_NOTES,
        "meridians": MERIDIANS,
        "regions": list(REGIONS),
        "angles": list(ANGLES),
        "categories": list(CATEGORIES),
        "tags": tag_notes,
        "pregnancy_sources": {
            name: entry.cite for name, entry in rules.PREGNANCY_SOURCES.items()
        },
    }


def build() -> str:
    rows = read_rows()
    tags = derive_tags(rows)
    for row in rows:
        check_row(row, tags.get(row["code"], set()))
    derived = {
        "tags": tags,
        "categories": rules.categories(),
        "pregnancy": rules.pregnancy_sources(),
    }
    points = sorted((make_point(row, derived) for row in rows), key=_order)
    check_set(points)
    # One point per line keeps diffs readable.
    head = json.dumps(header(), ensure_ascii=False, indent=2)
    body = ",\n".join("    " + json.dumps(p, ensure_ascii=False) for p in points)
    head = head.replace("\n", "\n  ")
    return '{\n  "header": ' + head + ',\n  "points": [\n' + body + "\n  ]\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if points.json is stale")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is stale: run the build", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
