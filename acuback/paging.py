"""Keyset pagination: a page starts just after (or ends just before) a given row, found by its
key in the list's order, so page 2,000 costs what page 1 costs (an index range, never an
OFFSET that reads and drops every row before it).

The cursor in a link is the id of the row the page continues from, not its key: the key (a
name, say) never appears in a URL, and the database finds it again by primary key. The
patient list and search choose their page in one hand-written statement each
(acuback.patients.search_sql); `page_of` makes the page and its links from what it read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Model

T = TypeVar("T", bound=Model)


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    rows: list[T]
    count: int  # rows in the whole list, or `count_limit` when there are more
    count_capped: bool  # True: there are more than `count` rows
    next_after: int | None  # the cursor of the next page, None on the last page
    previous_before: int | None  # the cursor of the previous page, None on the first


def page_of(found: list[T], *, count: int, count_limit: int, size: int, backwards: bool,
            continued: bool) -> KeysetPage[T]:
    """The page, given up to size + 1 rows in the direction read (`backwards`: before the
    cursor, nearest first) and the count of the whole list; `continued`: a cursor was found,
    so there is a page before this one."""
    shown = found[:size][::-1] if backwards else found[:size]
    more = len(found) > size
    return KeysetPage(
        shown, min(count, count_limit), count > count_limit,
        next_after=shown[-1].pk if shown and (backwards or more) else None,
        previous_before=shown[0].pk if shown and (more if backwards else continued)
        else None,
    )
