"""Fixtures for the acupoint tests: the TARA tables in the shared reference data, used only as an
independent oracle (none of their text is in the product)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from acuback.clinical.acupoints import Catalogue, catalogue
from tests.conftest import require_service

# In CI the repository is a fresh clone with shared/ beside it: <root>/../shared/reference.
REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference"
TARA_DIR = REFERENCE / "acupoints" / "tara"


@dataclass
class Tara:
    # our code -> TARA's "Chinese Name" (pinyin without tones; sometimes "A, B" alternatives)
    names: dict[str, str] = field(default_factory=dict)
    # every location text TARA holds (WHO 2008 wording and the older textbook wording)
    location_texts: list[str] = field(default_factory=list)
    # our code -> TARA's special-point labels ("He-Sea Point", "Back-Shu Point of the Lung", ...)
    special: dict[str, list[str]] = field(default_factory=dict)


def tara_code(text: str) -> str:
    """TARA writes "LU 1", "Du 4", "RN 6" and "ST 17 M" (a sex-specific row): -> LU1, GV4, CV6."""
    parts = text.split()
    meridian = {"Du": "GV", "RN": "CV"}.get(parts[0], parts[0])
    return f"{meridian}{parts[1]}"


def _rows(name: str) -> list[dict[str, str]]:
    with (TARA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def tara() -> Tara:
    require_service(TARA_DIR.exists(), "../shared/reference/acupoints/tara")
    data = Tara()
    for row in _rows("acupoints.csv"):
        data.names.setdefault(tara_code(row["Acupoint"]), row["Chinese Name"])
        data.location_texts += [row["WHO Location"], row["Location"]]
    data.location_texts += [row["WHO Location"] for row in _rows("acupoints-locations.csv")]
    data.location_texts += [row["Location"] for row in _rows("extra-acupoints.csv")]
    for row in _rows("special-points-association.csv"):
        labels = [row[key] for key in ("Special-Point-1", "Special-Point-2", "Special-Point-3")]
        data.special[tara_code(row["Acupoint"])] = [label for label in labels if label]
    return data


@pytest.fixture(scope="session")
def cat() -> Catalogue:
    return catalogue()
