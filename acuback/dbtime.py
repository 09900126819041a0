"""Times read by hand-written SQL, as Django would give them."""

from __future__ import annotations

import datetime as dt


def db_datetime(value: object) -> dt.datetime | None:
    """A timestamp column as the database returns it to a raw cursor: PostgreSQL an aware
    datetime, SQLite a naive one in UTC (or its ISO text); None stays None."""
    if value is None:
        return None
    found = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return found if found.tzinfo is not None else found.replace(tzinfo=dt.UTC)
