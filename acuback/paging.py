"""Keyset pagination: a page starts just after (or ends just before) a given row, found by its
key in the list's order, so page 2,000 costs what page 1 costs (an index range, never an
OFFSET that reads and drops every row before it).

The cursor in a link is the id of the row the page continues from, not its key: the key (a
name, say) never appears in a URL, and the database finds it again by primary key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet

T = TypeVar("T", bound=Model)


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    rows: list[T]
    count: int  # rows in the whole list, or `count_limit` when there are more
    count_capped: bool  # True: there are more than `count` rows
    next_after: int | None  # the cursor of the next page, None on the last page
    previous_before: int | None  # the cursor of the previous page, None on the first


def keyset_page(qs: QuerySet[T], *, order: Sequence[str], size: int, count_limit: int,
                after: int | None = None, before: int | None = None,
                counted: QuerySet[T] | None = None,
                rows: Callable[[list[int]], Iterable[T]] | None = None) -> KeysetPage[T]:
    """One page of `qs` in `order` (ascending field or annotation names ending with "pk" or
    "id", so that every row has its own key).

    Counting stops at `count_limit`, so a clinic of 50,000 patients is not counted on every
    page: the page says "more than 1,000". `counted` is the same rows without the annotations
    the order needs, cheaper to count.

    The page's ids are chosen first (an index range), then its rows are read by id (`rows`,
    given the ids, adds what only the page shows: columns, joins). So a search matching 5,000
    patients computes its columns for 26, and no database is tempted to walk the whole list in
    order to test each row against the page."""
    key = _key(qs, before if before is not None else after, order)
    backwards = before is not None and key is not None
    start = qs.filter(_beyond(order, key, backwards=backwards)) if key is not None else qs
    direction = [f"-{name}" for name in order] if backwards else list(order)
    # The first page reads the ids up to the count's limit in the same query: its count is
    # how many came back, and no second query walks the same rows again to count them.
    first = key is None
    ids = list(start.order_by(*direction).values_list("pk", flat=True)
               [:max(size, count_limit) + 1 if first else size + 1])
    if first:
        count = len(ids)
        ids = ids[:size + 1]
    else:
        count = (qs if counted is None else counted).order_by()[:count_limit + 1].count()
    return page_of_ids(ids, count=count, count_limit=count_limit, size=size,
                       backwards=backwards, continued=key is not None,
                       rows=rows or (lambda chosen: qs.model._default_manager.filter(
                           pk__in=chosen)))


def page_of_ids(ids: list[int], *, count: int, count_limit: int, size: int, backwards: bool,
                continued: bool, rows: Callable[[list[int]], Iterable[T]]) -> KeysetPage[T]:
    """The page, given up to size + 1 ids in the direction read (`backwards`: before the
    cursor, nearest first) and the count of the whole list; `continued`: a cursor was found,
    so there is a page before this one. `rows(ids)` reads the page's rows."""
    by_id = {row.pk: row for row in rows(ids)}
    found = [by_id[pk] for pk in ids if pk in by_id]
    shown = found[:size][::-1] if backwards else found[:size]
    more = len(found) > size
    return KeysetPage(
        shown, min(count, count_limit), count > count_limit,
        next_after=shown[-1].pk if shown and (backwards or more) else None,
        previous_before=shown[0].pk if shown and (more if backwards else continued)
        else None,
    )


def _key(qs: QuerySet[T], pk: int | None, order: Sequence[str]) -> tuple[Any, ...] | None:
    """The cursor row's key; None (start at the top) when it is no longer in the list."""
    if pk is None:
        return None
    return qs.filter(pk=pk).values_list(*order).first()


def _beyond(order: Sequence[str], key: Sequence[Any], *, backwards: bool) -> Q:
    """Rows strictly after `key` in `order` (before it, backwards): (a, b, c) > (x, y, z) is
    a > x or (a = x and (b > y or (b = y and c > z))). The redundant a >= x in front lets the
    database start its index range at the key instead of testing every row."""
    op = "lt" if backwards else "gt"
    beyond = Q(**{f"{order[-1]}__{op}": key[-1]})
    for name, value in zip(reversed(order[:-1]), reversed(key[:-1]), strict=True):
        beyond = Q(**{f"{name}__{op}": value}) | (Q(**{name: value}) & beyond)
    return Q(**{f"{order[0]}__{op}e": key[0]}) & beyond
