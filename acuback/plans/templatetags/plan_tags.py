"""Tags for other apps' pages: the episode's red-flag status and plan, for clinicians only.

    {% load plan_tags %}{% episode_care_panel episode %}   episode page: status, plan, links
    {% load plan_tags %}{% episode_care_badge episode %}   patient chart: one line per episode
"""

from __future__ import annotations

from typing import Any

from django import template

from acuback.accounts.models import CLINICAL_ROLES
from acuback.episodes.models import Episode
from acuback.plans.selectors import plan_current
from acuback.screening.selectors import screening_status

register = template.Library()


def _care(context: template.Context, episode: Episode) -> dict[str, Any]:
    # The page's own view fetched the episode through its scoped, audited selector; clinical
    # roles only, because front desk and patients do not see screens or plans.
    if context.get("role") not in CLINICAL_ROLES:
        return {"status": None}
    # The stylesheet is linked once per page, however many episodes the page lists.
    first = "plans_css" not in context.render_context
    context.render_context["plans_css"] = True
    return {"episode": episode, "status": screening_status(episode),
            "plan": plan_current(episode), "link_css": first}


@register.inclusion_tag("plans/_episode_panel.html", takes_context=True)
def episode_care_panel(context: template.Context, episode: Episode) -> dict[str, Any]:
    return _care(context, episode)


@register.inclusion_tag("plans/_episode_badge.html", takes_context=True)
def episode_care_badge(context: template.Context, episode: Episode) -> dict[str, Any]:
    return _care(context, episode)


SIDE_WORDS = {"bilateral": "both sides", "left": "left", "right": "right", "midline": "midline"}


@register.filter
def side_words(side: object) -> str:
    """bilateral -> both sides (prescriber and stored sides share these values)."""
    value = str(getattr(side, "value", side) or "")
    return SIDE_WORDS.get(value, value)


@register.filter
def words(identifier: object) -> str:
    """lower_back -> lower back."""
    return str(identifier or "").replace("_", " ")
