"""The visits app's sections of the staff start page (see acuback.web.start)."""

from __future__ import annotations

from typing import Any

from acuback.accounts.models import User
from acuback.visits.selectors import retention_timers, unsigned_visits


def rooms_for_start(actor: User) -> dict[str, Any] | None:
    """Room, patient and minutes left for everyone with needles in; no clinical content."""
    timers = retention_timers(actor=actor)
    return {"timers": timers} if timers else None


def unsigned_for_start(actor: User) -> dict[str, Any] | None:
    visits = unsigned_visits(actor=actor)
    return {"visits": visits} if visits else None
