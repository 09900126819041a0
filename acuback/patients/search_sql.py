"""A search by name words, phone or email as one SQL statement over the search index: which
patients match, ranked (exact before fuzzy, then by name), one page of them with the list's
columns and how many match in all; and the list that is no such search (the whole clinic, or
its patients born on a date) as one statement over the patients' own index. The ORM's form of
the search cost ~9 ms of query building, subqueries and a second pass for the count against
~0.3 ms for the statement itself, and the list's keyset page through the ORM four queries deep
in the list (issue 9).

What matches is `acuback.patients.search`: each word as the start of a stored name word, or for
longer words despite one typo (a stored name word or one-letter deletion equal to one of the
word's typo forms); the phone's digits and each email as the start of a stored one; a date of
birth exactly. Every part is required.

Pure SQL both databases run alike; only the prefix test differs: SQLite compares a range (its
LIKE ignores ASCII case and so skips the index; terms are folded already), PostgreSQL uses
LIKE 'text%', which its varchar_pattern_ops index answers. Only placeholders, our own constants
and table names are formatted into the SQL; every value typed is a parameter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from acuback.patients import listing
from acuback.patients import search as search_query
from acuback.patients.models import Patient, PatientSearchTerm, TermKind
from acuback.sqlrows import fetch


@dataclass(frozen=True)
class Found:
    rows: list[Patient]  # up to size + 1, in the direction read (backwards: nearest first)
    count: int  # every patient matching, whatever the page
    continued: bool  # the cursor was found: the page continues from it


def searchable(query: search_query.Query) -> bool:
    """Whether the statement can answer the query: it starts from the index's terms."""
    return bool(query.words or query.phone or query.emails)


def search_rows(*, clinic_id: int, query: search_query.Query, dates: list[dt.date], size: int,
                select: listing.RowSelect, after: int | None = None, before: int | None = None
                ) -> Found:
    """One page of the clinic's patients matching `query` (and born on each of `dates`), in
    the list's order, just after `after` or just before `before`, each with the list's
    columns of `select` (the page's loads are the caller's: `select.load`). A cursor no longer
    in the list starts the list at the top, as `acuback.paging` does."""
    cursor = before if before is not None else after
    found = _run(clinic_id, query, dates, size, select, cursor, backwards=before is not None)
    if cursor is not None and not found.continued:
        found = _run(clinic_id, query, dates, size, select, None, backwards=False)
    return found


def _run(clinic_id: int, query: search_query.Query, dates: list[dt.date], size: int,
         select: listing.RowSelect, cursor: int | None, *, backwards: bool) -> Found:
    parts: list[str] = []
    params: list[object] = []
    for word in query.words:
        prefix, prefix_params = _prefix(word)
        forms = sorted(search_query.typo_forms(word))
        if forms:
            # A patient found by this word, and 1 when found only despite a typo.
            marks = ", ".join(["%s"] * len(forms))
            parts.append(
                f"SELECT patient_id, MIN(CASE WHEN kind = {TermKind.NAME} AND {prefix} "  # noqa: S608
                f"THEN 0 ELSE 1 END) FROM {_TERMS} WHERE clinic_id = %s AND "
                f"((kind = {TermKind.NAME} AND {prefix}) OR (kind IN ({TermKind.NAME}, "
                f"{TermKind.NAME_VARIANT}) AND term IN ({marks}))) GROUP BY patient_id")
            params += [*prefix_params, clinic_id, *prefix_params, *forms]
        else:
            parts.append(_exact_part(TermKind.NAME, prefix))
            params += [clinic_id, *prefix_params]
    for kind, text in ([(TermKind.PHONE, query.phone)] if query.phone else []) + [
            (TermKind.EMAIL, email) for email in query.emails]:
        prefix, prefix_params = _prefix(text)
        parts.append(_exact_part(kind, prefix))
        params += [clinic_id, *prefix_params]
    born = "".join(" AND p.date_of_birth = %s" for _ in dates)
    ranked = (
        f"WITH hits(patient_id, typo) AS ({' UNION ALL '.join(parts)}), "  # noqa: S608
        "matched AS (SELECT patient_id, SUM(typo) AS typos FROM hits GROUP BY patient_id "
        "HAVING COUNT(*) = %s), "
        "ranked AS (SELECT p.id, m.typos, p.family_name, p.given_name, "
        "COUNT(*) OVER () AS total "
        f"FROM matched m JOIN {_PATIENTS} p ON p.id = m.patient_id "
        f"WHERE p.clinic_id = %s{born}) ")
    params += [len(parts), clinic_id, *dates]
    key = "(typos, family_name, given_name, id)"
    direction = " DESC" if backwards else ""
    order = ", ".join(f"{name}{direction}" for name in ("typos", "family_name", "given_name",
                                                          "id"))
    beyond: list[object] = []
    if cursor is None:
        where = ""
    else:
        # The cursor's own row comes first (and tells that it was found), then the rows beyond.
        where = (f"WHERE id = %s OR {key} {'<' if backwards else '>'} (SELECT typos, "  # noqa: S608
                 "family_name, given_name, id FROM ranked WHERE id = %s) ")
        beyond = [cursor, cursor]
    limit = size + 1 + (cursor is not None)
    # The page is chosen first, then only its rows are read with the list's columns.
    rows = fetch(
        f"{ranked}SELECT pg.id, pg.total, {select.sql} FROM (SELECT id, typos, "  # noqa: S608
        f"family_name, given_name, total FROM ranked {where}ORDER BY {order} LIMIT {limit}) pg "
        f"JOIN {_PATIENTS} p ON p.id = pg.id {listing.PRACTITIONER} ORDER BY "
        + ", ".join(f"pg.{name}{direction}" for name in ("typos", "family_name", "given_name",
                                                         "id")),
        [*params, *select.params, *beyond])
    continued = cursor is not None and bool(rows) and rows[0][0] == cursor
    page = rows[1:] if continued else rows
    return Found(rows=[select.build(row, 2) for row in page[:size + 1]],
                 count=rows[0][1] if rows else 0, continued=continued)


