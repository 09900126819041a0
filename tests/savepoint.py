"""Run a check inside a savepoint that is rolled back after it, so each hypothesis example of a
test starts from the same database (a function-scoped fixture is not reset between examples)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction


class _Rollback(Exception):
    """Ends an example's savepoint."""


def in_savepoint(check: Callable[[], None]) -> None:
    try:
        with transaction.atomic():
            check()
            raise _Rollback
    except _Rollback:
        pass
