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


def _errors_html(field: forms.BoundField) -> SafeString | str:
    if not field.errors:
        return ""
    return format_html("<div class=\"field-error\" id=\"{}_error\">{}</div>", field.auto_id,
                       format_html_join("", "<p>{}</p>", ((e,) for e in field.errors)))


def field_html(field: forms.BoundField) -> SafeString:
    """One form field as web/_field.html writes it (label, input, help, what is wrong with it),
    written directly: the treatment-room page has some thirty, and an include each was a large
    part of the time it took to open. The kinds the visit forms use are written here (text,
    number, select, textarea, date-time, hidden, check box); any other falls back to the
    template, so the markup never differs from the rest of the site's."""
    kind = field.widget_type
    has_error = " has-error" if field.errors else ""
    if kind == "hidden":
        return SafeString(str(field))
    if kind == "checkbox":
        return format_html(
            "<div class=\"field check{}\">\n  <label for=\"{}\">{} <span>{}</span></label>\n  "
            "{}\n</div>", has_error, field.id_for_label, field, field.label, _errors_html(field))
    if kind in {"radioselect", "checkboxselectmultiple"}:
        from django.template.loader import render_to_string

        return SafeString(render_to_string("web/_field.html", {"field": field}))
    optional = SafeString(" <span class=\"optional\">(optional)</span>") if (
        not field.field.required) else ""
    help_text = format_html("<p class=\"help\" id=\"{}_helptext\">{}</p>", field.auto_id,
                            field.help_text) if field.help_text else ""
    return format_html(
        "<div class=\"field{}\">\n  <label for=\"{}\">{}{}</label>\n  {}\n  {}\n  {}\n</div>",
        has_error, field.id_for_label, field.label, optional, field, help_text,
        _errors_html(field))