def listed_rows(*, clinic_id: int, dates: list[dt.date], size: int, count_limit: int,
                select: listing.RowSelect, after: int | None = None, before: int | None = None
                ) -> Found:
    """One page of the list that is not a search by words, phone or email: the clinic's
    patients (born on each of `dates`) by name, just after `after` or just before `before`,
    with the columns of `select`, and how many there are counted up to `count_limit` + 1: one
    statement over the patients' (clinic, family_name, given_name, id) index. A cursor no
    longer in the list starts it at the top."""
    cursor = before if before is not None else after
    found = _listed(clinic_id, dates, size, count_limit, select, cursor,
                    backwards=before is not None)
    if cursor is not None and not found.continued:
        found = _listed(clinic_id, dates, size, count_limit, select, None, backwards=False)
    return found


def _listed(clinic_id: int, dates: list[dt.date], size: int, count_limit: int,
            select: listing.RowSelect, cursor: int | None, *, backwards: bool) -> Found:
    listed = "l.clinic_id = %s" + "".join(" AND l.date_of_birth = %s" for _ in dates)
    direction = " DESC" if backwards else ""
    if cursor is None:
        beyond, cursor_params = "", []
    else:
        # From the cursor's own row on: (family, given, id) >= the cursor's, or <= backwards;
        # the redundant family_name bound first lets the index start its range there. The
        # cursor's key is read by scalar subqueries, which both databases evaluate once and
        # PostgreSQL then uses as index bounds (joined as a row, it scanned the list from its
        # top). The cursor's row comes first when it is in the list, which tells that it was
        # found; a cursor not in the table gives NULLs and no row.
        op = "<" if backwards else ">"
        family, given = (f"(SELECT {name} FROM {_PATIENTS} WHERE id = %s)"  # noqa: S608
                         for name in ("family_name", "given_name"))
        beyond = (f" AND l.family_name {op}= {family} AND (l.family_name {op} {family} OR "
                  f"(l.family_name = {family} AND (l.given_name {op} {given} OR "
                  f"(l.given_name = {given} AND l.id {op}= %s))))")
        cursor_params = [cursor] * 6
    order = ", ".join(f"{{0}}{name}{direction}" for name in ("family_name", "given_name", "id"))
    limit = size + 1 + (cursor is not None)
    rows = fetch(
        f"SELECT pg.id, (SELECT COUNT(*) FROM (SELECT 1 FROM {_PATIENTS} l WHERE {listed} "  # noqa: S608
        f"LIMIT {count_limit + 1}) counted), {select.sql} FROM (SELECT l.id, l.family_name, "
        f"l.given_name FROM {_PATIENTS} l WHERE {listed}{beyond} ORDER BY "
        f"{order.format('l.')} LIMIT {limit}) pg JOIN {_PATIENTS} p ON p.id = pg.id "
        f"{listing.PRACTITIONER} ORDER BY {order.format('pg.')}",
        [clinic_id, *dates, *select.params, clinic_id, *dates, *cursor_params])
    continued = cursor is not None and bool(rows) and rows[0][0] == cursor
    page = rows[1:] if continued else rows
    # No row only when the list is empty: a cursor found is its own first row.
    return Found(rows=[select.build(row, 2) for row in page[:size + 1]],
                 count=rows[0][1] if rows else 0, continued=continued)


def _exact_part(kind: int, prefix: str) -> str:
    return (f"SELECT DISTINCT patient_id, 0 FROM {_TERMS} WHERE clinic_id = %s "  # noqa: S608
            f"AND kind = {kind} AND {prefix}")


def _prefix(text: str) -> tuple[str, list[object]]:
    """SQL true for a term starting with `text`, as an index range, and its parameters."""
    if connection.vendor == "postgresql":
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return "term LIKE %s", [escaped + "%"]
    return "(term >= %s AND term < %s)", [text, text + "\U0010ffff"]


_TERMS = PatientSearchTerm._meta.db_table
_PATIENTS = Patient._meta.db_table
