"""Template tags that put an episode's questionnaires (and any open safety alert) on pages
other apps own, with one line each:

    {% load assessments %}{% episode_assessments episode %}     (episode detail)
    {% load assessments %}{% patient_assessments patient %}     (patient chart)

They read through the scoped, audited selectors as the logged-in user, and render nothing for
a role that may not see clinical content.
"""

from __future__ import annotations

from typing import Any

from django import template

from acuback.accounts.models import CLINICAL_ROLES
from acuback.assessments import selectors
from acuback.assessments.models import SafetyAlert
from acuback.assessments.presenting import alert_text, number
from acuback.clinical import instruments
from acuback.episodes.models import Episode, EpisodeStatus
from acuback.patients.models import Patient
from acuback.patients.selectors import can_see_clinical

register = template.Library()


def _actor(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("assessments/_episode_panel.html", takes_context=True)
def episode_assessments(context: template.Context, episode: Episode) -> dict[str, Any]:
    actor = _actor(context)
    if actor is None or not can_see_clinical(actor, episode.patient):
        return {"visible": False}
    return {
        "visible": True,
        "episode": episode,
        "clinician": actor.role in CLINICAL_ROLES,
        "assessments": selectors.assessments_of_episode(actor=actor, episode=episode),
        "alerts": selectors.open_alerts(actor=actor, patient=episode.patient, episode=episode),
        "here": context["request"].get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("assessments/_patient_panel.html", takes_context=True)
def patient_assessments(context: template.Context, patient: Patient) -> dict[str, Any]:
    actor = _actor(context)
    if actor is None or not can_see_clinical(actor, patient):
        return {"visible": False}
    return {
        "visible": True,
        "patient": patient,
        "clinician": actor.role in CLINICAL_ROLES,
        "summaries": selectors.assessment_summary_of_patient(actor=actor, patient=patient),
        "alerts": selectors.open_alerts(actor=actor, patient=patient),
        "active": EpisodeStatus.ACTIVE,
        "here": context["request"].get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def score(value: float | None) -> str:
    return number(value)


@register.filter
def short_name(instrument: str) -> str:
    """'PHQ-9' for 'phq9'."""
    return instruments.get(instrument).short_name


@register.filter
def alert_answer(alert: SafetyAlert) -> str:
    return alert_text(alert)
