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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import cache
from typing import Any, Protocol

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

BATCH = 5000
# SQLite's page cache during a load (KiB, as PRAGMA cache_size takes a negative number): the
# default 2 MB makes every index insert of a large table read its pages again.
LOAD_CACHE_KIB = 262_144

Advance = Callable[[int], None]


class Progress(Protocol):
    def __call__(self, description: str, total: int) -> AbstractContextManager[Advance]:
        """A context whose value is `advance(n)`: n more of `total` done."""


def no_progress(description: str, total: int) -> AbstractContextManager[Advance]:
    return nullcontext(lambda n: None)


# While `deferred_indexes` runs: the tables written so far and the SQL that restores what was
# dropped from them (their indexes; on PostgreSQL their foreign keys too) once the rows are in.
_deferred: dict[str, list[str]] | None = None


@contextmanager
def deferred_indexes(progress: Progress = no_progress) -> Iterator[None]:
    """Inside a transaction: each table `insert_rows` writes loses its non-unique indexes until
    the end, when they are built again from the loaded rows (sorting once is cheaper than
    keeping ten indexes of millions of rows in order row by row). Unique indexes stay, so
    constraints hold throughout. On SQLite the page cache is enlarged meanwhile. On PostgreSQL
    the tables' foreign keys are dropped too and added back at the end, which checks every row
    in one join instead of one deferred check per row and key at commit (at 5,000 patients
    the commit took 6.8 s of a 23 s load); the dropped keys and indexes lock the tables, and the
    tables they refer to, until the load commits, so other sessions wait for it. A failure rolls
    the drops back with the rows. The rebuild is shown as `progress("indexes", statements)`.
    """
    global _deferred
    if _deferred is not None:
        yield
        return
    with connection.cursor() as cursor:
        cache_size = None
        if not _postgres():
            cursor.execute("PRAGMA cache_size")
            (cache_size,) = cursor.fetchone()
            cursor.execute(f"PRAGMA cache_size = {-LOAD_CACHE_KIB}")
        _deferred = {}
        try:
            yield
            restore = [sql for statements in _deferred.values() for sql in statements]
            with progress("indexes", len(restore)) as advance:
                for sql in restore:
                    cursor.execute(sql)
                    advance(1)
        finally:
            _deferred = None
            if cache_size is not None:
                cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")


def _defer_indexes(cursor: Any, table: str, keep: bool) -> None:
    if _deferred is None or table in _deferred:
        return
    if keep and not _postgres():
        _deferred[table] = []
        return
    quoted = connection.ops.quote_name(table)
    if _postgres():
        cursor.execute("SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                       "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
                       "AND NOT x.indisunique AND NOT x.indisprimary ORDER BY i.relname",
                       [quoted])
        indexes = cursor.fetchall()
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                       [quoted])
        keys = cursor.fetchall()
        # A table with deferred checks still pending in this transaction (rows written before
        # the load) cannot be altered: they are made now, then checks are deferred again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        if keep:
            indexes = []
        _deferred[table] = [sql for _, sql in indexes] + [
            f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} {sql}"
            for name, sql in keys]
        for name, _ in keys:
            cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT "
                           f"{connection.ops.quote_name(name)}")
    else:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                       "AND tbl_name = %s AND sql IS NOT NULL "
                       "AND sql NOT LIKE 'CREATE UNIQUE%%'", [table])
        indexes = cursor.fetchall()
        _deferred[table] = [sql for _, sql in indexes]
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")


def next_id(model: type[models.Model]) -> int:
    """The first free primary key: bulk rows carry their own ids so later steps can point at
    them without reading them back."""
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def insert_rows(model: type[models.Model], columns: Sequence[str],
                rows: Iterable[Sequence[Any]], *, keep_indexes: bool = False) -> int:
    """Write rows (values in `columns` order, already in database form: see `db_date`,
    `db_time`, `db_json`) straight into the model's table. Returns how many were written.

    In `deferred_indexes`, `keep_indexes` (decided by the table's first write) keeps the
    table's indexes in place, kept in order row by row, for a table of wide rows: building an
    index reads every row of its table again, once per index."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        _defer_indexes(cursor, model._meta.db_table, keep_indexes)
        if _postgres():
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
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


# Values whose database form a field may keep once computed (hashable, and prepared alike
# whatever object holds them); anything else (decimals, JSON but flat lists and dicts:
# `_json_key`) is prepared each time.
_PLAIN = (str, int, bool, type(None), dt.date, dt.datetime)


def value_rows(model: type[models.Model], columns: Sequence[str],
               values: Iterable[Mapping[str, Any]]) -> Iterator[tuple[Any, ...]]:
    """Rows for `insert_rows` from field values as a model's constructor takes them (a field's
    name or its attname as key; a related object or its id), each value prepared for the
    database as the ORM prepares it on save (`instance_rows` does the same from model
    instances): for many rows, without building a model instance each. A missing field takes
    its default. Each plain value (and flat JSON value) is prepared once per field."""
    converters = [_converter(model._meta.get_field(c)) for c in columns]
    for found in values:
        yield tuple(convert(found) for convert in converters)


def _json_key(value: object) -> tuple[Any, ...] | None:
    """A JSON value's key for the cache of prepared values when it is a flat list or dict of
    plain values (claim lines' diagnoses, holds, versions, provider checks repeat across
    thousands of lines), each item with its type (True == 1, but their JSON differs) and a
    dict in its order (which its JSON keeps); None for anything else."""
    if isinstance(value, list):
        if all(type(v) in _FLAT for v in value):
            return (list, *((type(v), v) for v in value))
    elif isinstance(value, dict) and all(type(v) in _FLAT for v in value.values()):
        return (dict, *((type(k), k, type(v), v) for k, v in value.items()))
    return None


_MISSING = object()
_FLAT = frozenset({str, int, bool, float, type(None)})
# Prepared values a field keeps at most (a value repeated across rows is met early; one that
# differs row by row would only fill memory).
PREPARED_LIMIT = 10_000


def _converter(field: Any) -> Callable[[Mapping[str, Any]], Any]:
    name, attname, related = field.name, field.attname, field.is_relation
    prepared: dict[tuple[Any, ...], object] = {}
    json = isinstance(field, models.JSONField)

    def convert(found: Mapping[str, Any]) -> Any:
        if name in found:
            value = found[name]
            if related and isinstance(value, models.Model):
                value = value.pk
        elif attname in found:
            value = found[attname]
        else:
            value = field.get_default()
        if json:
            key = _json_key(value)
            if key is None:
                return field.get_db_prep_save(value, connection)
        elif isinstance(value, _PLAIN):
            key = (type(value), value)
        else:
            return field.get_db_prep_save(value, connection)
        found_value = prepared.get(key, _MISSING)
        if found_value is _MISSING:
            found_value = field.get_db_prep_save(value, connection)
            if len(prepared) < PREPARED_LIMIT:
                prepared[key] = found_value
        return found_value

    return convert


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
