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

from django.db import connection
from django.db.models import Model

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
        values = list(row[start:start + self.width])
        for index, converters, expression in self._converters_of():
            value = values[index]
            for convert in converters:
                value = convert(value, expression, connection)
            values[index] = value
        return self.model.from_db(connection.alias, self.attnames, values)

    def _converters_of(self) -> list[_Converter]:
        found = self._converters.get(connection.vendor)
        if found is None:  # as SQLCompiler.get_converters finds them for these columns
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.alias)
                converters = [*connection.ops.get_db_converters(column),
                              *column.get_db_converters(connection)]
                if converters:
                    found.append((index, converters, column))
            self._converters[connection.vendor] = found
        return found


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
