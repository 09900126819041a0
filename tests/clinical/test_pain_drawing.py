"""The pain drawing's regions: checked ids, outline order, both sides of paired regions."""

from __future__ import annotations

import pytest

from acuback.clinical.pain_drawing import REGIONS, PainDrawingError, pain_regions


def test_it_keeps_the_outline_order_and_drops_repeats() -> None:
    assert pain_regions(["buttock_left", "neck", "buttock_left"]) == ["neck", "buttock_left"]


def test_it_refuses_an_unknown_region() -> None:
    with pytest.raises(PainDrawingError, match="knee_front"):
        pain_regions(["neck", "knee_front"])


def test_it_has_both_sides_of_every_paired_region() -> None:
    ids = {r.id for r in REGIONS}
    for region in REGIONS:
        if region.side == "left":
            assert region.id.replace("_left", "_right") in ids


def test_it_has_unique_ids() -> None:
    assert len({r.id for r in REGIONS}) == len(REGIONS)
