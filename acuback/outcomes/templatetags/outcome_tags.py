"""The progress panel on the episode page, for clinicians:

    {% load outcome_tags %}{% episode_progress episode scored %}

`scored`: the patient's scored assessments when the page read them already (optional).

It reads the outcome through the scoped, audited selector as the logged-in user and renders
nothing for front desk or the patient (whose portal shows progress in plain words).
"""

from __future__ import annotations

from typing import Any

from django import template

from acuback.accounts.models import CLINICAL_ROLES
from acuback.assessments.scored import Scored
from acuback.episodes.models import Episode
from acuback.outcomes.panel import goal_row, measure_rows, worse_names
from acuback.outcomes.presenting import RECOMMENDATION_WORDS, improvement_words
from acuback.outcomes.selectors import outcome_of_episode

register = template.Library()


@register.inclusion_tag("outcomes/_episode_panel.html", takes_context=True)
def episode_progress(context: template.Context, episode: Episode,
                     scored: Scored | None = None) -> dict[str, Any]:
    request = context.get("request")
    actor = getattr(request, "user", None)
    if context.get("role") not in CLINICAL_ROLES or actor is None:
        return {"visible": False}
    outcome = outcome_of_episode(actor=actor, episode=episode, scored=scored or None)
    progress = outcome.progress
    advice = progress.advice
    return {
        "visible": True, "episode": episode, "progress": progress,
        "measures": measure_rows(outcome), "goals": [goal_row(g) for g in progress.goals],
        "worse": worse_names(outcome), "improvement": improvement_words(progress),
        "recommendation": RECOMMENDATION_WORDS.get(advice.recommendation)  # type: ignore[arg-type]
        if advice.recommendation else None,
        "advice": advice,
    }
