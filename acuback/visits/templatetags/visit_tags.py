"""Filters for the visit pages, and the visits panel other apps' pages include.

    {% load visit_tags %}{% episode_visits_panel episode %}   episode page: visits, link
"""

from __future__ import annotations

from typing import Any

from django import template

from acuback.accounts.models import CLINICAL_ROLES
from acuback.episodes.models import Episode
from acuback.visits.access import live_visits
from acuback.visits.models import Adjunct

register = template.Library()

ADJUNCTS = dict(Adjunct.choices)


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def attr(obj: Any, name: str) -> Any:
    return getattr(obj, name, "")


@register.filter
def tri(value: bool | None) -> str:
    """Unknown is not no: null reads "not recorded"."""
    return "not recorded" if value is None else ("yes" if value else "no")


@register.filter
def adjunct(value: str) -> str:
    return str(ADJUNCTS.get(value, value))


@register.filter
def field_value(form: Any, name: str) -> str:
    value = form[name].value()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


@register.filter
def field_label(form: Any, name: str) -> str:
    return str(form[name].label)


@register.inclusion_tag("visits/_episode_panel.html", takes_context=True)
def episode_visits_panel(context: template.Context, episode: Episode) -> dict[str, Any]:
    # The page's own view fetched the episode through its scoped, audited selector; visit
    # content is for clinicians only.
    if context.get("role") not in CLINICAL_ROLES:
        return {"show": False}
    visits = live_visits(episode.visits.all())
    return {"show": True, "episode": episode, "count": visits.count(),
            "last": visits.order_by("-started_at").first()}
