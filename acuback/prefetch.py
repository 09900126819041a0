"""Reading a relation that a page may have prefetched for many rows at once."""

from __future__ import annotations

from typing import Any

from django.db.models import Model


def prefetched(instance: Model, relation: str) -> list[Any] | None:
    """The rows of `relation` loaded by prefetch_related, in the prefetch's order; None when
    the relation was not prefetched (the caller then queries as usual)."""
    cache = getattr(instance, "_prefetched_objects_cache", {})
    return list(cache[relation]) if relation in cache else None
