"""Load the packaged acupoint data once and answer look-ups against it.

Pure: no Django, and the only I/O is reading points.json from the package the first time
`catalogue()` is called.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from acuback.clinical.acupoints.vocabulary import EXTRA, MERIDIANS, TAGS

DATA_FILE = "points.json"

# Other spellings of meridian codes met in textbooks and older charts (Du/Ren for GV/CV, UB for
# the bladder, SJ/TB/TH/TW for the triple energizer, ...), so a code typed from any of them works.
MERIDIAN_ALIASES: dict[str, str] = {
    "DU": "GV",
    "REN": "CV",
    "RN": "CV",
    "UB": "BL",
    "LV": "LR",
    "LIV": "LR",
    "SJ": "TE",
    "TB": "TE",
    "TH": "TE",
    "TW": "TE",
    "P": "PC",
    "K": "KI",
    "KID": "KI",
    "H": "HT",
    "HE": "HT",
    "L": "LU",
}

_CHANNEL_CODE = re.compile(r"^([A-Z]+)0*(\d+)$")
_EXTRA_CODE = re.compile(r"^EX(HN|CA|B|UE|LE)0*(\d+)$")


class UnknownPoint(KeyError):
    """A code that names no point in the catalogue; carries "did you mean" suggestions."""

    def __init__(self, code: str, suggestions: list[str]) -> None:
        super().__init__(code)
        self.code = code
        self.suggestions = suggestions

    def __str__(self) -> str:
        message = f"unknown point {self.code!r}"
        if self.suggestions:
            message += f"; did you mean {', '.join(self.suggestions)}?"
        return message


@dataclass(frozen=True)
class Acupoint:
    code: str
    meridian: str
    number: int
    pinyin: str
    hanzi: str
    english: str
    region: str
    location: str
    depth: str
    angle: str
    bilateral: bool
    tags: frozenset[str]
    categories: frozenset[str]
    max_depth_mm: float | None
    # Beyond the core fields: which published list puts the point on the pregnancy-avoid list,
    # and other names the point goes by (searchable).
    pregnancy_sources: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "meridian": self.meridian,
            "number": self.number,
            "pinyin": self.pinyin,
            "hanzi": self.hanzi,
            "english": self.english,
            "aliases": list(self.aliases),
            "region": self.region,
            "location": self.location,
            "depth": self.depth,
            "angle": self.angle,
            "bilateral": self.bilateral,
            "max_depth_mm": self.max_depth_mm,
            "tags": sorted(self.tags),
            "pregnancy_sources": list(self.pregnancy_sources),
            "categories": sorted(self.categories),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Acupoint:
        max_depth = data.get("max_depth_mm")
        return cls(
            code=data["code"],
            meridian=data["meridian"],
            number=int(data["number"]),
            pinyin=data["pinyin"],
            hanzi=data["hanzi"],
            english=data.get("english", ""),
            region=data["region"],
            location=data["location"],
            depth=data["depth"],
            angle=data["angle"],
            bilateral=bool(data["bilateral"]),
            tags=frozenset(data.get("tags", ())),
            categories=frozenset(data.get("categories", ())),
            max_depth_mm=None if max_depth is None else float(max_depth),
            pregnancy_sources=tuple(data.get("pregnancy_sources", ())),
            aliases=tuple(data.get("aliases", ())),
        )


def fold(text: str) -> str:
    """Lower-case, strip tone marks and drop spaces and punctuation: "Shèn Shū" -> "shenshu"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in bare.casefold() if ch.isalnum())


def canonical_code(text: str) -> str:
    """Best canonical spelling of a typed code: "bl 23" -> "BL23", "ex b2" -> "EX-B2",
    "Du4" -> "GV4". Text that does not look like a code comes back upper-cased and squeezed."""
    squeezed = "".join(ch for ch in text.upper() if ch.isalnum())
    extra = _EXTRA_CODE.match(squeezed)
    if extra:
        return f"{EXTRA}-{extra.group(1)}{int(extra.group(2))}"
    channel = _CHANNEL_CODE.match(squeezed)
    if channel:
        meridian = MERIDIAN_ALIASES.get(channel.group(1), channel.group(1))
        return f"{meridian}{int(channel.group(2))}"
    return squeezed


