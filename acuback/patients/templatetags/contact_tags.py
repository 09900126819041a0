"""Contact details as people read them: `{{ patient.phone|phone:clinic.region }}`."""

from __future__ import annotations

from django import template

from acuback.patients.contact import DEFAULT_REGION, phone_shown

register = template.Library()


@register.filter
def phone(stored: str, region: str = DEFAULT_REGION) -> str:
    """A number stored in E.164, in the clinic country's national format (or international
    when it is another country's); "" stays "" so that `|default` still works."""
    return phone_shown(stored, region) if stored else ""
