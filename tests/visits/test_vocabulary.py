"""The app's choices mirror the clinical core's vocabularies."""

from __future__ import annotations

from acuback.clinical.needles import MismatchReason
from acuback.visits.models import NeedleMismatch


def test_it_keeps_the_needle_mismatch_reasons_equal_to_the_cores() -> None:
    assert set(NeedleMismatch.values) == {r.value for r in MismatchReason}
