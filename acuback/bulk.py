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
from functools import cache
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

BATCH = 5000


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
