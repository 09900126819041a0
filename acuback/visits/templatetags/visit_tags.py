"""Filters for the visit pages, and the visits panel other apps' pages include.

    {% load visit_tags %}{% episode_visits_panel episode %}   episode page: visits, link
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from acuback.accounts.models import CLINICAL_ROLES
from acuback.episodes.models import Episode
from acuback.visits.access import visits_count_and_last
from acuback.visits.drawing import Shape
from acuback.visits.models import Adjunct
from acuback.visits.widgets import esc, field_html, options_html

register = template.Library()

ADJUNCTS = dict(Adjunct.choices)


@register.simple_tag
def drawing_svg(shapes: list[Shape], viewbox: str, interactive: bool = False) -> SafeString:
    """The pain drawing's figure, its regions marked (visits/_pain_drawing.html), written
    directly: the episode page shows a dozen of them, twenty polygons each. A still drawing
    names the marked regions in its label."""
    named = "" if interactive else ": " + "".join(
        f"{esc(s.region.label)}; " for s in shapes if s.marked)
    regions = "".join(
        f"<polygon points=\"{esc(s.points)}\" class=\"region{' marked' if s.marked else ''}\" "
        f"data-region=\"{esc(s.region.id)}\"><title>{esc(s.region.label)}</title></polygon>"
        for s in shapes)
    return SafeString(
        f"<svg viewBox=\"{esc(viewbox)}\" class=\"body-outline\" role=\"img\" aria-label=\"Pain "
        f"drawing, back of the body{named}\" data-testid=\"pain-drawing\">\n    <circle cx=\"100\" "
        f"cy=\"28\" r=\"19\" class=\"head\"></circle>\n    {regions}\n    <text x=\"22\" y=\"438\" "
        f"class=\"side-label\">L</text><text x=\"170\" y=\"438\" class=\"side-label\">R</text>\n"
        f"  </svg>")


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
    count, last = visits_count_and_last(episode.pk)
    return {"show": True, "episode": episode, "count": count, "last": last}


@register.simple_tag
def options(choices: Any, selected: Any) -> str:
    """<option>s of (value, label) pairs, the selected one marked: written directly, for the
    rows the treatment-room page repeats (a template loop per select was most of its time)."""
    return options_html(choices, selected)


@register.simple_tag
def point_row(row: Any) -> str:
    """One point row of the treatment-room page (acuback.visits.rows)."""
    from acuback.visits.rows import point_row_html

    return point_row_html(row)


@register.simple_tag
def point_rows(rows: list[Any]) -> SafeString:
    """The point rows, each as `{% include "visits/_point_row.html" %}` writes it (the row and a
    newline), in one tag: an include per row cost more than the row."""
    from acuback.visits.rows import point_row_html

    return SafeString("".join(f"{point_row_html(row)}\n" for row in rows))


@register.simple_tag
def painkiller_rows(rows: list[Any], blank: Any) -> SafeString:
    """The painkiller rows and the blank one the page copies to add a row
    (visits/_painkiller_rows.html), each row written directly (acuback.visits.rows)."""
    from acuback.visits.rows import painkiller_row_html

    listed = "".join(painkiller_row_html(row) for row in rows)
    return SafeString(
        f"<ol class=\"pkrows\" id=\"pk-rows\" data-testid=\"pk-rows\">{listed}</ol>\n"
        "<button type=\"button\" data-add-row=\"pk-template\" data-into=\"pk-rows\" "
        "data-testid=\"add-painkiller\">Add a painkiller</button>\n"
        f"<template id=\"pk-template\">{painkiller_row_html(blank)}</template>")


@register.simple_tag
def field(bound: Any) -> str:
    """One form field as `{% include "web/_field.html" with field=... %}` writes it, written
    directly (acuback.visits.widgets.field_html): the visit pages repeat it thirty times."""
    return field_html(bound)
