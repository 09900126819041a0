"""The packaged data file: its header, its version, and that it matches the authored source."""

from __future__ import annotations

import json
from importlib import resources

from acuback.clinical.acupoints import (
    CATALOGUE_VERSION,
    MERIDIANS,
    REGIONS,
    TAGS,
    Acupoint,
    Catalogue,
)
from acuback.clinical.acupoints.authoring import build


def _raw() -> str:
    return resources.files("acuback.clinical.acupoints").joinpath("points.json").read_text("utf-8")


def test_it_is_generated_from_the_authored_tables() -> None:
    # Edit tables/*.psv or rules.py, then run authoring/build.py; this fails if you forgot.
    assert build.build() == _raw()


def test_its_header_names_sources_version_and_licence(cat: Catalogue) -> None:
    header = json.loads(_raw())["header"]
    assert header["version"] == CATALOGUE_VERSION == cat.version
    assert "AGPL" in header["licence"]
    ids = {source["id"] for source in header["sources"]}
    assert {"WHO 2008", "Chen 2018", "AACP 2012", "traditional", "iaomai app data"} <= ids
    assert header["meridians"] == MERIDIANS
    assert header["regions"] == list(REGIONS)
    assert set(header["tags"]) == set(TAGS)


def test_it_round_trips_every_point_through_to_dict(cat: Catalogue) -> None:
    stored = json.loads(_raw())["points"]
    assert [p.to_dict() for p in cat.all()] == stored
    assert all(Acupoint.from_dict(p.to_dict()) == p for p in cat.all())
