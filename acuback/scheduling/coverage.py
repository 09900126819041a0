"""Coverage warnings at booking time.

The hook the course booking calls: `booking_notes(episode, sessions)` returns plain sentences
(the Medicare visit count, a warning when the course would pass a cap). The rules themselves
belong to the pure core (`acuback.clinical.coverage`, NCD 30.3.3); until that module is on main
this returns nothing, so a booking never shows a guess.
"""

from __future__ import annotations

from acuback.episodes.models import Episode


def booking_notes(episode: Episode, sessions: int) -> list[str]:
    return []
