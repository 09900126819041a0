"""Morning stiffness: minutes in quarter hours up to 2 hours or more; 30 minutes is the line."""

from __future__ import annotations

import pytest

from acuback.clinical.instruments import assess_change, stiffness


@pytest.mark.parametrize(
    ("code", "minutes", "band"),
    [(0, 0, "none"), (1, 15, "up to 30 minutes"), (2, 30, "up to 30 minutes"),
     (3, 45, "over 30 minutes"), (4, 60, "over 30 minutes"), (8, 120, "over 30 minutes")],
)
def test_it_scores_the_minutes_and_bands_at_30(code: int, minutes: int, band: str) -> None:
    result = stiffness.score([code])
    assert (result.total, result.band) == (minutes, band)


def test_it_labels_each_answer_with_its_duration() -> None:
    labels = [o.label for o in stiffness.DEFINITION.items[0].options]
    assert labels[:3] == ["no stiffness", "15 minutes", "30 minutes"]
    assert labels[4:6] == ["1 h 00 min", "1 h 15 min"] and labels[-1] == "2 hours or more"


def test_it_gives_no_total_when_skipped() -> None:
    result = stiffness.score([None])
    assert (result.total, result.band) == (None, None)


def test_it_reports_the_change_in_minutes_without_a_verdict() -> None:
    change = assess_change("stiffness", 60, 15)
    assert (change.improvement, change.percent, change.verdict) == (45, 75, None)
