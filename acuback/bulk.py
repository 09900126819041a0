"""Writing many rows fast: straight into a model's table, one statement per batch (COPY on
PostgreSQL), with ids chosen by the writer so later rows can point at earlier ones without
reading them back. Used by the bulk demo (`acuback.demo.bulk`); a bulk import may use it too.

Rows bypass the ORM, so whoever writes them must write valid rows: every column a service
would fill, values already in database form (`db_date`, `db_time`, `db_json`), and one audit
entry for the load (see `acuback.demo.bulk`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

BATCH = 5000
# SQLite's page cache during a load (KiB, as PRAGMA cache_size takes a negative number): the
# default 2 MB makes every index insert of a large table read its pages again.
LOAD_CACHE_KIB = 262_144

# While `deferred_indexes` runs on SQLite: the tables written so far and the SQL of the
# indexes dropped from them, to create again once the rows are in.
_deferred: dict[str, list[str]] | None = None


@contextmanager
def deferred_indexes() -> Iterator[None]:
    """On SQLite, inside a transaction: each table `insert_rows` writes loses its non-unique
    indexes until the end, when they are built again from the loaded rows (sorting once is
    cheaper than keeping ten indexes of millions of rows in order row by row), and the page
    cache is enlarged meanwhile. Unique indexes stay, so constraints hold throughout. Only the
    loader's own transaction sees the tables without their indexes (and a failure rolls the
    drop back with the rows). Elsewhere, a plain block."""
    global _deferred
    if _postgres() or _deferred is not None:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (cache_size,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-LOAD_CACHE_KIB}")
        _deferred = {}
        try:
            yield
            for statements in _deferred.values():
                for sql in statements:
                    cursor.execute(sql)
        finally:
            _deferred = None
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")


def _defer_indexes(cursor: Any, table: str) -> None:
    if _deferred is None or table in _deferred:
        return
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                   "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'", [table])
    found = cursor.fetchall()
    _deferred[table] = [sql for _, sql in found]
    for name, _ in found:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")


def next_id(model: type[models.Model]) -> int:
    """The first free primary key: bulk rows carry their own ids so later steps can point at
    them without reading them back."""
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def insert_rows(model: type[models.Model], columns: Sequence[str],
                rows: Iterable[Sequence[Any]]) -> int:
    """Write rows (values in `columns` order, already in database form: see `db_date`,
    `db_time`, `db_json`) straight into the model's table. Returns how many were written."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if _postgres():
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            _defer_indexes(cursor, model._meta.db_table)
            # Table and column names come from the model, never from input.
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            batch: list[Sequence[Any]] = []
            for row in rows:
                batch.append(row)
                if len(batch) == BATCH:
                    cursor.executemany(sql, batch)
                    count, batch = count + len(batch), []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def instance_rows(columns: Sequence[str], instances: Iterable[models.Model]
                  ) -> Iterator[tuple[Any, ...]]:
    """Unsaved model instances as rows for `insert_rows`, each value in `columns` prepared
    for the database as the ORM prepares it on save."""
    fields = None
    for obj in instances:
        if fields is None:
            fields = [obj._meta.get_field(c) for c in columns]
        yield tuple(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields)


def reset_sequences(*model_list: type[models.Model]) -> None:
    """After rows with explicit ids, PostgreSQL's id sequences must move past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


@cache
def _postgres() -> bool:
    return connection.vendor == "postgresql"


def db_date(day: dt.date) -> object:
    return day if _postgres() else day.isoformat()


def db_time(moment: dt.datetime) -> object:
    """What `adapt_datetimefield_value` makes of an aware time, without its per-call checks
    (it is called millions of times in a registry load)."""
    if _postgres():
        return moment
    return str(moment.astimezone(_zone()).replace(tzinfo=None))


@cache
def _zone() -> dt.tzinfo:
    return connection.timezone


def db_json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))
