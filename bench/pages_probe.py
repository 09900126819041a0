"""The pages benchmark's look inside the database it built (run as its own process, with that
database's environment): which records the pages show, and patient search timed against a
hand-written indexed SQL query that returns the same rows. Prints JSON."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

SEARCH_NAME = "Nakamura"  # a family name no other name of the demo starts with or resembles
ROUNDS = 100


def main() -> None:
    from acuback.cli.django_setup import setup

    setup()
    from acuback.accounts.models import User
    from acuback.plans.models import Plan

    user = User.objects.select_related("membership").get(username="lin")
    clinic_id = user.membership.clinic_id
    plans = Plan.objects.filter(clinic_id=clinic_id).order_by("id")
    plan = plans.values("episode_id", "episode__patient_id")[plans.count() // 2]
    search, hand, same, index, index_same = search_against_sql(user, clinic_id)
    json.dump({
        "patient": plan["episode__patient_id"], "episode": plan["episode_id"],
        "search": SEARCH_NAME.lower(), "search_ms": search, "sql_ms": hand, "same": same,
        "index_sql_ms": index, "index_same": index_same,
    }, sys.stdout)


def search_against_sql(user: Any, clinic_id: int) -> tuple[float, float, bool, float, bool]:
    """Median time of the first page of the search selector (with its audit append switched
    off: that is the audit trail's cost, not the search's) against two hand-written SQL
    queries giving the same rows: an equality on the family name (the least a database can
    do, but it finds neither a word of a name, a prefix nor a typo), and the same search as
    the selector's (prefix or one typo, exact first) over the search index: the fair one."""
    from django.db import connection

    from acuback.patients import selectors

    selectors.audit_record = lambda **kwargs: None  # type: ignore[assignment]

    def ours() -> list[int]:
        page = selectors.patient_search(
            actor=user, search=selectors.PatientSearch(SEARCH_NAME.lower()))
        if hasattr(page, "rows"):  # keyset paging
            return [page.count, *(p.pk for p in page.rows)]
        return [page.paginator.count, *(p.pk for p in page.object_list)]  # Django's Paginator

    def by_hand() -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.*, u.first_name, u.last_name, u.username FROM patients_patient p "
                "LEFT JOIN accounts_user u ON u.id = p.practitioner_id "
                "WHERE p.clinic_id = %s AND p.family_name = %s "
                "ORDER BY p.family_name, p.given_name, p.id LIMIT 25", [clinic_id, SEARCH_NAME])
            rows = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT COUNT(*) FROM patients_patient WHERE clinic_id = %s "
                           "AND family_name = %s", [clinic_id, SEARCH_NAME])
            return [cursor.fetchone()[0], *rows]

    def by_index() -> list[int]:
        # Patients with a name word starting with the word (exact), or with a name word or a
        # one-letter deletion of one equal to the word or one of its deletions (one typo).
        word = SEARCH_NAME.lower()
        forms = sorted({word} | {word[:i] + word[i + 1:] for i in range(len(word))})
        marks = ", ".join(["%s"] * len(forms))
        prefix = "term LIKE %s" if connection.vendor == "postgresql" else \
            "term >= %s AND term < %s"
        bounds = [word + "%"] if connection.vendor == "postgresql" else [word, word + "\U0010ffff"]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.id, COUNT(*) OVER (), p.*, u.first_name, u.last_name, u.username "  # noqa: S608
                "FROM (SELECT patient_id, MIN(CASE WHEN kind = 1 AND " + prefix + " THEN 0 "
                "ELSE 1 END) AS typo FROM patients_patientsearchterm WHERE clinic_id = %s AND "
                "((kind = 1 AND " + prefix + ") OR (kind IN (1, 2) AND term IN (" + marks +
                "))) GROUP BY patient_id) m JOIN patients_patient p ON p.id = m.patient_id "
                "LEFT JOIN accounts_user u ON u.id = p.practitioner_id "
                "ORDER BY m.typo, p.family_name, p.given_name, p.id LIMIT 25",
                [*bounds, clinic_id, *bounds, *forms])
            rows = cursor.fetchall()
        return [rows[0][1] if rows else 0, *(row[0] for row in rows)]

    same = ours() == by_hand()
    index_same = ours() == by_index()
    times: dict[Callable[[], list[int]], list[float]] = {ours: [], by_hand: [], by_index: []}
    for _ in range(ROUNDS):  # interleaved, so that noise falls on both alike
        for function, spent in times.items():
            start = time.perf_counter()
            function()
            spent.append(time.perf_counter() - start)
    return (statistics.median(times[ours]) * 1000, statistics.median(times[by_hand]) * 1000,
            same, statistics.median(times[by_index]) * 1000, index_same)


if __name__ == "__main__":
    main()
