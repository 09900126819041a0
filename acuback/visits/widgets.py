"""Form widgets that render their HTML directly instead of through a template per widget and
per option: the treatment-room page has some sixty of them, and Django's template-rendered
widgets made up most of the time it took to open (bench/bench_visit_page.py). The HTML is the
same as Django's own widgets write, escaped by format_html."""

from __future__ import annotations

import copy
from typing import Any, TypeVar

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def options_html(choices: Any, selected: Any) -> SafeString:
    """<option>s of (value, label) pairs, those whose value is in `selected` (one value or a
    set of them) marked."""
    chosen = {str(v) for v in selected} if isinstance(selected, (set, list, tuple)) else {
        "" if selected is None else str(selected)}
    return format_html_join("", "<option value=\"{}\"{}>{}</option>", (
        (value, " selected" if str(value) in chosen else "", label) for value, label in choices))


def _attrs(widget: forms.Widget, name: str, attrs: dict[str, Any] | None,
           **extra: Any) -> dict[str, Any]:
    built = widget.build_attrs(widget.attrs, attrs)
    return {"name": name, **built, **extra}


class TextInput(forms.TextInput):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        found = self.format_value(value)
        extra = {"value": found} if found is not None else {}
        return format_html("<input type=\"{}\"{}>", self.input_type,
                           flatatt(_attrs(self, name, attrs, **extra)))


class NumberInput(TextInput):
    input_type = "number"


class HiddenInput(TextInput):
    input_type = "hidden"


class Textarea(forms.Textarea):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        return format_html("<textarea{}>\n{}</textarea>", flatatt(_attrs(self, name, attrs)),
                           self.format_value(value) or "")


class Select(forms.Select):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        options = options_html(self.choices, set(self.format_value(value)))
        return format_html("<select{}>{}</select>", flatatt(_attrs(self, name, attrs)), options)


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker, in the clinic's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        found = self.format_value(value)
        extra = {"value": found} if found else {}
        return format_html("<input type=\"datetime-local\"{}>",
                           flatatt(_attrs(self, name, attrs, **extra)))


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Tick boxes, each in its label, as the visit templates lay them out."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        chosen = {str(v) for v in (value or [])}
        base = _attrs(self, name, attrs)
        prefix = base.pop("id", f"id_{name}")
        boxes = format_html_join("", "<label for=\"{}_{}\"><input type=\"checkbox\" "
                                 "name=\"{}\" value=\"{}\" id=\"{}_{}\"{}> <span>{}</span></label>",
                                 ((prefix, i, name, v, prefix, i,
                                   " checked" if str(v) in chosen else "", label)
                                  for i, (v, label) in enumerate(self.choices)))
        return format_html("<div class=\"choice-grid\">{}</div>", boxes)


FAST: dict[type[forms.Widget], type[forms.Widget]] = {
    forms.TextInput: TextInput, forms.NumberInput: NumberInput, forms.HiddenInput: HiddenInput,
    forms.Textarea: Textarea, forms.Select: Select,
    forms.CheckboxSelectMultiple: CheckboxSelectMultiple,
}
F = TypeVar("F", bound=type[forms.BaseForm])


def fast(form_class: F) -> F:
    """Class decorator: every widget of the form's fields that has a direct-rendering twin
    here becomes it (attributes and choices kept)."""
    for field in form_class.base_fields.values():  # type: ignore[attr-defined]
        twin = FAST.get(type(field.widget))
        if twin is not None:
            widget = copy.copy(field.widget)
            widget.__class__ = twin
            field.widget = widget
    return form_class
