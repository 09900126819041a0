"""The cohort dashboard: the clinic's outcomes across episodes, filtered, beside the published
trials; a comparison of two groups; the de-identified download. Thin views over
`acuback.cohort.selectors`, which scope to the actor (owners: the clinic; practitioners: their
own patients; others 403) and audit every report."""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from acuback.accounts.access import membership_of
from acuback.accounts.models import Role
from acuback.clinical.instruments import get
from acuback.cohort import selectors
from acuback.cohort.charts import responder_chart
from acuback.cohort.export import cohort_export
from acuback.cohort.filters import (
    CHRONICITY_CHOICES,
    COMPARE_BY,
    FILTER_FIELDS,
    CohortFilter,
    Protocol,
    StartBackGroup,
    parse_filter,
)
from acuback.errors import InputError
from acuback.patients.forms import practitioner_choices

COMPARE_FIELDS = ("by", "group_a", "group_b", "instrument")
COMPARE_INSTRUMENTS = ("odi", "nrs", "peg", "rmdq")
COMPARE_BY_WORDS = {"protocol": "Protocol", "startback": "STarT Back group",
                    "chronicity": "Chronicity"}


def _errors(exc: InputError) -> dict[str, str]:
    return {field: " ".join(messages) for field, messages in exc.errors.items()}


def _compare(request: HttpRequest, filters: CohortFilter
             ) -> tuple[selectors.CohortComparison | None, dict[str, str]]:
    by = request.GET.get("by", "")
    if not by:
        return None, {}
    groups = (request.GET.get("group_a", ""), request.GET.get("group_b", ""))
    try:
        return selectors.cohort_compare(actor=request.user, filters=filters, by=by,
                                        groups=groups,
                                        instrument=request.GET.get("instrument", "odi")), {}
    except InputError as exc:
        return None, _errors(exc)


@login_required
@require_GET
def cohort_dashboard(request: HttpRequest) -> HttpResponse:
    values = {k: request.GET.get(k, "") for k in (*FILTER_FIELDS, *COMPARE_FIELDS)}
    errors: dict[str, str] = {}
    try:
        filters = parse_filter(request.GET)
    except InputError as exc:
        errors, filters = _errors(exc), CohortFilter()
    report = selectors.cohort_report(actor=request.user, filters=filters)
    comparison, compare_errors = (None, {}) if errors else _compare(request, filters)
    chart = responder_chart(report.outcomes, report.external_responders)
    all_errors = errors or compare_errors
    return render(request, "cohort/dashboard.html", {
        "report": report, "values": values, "errors": all_errors,
        "error_links": [(FIELD_OF_ERROR.get(k, k), FIELD_LABELS.get(k, k), v)
                        for k, v in all_errors.items()],
        "selects": _selects(request, values, errors),
        "outcomes": [(get(o.instrument).short_name, o) for o in report.outcomes],
        "chart": base64.b64encode(chart).decode() if chart else None,
        "comparison": comparison,
        "comparison_rows": [(name, g) for name, g in comparison.comparison.groups.items()]
        if comparison else [],
        "compare_by": [(k, COMPARE_BY_WORDS[k], v) for k, v in COMPARE_BY.items()],
        "compare_instruments": [(i, get(i).short_name) for i in COMPARE_INSTRUMENTS],
        "filter_values": [(k, values[k]) for k in FILTER_FIELDS if values[k]],
        "query": urlencode([(k, v) for k, v in values.items() if k in FILTER_FIELDS and v]),
    }, status=400 if all_errors else 200)


FIELD_LABELS = {"opened_from": "Opened from", "opened_to": "Opened until",
                "practitioner": "Practitioner", "protocol": "Protocol",
                "startback": "STarT Back group", "chronicity": "Chronicity", "by": "Split by",
                "groups": "Groups", "instrument": "Measure"}
FIELD_OF_ERROR = {"groups": "group_b"}  # where the focus goes for an error of this key


def _selects(request: HttpRequest, values: dict[str, str], errors: dict[str, str]
             ) -> list[dict[str, object]]:
    """The filter drop-downs: (name, label, options, chosen, error); practitioners for owners."""
    options: list[tuple[str, list[tuple[str, str]]]] = []
    membership = membership_of(request.user)
    if membership is not None and membership.role == Role.OWNER:
        options.append(("practitioner", practitioner_choices(membership.clinic_id)[1:]))
    options += [("protocol", Protocol.choices), ("startback", StartBackGroup.choices),
                ("chronicity", CHRONICITY_CHOICES)]
    return [{"name": name, "label": FIELD_LABELS[name], "options": choices,
             "value": values[name], "error": errors.get(name, ""),
             "any": "Everyone" if name == "practitioner" else "Any"}
            for name, choices in options]


@login_required
@require_GET
def cohort_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The cohort's de-identified rows (one per episode) as CSV or Parquet."""
    if fmt not in ("csv", "parquet"):
        return HttpResponse("Ask for export.csv or export.parquet.", status=404,
                            content_type="text/plain")
    try:
        filters = parse_filter(request.GET)
    except InputError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"cohort.{fmt}"
        cohort_export(actor=request.user, filters=filters, path=path)
        body = path.read_bytes()
    content_type = "text/csv" if fmt == "csv" else "application/vnd.apache.parquet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="cohort-deidentified.{fmt}"'
    return response
