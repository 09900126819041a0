"""Outcomes over JSON: one episode's derived outcome, and the clinic's claims ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router

from acuback.errors import InputError
from acuback.outcomes.selectors import clinic_claims, outcome_get

router = Router(tags=["outcomes"])


@router.get("/episodes/{episode_id}", response=dict[str, Any])
def episode_outcome(request: HttpRequest, episode_id: int) -> dict[str, Any]:
    """Everything derived for the episode: each measure's baseline, latest and follow-ups with
    both responder methods, PGIC, pain at visits, painkiller days a week and opioid MME/day,
    mobility, adverse events per 1,000 treatments, goals, Medicare improvement, the
    re-assessment's recommendation, lasting follow-ups, the claims ledger, and the rule and
    data versions. Practitioners and owners of the episode's clinic."""
    return outcome_get(actor=request.user, episode_id=episode_id).as_dict()


@router.get("/claims", response=dict[str, Any])
def claims_ledger(request: HttpRequest, since: dt.date | None = None,
                  until: dt.date | None = None) -> dict[str, Any]:
    """The clinic's claims ledger over episodes opened from `since` to `until` (default: the
    last 365 days): per claim, episodes by verdict and the share improved (Wilson 95 %)."""
    if since and until and since > until:
        raise InputError({"since": ["since comes after until"]})
    result = clinic_claims(actor=request.user, since=since, until=until)
    return {"since": result.since.isoformat(), "until": result.until.isoformat(),
            **result.ledger.as_dict()}
