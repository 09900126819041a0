"""A form renderer that writes <input> widgets in Python, byte for byte as Django's own
templates write them (django/forms/widgets/input.html with attrs.html, which text, email,
number, password, hidden and the other one-line inputs include, the result stripped as
Django's renderer strips it), and renders every other widget through its template as usual.
A template render per input was the largest part of rendering a small form: the chart's
portal invitation (two inputs) took about a tenth of the page's CPU.

A form opts in with `default_renderer = DIRECT_INPUTS` (one instance: a renderer builds its
template engine once)."""

from __future__ import annotations

from html import escape
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeData

_INPUTS = frozenset(f"django/forms/widgets/{kind}.html" for kind in (
    "input", "text", "email", "number", "url", "tel", "password", "hidden", "search", "date",
    "datetime", "time", "color"))


def input_html(widget: dict[str, Any]) -> str:
    """input.html and attrs.html of a widget's context, as the template engine writes them: the
    type and name as `{{ x }}` (escaped unless safe already); the value and each attribute's
    value as `{{ x|stringformat:'s' }}`, which is str(x), escaped unless x was safe; an
    attribute that is False left out, one that is True written bare, any other (None too)
    with its value."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    attrs = "".join(
        f" {_shown(name)}" if found is True else f' {_shown(name)}="{_formatted(found)}"'
        for name, found in widget["attrs"].items() if found is not False)
    return f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{shown}{attrs}>'


def _shown(value: Any) -> str:
    """`{{ value }}` of a string: conditional_escape."""
    return str(value.__html__()) if hasattr(value, "__html__") else escape(str(value))


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps safe input safe (is_safe=True)."""
    return str(value) if isinstance(value, SafeData) else escape(str(value))


class DirectInputs(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name in _INPUTS:
            return input_html(context["widget"])
        return super().render(template_name, context, request)


DIRECT_INPUTS = DirectInputs()
