"""Fixtures for the assessment tests: recorded responses, invented licensed wording, the shared
FHIR reference data."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from acuback.accounts.models import User
from acuback.assessments.models import Assessment
from acuback.assessments.services import assessment_record
from acuback.clinical.instruments import get
from acuback.episodes.models import Episode
from tests.conftest import require_service
from tests.personas import World

# In CI the repository is a fresh clone with shared/ beside it: <root>/../shared/reference.
REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"

# PHQ-9 answers: total 10 (moderate), item 9 "nearly every day" -> a safety alert.
PHQ9_ITEM9 = [3, 0, 1, 2, 0, 0, 1, 0, 3]
PHQ9_CALM = [1, 1, 1, 1, 0, 0, 0, 0, 0]  # total 4, minimal, item 9 = 0
ODI_32 = [2, 1, 2, 1, 2, 2, 1, 2, 1, 2]  # 16 / 50 -> 32 %, moderate


Record = Callable[..., Assessment]


@pytest.fixture
def record(world: World) -> Record:
    """record("phq9", answers, actor=..., episode=..., time_point=...) with persona defaults."""

    def make(instrument: str, answers: list[Any], *, actor: User | None = None,
             episode: Episode | None = None, time_point: str = "baseline",
             **extra: Any) -> Assessment:
        return assessment_record(
            actor=actor or world.practitioner, episode=episode or world.episode,
            instrument=instrument, answers=answers, time_point=time_point, **extra,
        )

    return make


def invented_wording(instrument: str = "odi") -> dict[str, Any]:
    """A wording file in the loader's shape, with our own made-up sentences (never the real,
    licensed text)."""
    definition = get(instrument)
    return {
        "instrument": instrument,
        "language": "en-GB",
        "source": "Test licence 0001 (invented wording for tests)",
        "title": f"Invented {definition.short_name} for tests",
        "instructions": "Pick the sentence that fits you best today (invented text).",
        "items": [
            {
                "key": item.key,
                "text": f"Invented question about {item.label}?",
                "options": {str(o.code): f"Invented answer {o.code} for {item.key}"
                            for o in item.options},
            }
            for item in definition.items
        ],
    }


@pytest.fixture
def wording_file(tmp_path: Path) -> Path:
    path = tmp_path / "odi-wording.json"
    path.write_text(json.dumps(invented_wording("odi")), encoding="utf-8")
    return path


@pytest.fixture
def reference() -> Path:
    require_service(REFERENCE.exists(), "../shared/reference")
    return REFERENCE
