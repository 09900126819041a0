"""Model rows read by a hand-written statement, built as the ORM builds them.

A page read on every open (the visit page) spent more time compiling its ORM queries than
running them. `Columns` names a model's columns for a hand-written SELECT (under a table
alias, so that one statement can join several models) and builds the instance from its slice
of a row with the field converters the ORM would apply (SQLite's text timestamps and decimals,
JSON), worked out once per process and database vendor (they depend on the backend and the
settings only): the instance is the one `Model.objects` gives,
deferred fields included when only some columns are read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, signals
from django.db.models.base import ModelState

M = TypeVar("M", bound=Model)
_Converter = tuple[int, list[Callable[..., Any]], Any]


class Columns(Generic[M]):
    """The columns of `model` (every concrete field, or the attnames in `only`) under `alias`."""

    def __init__(self, model: type[M], alias: str, only: Iterable[str] | None = None) -> None:
        wanted = None if only is None else set(only)
        self.model = model
        self.alias = alias
        self.fields = tuple(f for f in model._meta.concrete_fields
                            if wanted is None or f.attname in wanted)
        self.attnames = tuple(f.attname for f in self.fields)
        self.width = len(self.fields)
        self._sql: dict[str, str] = {}
        self._converters: dict[str, list[_Converter]] = {}

    def sql(self) -> str:
        """`alias."column", ...`, in the order `build` reads them."""
        found = self._sql.get(connection.vendor)
        if found is None:
            quote = connection.ops.quote_name
            found = self._sql[connection.vendor] = ", ".join(
                f"{self.alias}.{quote(f.column)}" for f in self.fields)
        return found

    def build(self, row: Sequence[Any], start: int = 0) -> M:
        """The instance from `row[start:start + width]`."""
        db = connections[DEFAULT_DB_ALIAS]  # `connection` looks it up on every attribute
        values = list(row[start:start + self.width])
        for index, converters, expression in self._converters_of(db):
            value = values[index]
            for convert in converters:
                value = convert(value, expression, db)
            values[index] = value
        return instance(self.model, self.attnames, values, db.alias)

    def _converters_of(self, db: BaseDatabaseWrapper) -> list[_Converter]:
        found = self._converters.get(db.vendor)
        if found is None:  # as SQLCompiler.get_converters finds them for these columns
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.alias)
                converters = [*db.ops.get_db_converters(column),
                              *column.get_db_converters(db)]
                if converters:
                    found.append((index, converters, column))
            self._converters[db.vendor] = found
        return found


def instance(model: type[M], attnames: Sequence[str], values: Sequence[Any],
             alias: str = DEFAULT_DB_ALIAS) -> M:
    """`model.from_db(alias, attnames, values)`: the instance as the ORM loads it,
    the fields not in `attnames` deferred. Model.__init__ walks every field of the model to set
    or defer it (~10 us a row, most of building a page of 25 patients); when nothing can tell
    the difference (the model defines neither its own `from_db` nor `__init__`, and nothing
    listens for any model's init signals) the instance is made as __init__ would leave it: its
    `_state` loaded from the database, the values in its `__dict__`, deferred fields absent."""
    if (model.from_db.__func__ is not Model.from_db.__func__  # type: ignore[attr-defined]
            or model.__init__ is not Model.__init__  # type: ignore[misc]
            or signals.pre_init.receivers or signals.post_init.receivers):
        return model.from_db(alias, attnames, values)
    new = model.__new__(model)
    state = new._state = ModelState()
    state.adding = False
    state.db = alias
    new.__dict__.update(zip(attnames, values, strict=True))
    return new


def starts(parts: Sequence[Columns[Any]]) -> list[tuple[Columns[Any], int]]:
    """Each part of a joined row with where its columns start."""
    found, start = [], 0
    for part in parts:
        found.append((part, start))
        start += part.width
    return found


# The ids of every table are BigAutoField: a signed 64-bit integer on both databases.
_KEY_RANGE = range(-(2**63), 2**63)


def key(value: object) -> int | None:
    """An id from a request (a URL part, a form or JSON value) as a primary key a hand-written
    statement may bind, or None when it is none: not an integer, or outside the column's range
    (the ORM answers such a lookup with no rows; the database drivers refuse to bind it)."""
    try:
        pk = int(str(value))
    except ValueError:
        return None
    return pk if pk in _KEY_RANGE else None


def marks(values: Sequence[object]) -> str:
    """The placeholders of an IN (...) list of `values`."""
    return ", ".join(["%s"] * len(values))


def fetch(statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of one hand-written statement."""
    with connection.cursor() as db:
        db.execute(statement, params)
        return db.fetchall()


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)
