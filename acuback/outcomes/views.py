"""Outcome pages: an episode's outcome with its charts and claims, its PDF reports, and the
clinic's claims ledger. Thin views over the scoped, audited selectors."""

from __future__ import annotations

import base64
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from acuback.outcomes import reports
from acuback.outcomes.charts import episode_charts
from acuback.outcomes.panel import claim_rows, goal_row, measure_rows, worse_names
from acuback.outcomes.presenting import (
    RECOMMENDATION_WORDS,
    TONES,
    VERDICT_WORDS,
    improvement_words,
)
from acuback.outcomes.selectors import clinic_claims, outcome_get


@login_required
@require_GET
def outcome_episode(request: HttpRequest, episode_id: int) -> HttpResponse:
    outcome = outcome_get(actor=request.user, episode_id=episode_id)
    progress = outcome.progress
    charts = {name: base64.b64encode(svg).decode() for name, svg in
              episode_charts(progress).items()}
    verdict = progress.painkillers.verdict
    return render(request, "outcomes/episode.html", {
        "episode": outcome.episode, "patient": outcome.episode.patient, "progress": progress,
        "measures": measure_rows(outcome), "goals": [goal_row(g) for g in progress.goals],
        "worse": worse_names(outcome), "improvement": improvement_words(progress),
        "recommendation": RECOMMENDATION_WORDS.get(progress.advice.recommendation)  # type: ignore[arg-type]
        if progress.advice.recommendation else None,
        "ledger": claim_rows(outcome), "ledger_version": outcome.ledger.claims_version,
        "charts": charts,
        "painkiller_verdict": VERDICT_WORDS.get(verdict) if verdict else None,  # type: ignore[arg-type]
        "painkiller_tone": TONES.get(verdict) if verdict else None,  # type: ignore[arg-type]
    })


@login_required
@require_GET
def outcome_report(request: HttpRequest, episode_id: int, kind: str) -> HttpResponse:
    audience = request.GET.get("for", reports.Audience.PHYSICIAN)
    if kind not in reports.ReportKind.values or audience not in reports.Audience.values:
        return HttpResponseBadRequest(
            "Unknown report: ask for progress (for=patient, physician or insurer) or "
            "reassessment.", content_type="text/plain")
    report = reports.report_for(actor=request.user, episode_id=episode_id, kind=kind,
                                audience=audience)
    response = HttpResponse(report.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.filename}"'
    return response


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
@require_GET
def claims_ledger(request: HttpRequest) -> HttpResponse:
    since_text, until_text = request.GET.get("since", ""), request.GET.get("until", "")
    since, until = _date(since_text), _date(until_text)
    errors = {name: "Write the date as YYYY-MM-DD, e.g. 2026-01-31."
              for name, text, value in (("since", since_text, since),
                                        ("until", until_text, until)) if text and value is None}
    if since and until and since > until:
        errors["since"] = "The first day comes after the last one."
    status = 400 if errors else 200
    result = clinic_claims(actor=request.user, since=None if errors else since,
                           until=None if errors else until)
    rows = [{"claim": c.claim, "counts": dict(c.counts), "improved": c.improved}
            for c in result.ledger.claims]
    return render(request, "outcomes/ledger.html", {
        "result": result, "rows": rows, "errors": errors,
        "since": since_text, "until": until_text}, status=status)