class Catalogue:
    """All points, in WHO order (LU..CV by number), then the extra points."""

    def __init__(self, points: tuple[Acupoint, ...], header: dict[str, Any]) -> None:
        self._points = points
        self.header = header
        self._by_code = {point.code: point for point in points}
        if len(self._by_code) != len(points):
            raise ValueError("duplicate acupoint codes in the catalogue")
        self._folded = {point.code: _search_keys(point) for point in points}

    @property
    def version(self) -> str:
        return str(self.header.get("version", ""))

    def get(self, code: str) -> Acupoint | None:
        return self._by_code.get(canonical_code(code))

    def require(self, code: str) -> Acupoint:
        point = self.get(code)
        if point is None:
            raise UnknownPoint(code, self.suggest(code))
        return point

    def all(self) -> tuple[Acupoint, ...]:
        return self._points

    def meridians(self) -> tuple[str, ...]:
        """Meridian codes present, in catalogue order (the 14 WHO meridians, then EX)."""
        return tuple(dict.fromkeys(point.meridian for point in self._points))

    def by_meridian(self, meridian: str) -> tuple[Acupoint, ...]:
        wanted = meridian.strip().upper()
        wanted = MERIDIAN_ALIASES.get(wanted, wanted)
        known = self.meridians()
        if wanted not in known:
            raise ValueError(f"unknown meridian {meridian!r}; use one of {', '.join(known)}")
        return tuple(point for point in self._points if point.meridian == wanted)

    def with_tag(self, tag: str) -> tuple[Acupoint, ...]:
        if tag not in TAGS:
            raise ValueError(f"unknown tag {tag!r}; use one of {', '.join(TAGS)}")
        return tuple(point for point in self._points if tag in point.tags)

    def search(self, text: str) -> tuple[Acupoint, ...]:
        """Points whose code, pinyin (tones optional), other names, characters, region or
        English name contain the text. Exact matches come first, then prefixes, then the rest,
        each group in catalogue order."""
        query = fold(text)
        if not query:
            return ()
        ranked: list[tuple[int, int, Acupoint]] = []
        for index, point in enumerate(self._points):
            rank = _rank(query, self._folded[point.code])
            if rank is not None:
                ranked.append((rank, index, point))
        return tuple(point for _, _, point in sorted(ranked, key=lambda item: item[:2]))

    def suggest(self, code: str, n: int = 3) -> list[str]:
        """Up to n known codes close to a mistyped one ("did you mean")."""
        if n <= 0:
            return []
        wanted = canonical_code(code)
        suggestions: list[str] = []
        # A pinyin name typed where a code was expected ("shenshu" -> BL23).
        folded = fold(code)
        suggestions += [p.code for p in self._points if folded and fold(p.pinyin) == folded]
        # One past the end of a meridian ("BL68"): the meridian's last point is the likely aim.
        channel = _CHANNEL_CODE.match(wanted)
        if channel and channel.group(1) in MERIDIANS:
            last = MERIDIANS[channel.group(1)]
            if int(channel.group(2)) > last:
                suggestions.append(f"{channel.group(1)}{last}")
        suggestions += self._closest(wanted)
        return list(dict.fromkeys(suggestions))[:n]

    def _closest(self, wanted: str, cutoff: float = 0.6) -> list[str]:
        """Codes by similarity (difflib ratio); ties keep catalogue order (BL6 before BL8)."""
        matcher = difflib.SequenceMatcher(b=wanted)
        scored: list[tuple[float, int, str]] = []
        for index, point in enumerate(self._points):
            matcher.set_seq1(point.code)
            if matcher.real_quick_ratio() >= cutoff and matcher.ratio() >= cutoff:
                scored.append((-matcher.ratio(), index, point.code))
        return [code for _, _, code in sorted(scored)]


def _search_keys(point: Acupoint) -> tuple[tuple[str, ...], str]:
    """Folded strings a query can match, and the raw characters (matched as typed)."""
    keys = (
        fold(point.code),
        fold(point.pinyin),
        *(fold(alias) for alias in point.aliases),
        fold(point.english),
        fold(point.region),
    )
    return keys, point.hanzi


def _rank(query: str, keys: tuple[tuple[str, ...], str]) -> int | None:
    folded, hanzi = keys
    if query in folded or query == hanzi:
        return 0
    if any(key.startswith(query) for key in folded) or hanzi.startswith(query):
        return 1
    if any(query in key for key in folded) or query in hanzi:
        return 2
    return None


def load(raw: str) -> Catalogue:
    """Build a Catalogue from the text of a points.json file."""
    data = json.loads(raw)
    points = tuple(Acupoint.from_dict(item) for item in data["points"])
    return Catalogue(points, data["header"])


@cache
def catalogue() -> Catalogue:
    """The packaged catalogue, read once per process."""
    raw = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    return load(raw)
