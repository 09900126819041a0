"""Reading a relation that a page may have prefetched for many rows at once."""

from __future__ import annotations

from typing import Any

from django.db.models import Model


def prefetched(instance: Model, relation: str) -> list[Any] | None:
    """The rows of `relation` loaded by prefetch_related, in the prefetch's order; None when
    the relation was not prefetched (the caller then queries as usual)."""
    cache = getattr(instance, "_prefetched_objects_cache", {})
    return list(cache[relation]) if relation in cache else None


def prefetched_set(instance: Model, relation: str, rows: list[Any]) -> None:
    """Leave `rows` as prefetch_related leaves `relation` (a reverse foreign key or many-to-many
    manager): for rows read by a hand-written statement (acuback.sqlrows)."""
    found = getattr(instance, relation).all()
    found._result_cache = rows
    found._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = found
