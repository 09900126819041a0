"""{% start_section shown %}: render one start-page section (see acuback.web.start)."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from acuback.web.start import Shown

register = template.Library()


@register.simple_tag(takes_context=True)
def start_section(context: template.Context, shown: Shown) -> SafeString:
    # With the request, so the section's template gets the context processors and csrf_token.
    return render_to_string(shown.section.template, shown.context, request=context["request"])
