"""The cohort dashboard page and its de-identified download: what each role sees, the filters
and their errors, the comparison, the audit, and the page's query count."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test import Client

from acuback.audit.models import AuditEntry, Outcome
from tests.personas import World

pytestmark = pytest.mark.django_db
URL = "/outcomes/cohort/"


def page(client: Client, url: str = URL, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def nrs_row(html: str) -> str:
    return re.search(r'<tr data-instrument="nrs">(.*?)</tr>', html, re.S).group(1)  # type: ignore[union-attr]


def test_it_shows_the_owner_the_whole_clinic(measured: World, client_for,  # noqa: ANN001
                                             django_assert_max_num_queries) -> None:  # noqa: ANN001
    client = client_for("owner")
    page(client)  # the session's first request writes it; count a usual one
    # The real count; SQLite adds its audit savepoint's 2.
    with django_assert_max_num_queries(10 if connection.vendor == "sqlite" else 8):
        html = page(client)
    assert "3 episodes of 3 patients" in html
    # 8 -> 4 and 9 -> 3 improve by at least 2 points (the NRS threshold), 6 -> 6 does not.
    row = nrs_row(html)
    assert "2 of 3: 67 %" in row
    assert 'data-testid="cohort-chart"' in html and "external" in html
    assert "Witt 2009" in html and "No treatment recorded" in html
    assert 'name="practitioner"' in html


def test_it_shows_a_practitioner_their_own_patients_only(measured: World, client_for) -> None:  # noqa: ANN001
    html = page(client_for("practitioner"))
    assert "2 episodes of 2 patients" in html and "your patients only" in html
    assert "1 of 2: 50 %" in nrs_row(html)
    assert 'name="practitioner"' not in html


def test_it_filters_by_practitioner_for_the_owner(measured: World, client_for) -> None:  # noqa: ANN001
    colleague = measured.colleague  # type: ignore[attr-defined]
    html = page(client_for("owner"), f"{URL}?practitioner={colleague.pk}")
    assert "1 episode of 1 patient" in html and "1 of 1: 100 %" in nrs_row(html)


@pytest.mark.parametrize("persona", ["front_desk", "patient_user"])
def test_it_refuses_front_desk_and_patients(measured: World, client_for, persona: str) -> None:  # noqa: ANN001
    page(client_for(persona), status=403)
    page(client_for(persona), f"{URL}export.csv", status=403)


def test_it_never_counts_another_clinics_episodes(measured: World, client_for) -> None:  # noqa: ANN001
    html = page(client_for("outsider_owner"))
    assert "1 episode of 1 patient" in html and 'data-instrument="nrs"' not in html


def test_it_keeps_what_was_typed_and_says_what_is_wrong(measured: World, client_for) -> None:  # noqa: ANN001
    html = page(client_for("owner"), f"{URL}?opened_from=2026-13-01&protocol=electro", 400)
    assert 'role="alert"' in html and 'href="#opened_from"' in html
    assert "is not a date (YYYY-MM-DD)" in html and 'value="2026-13-01"' in html
    assert '<option value="electro" selected>' in html


def test_it_compares_two_groups(measured: World, client_for) -> None:  # noqa: ANN001
    html = page(client_for("owner"),
                f"{URL}?by=protocol&group_a=no_plan&group_b=electro&instrument=nrs", 400)
    # No episode has a plan: nothing to compare in "electro", said beside the groups.
    assert "nothing to compare" in html and 'id="groups-error"' in html


def test_it_downloads_the_deidentified_rows_and_audits_the_export(measured: World,  # noqa: ANN001
                                                                 client_for) -> None:
    response = client_for("owner").get(f"{URL}export.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 3 and sorted(r["nrs_latest"] for r in rows) == ["3.0", "4.0", "6.0"]
    assert not any("Lovelace" in v for r in rows for v in r.values())
    entry = AuditEntry.objects.filter(object_type="cohort").order_by("-seq").first()
    assert entry is not None and (entry.action, entry.outcome) == ("export", Outcome.OK)


def test_it_downloads_parquet(measured: World, client_for) -> None:  # noqa: ANN001
    import pyarrow.parquet as pq

    response = client_for("practitioner").get(f"{URL}export.parquet")
    table = pq.read_table(io.BytesIO(response.content))
    assert table.num_rows == 2 and table.schema.metadata[b"acuback.deidentified"] == b"true"
