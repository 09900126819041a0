"""Fixtures for the FHIR tests: a clinic with assessments, exports run inline."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from acuback.accounts.models import User
from acuback.assessments.services import assessment_record
from acuback.interop.export import export_request, export_write
from tests.personas import World

Json = dict[str, Any]
ClientFor = Callable[[str], Client]

# PHQ-9 total 10 with item 9 positive; ODI 16/50 = 32 %; one NRS.
ANSWERS = {"phq9": [3, 0, 1, 2, 0, 0, 1, 0, 3], "odi": [2, 1, 2, 1, 2, 2, 1, 2, 1, 2],
           "nrs": [6], "startback": [1, 0, 1, 0, 1, 1, 0, 0, 3]}


@pytest.fixture(autouse=True)
def _exports_inline(settings: Any, tmp_path: Any) -> None:
    settings.EXPORT_IN_BACKGROUND = False
    settings.DATA_DIR = tmp_path


@pytest.fixture
def charted(world: World) -> World:
    """The world, with questionnaires answered in both clinic A episodes and in clinic B."""
    for instrument, answers in ANSWERS.items():
        assessment_record(actor=world.practitioner, episode=world.episode,
                          instrument=instrument, answers=answers, time_point="baseline")
    assessment_record(actor=world.patient_user, episode=world.episode, instrument="nrs",
                      answers=[3], time_point="before_visit", visit_number=2)
    assessment_record(actor=world.practitioner, episode=world.other_episode, instrument="nrs",
                      answers=[8], time_point="baseline")
    assessment_record(actor=world.outsider, episode=world.episode_b, instrument="nrs",
                      answers=[5], time_point="baseline")
    return world


def fhir_get(client: Client, path: str, status: int = 200) -> Json:
    response = client.get(path)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    return json.loads(response.content)


def entries(bundle: Json) -> list[Json]:
    return [e["resource"] for e in bundle.get("entry", [])]


def exported_resources(actor: User, directory: Path) -> list[Json]:
    """A whole system-level export by `actor`, read back from its NDJSON files."""
    export_write(actor=actor, request=export_request(), directory=directory)
    return [json.loads(line) for path in sorted(directory.glob("*.ndjson"))
            for line in path.read_text(encoding="utf-8").splitlines()]
