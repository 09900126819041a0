"""Form widgets that render their HTML directly instead of through a template per widget and
per option: the treatment-room page has some sixty of them, and Django's template-rendered
widgets made up most of the time it took to open (bench/bench_visit_page.py). The HTML is the
same as Django's own widgets write, escaped as the template engine escapes (`esc`)."""

from __future__ import annotations

import copy
import html
from typing import Any, TypeVar

from django import forms
from django.forms.widgets import ChoiceWidget
from django.utils.safestring import SafeString


def esc(value: Any) -> str:
    """As Django's conditional_escape, without its per-call overhead (the treatment-room page
    escapes some two thousand values): HTML that is safe already as it is, anything else
    escaped (& < > " ' as django.utils.html.escape does)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def options_html(choices: Any, selected: Any) -> SafeString:
    """<option>s of (value, label) pairs, those whose value is in `selected` (one value or a
    set of them) marked."""
    chosen = {str(v) for v in selected} if isinstance(selected, (set, list, tuple)) else {
        "" if selected is None else str(selected)}
    return SafeString("".join(
        f"<option value=\"{esc(value)}\"{' selected' if str(value) in chosen else ''}>"
        f"{esc(label)}</option>" for value, label in choices))


def flatatt(attrs: dict[str, Any]) -> str:
    """django.forms.utils.flatatt, escaped by `esc`: ' key="value"' pairs sorted, then the
    true booleans (False and None left out)."""
    pairs = sorted((k, v) for k, v in attrs.items() if not isinstance(v, bool) and v is not None)
    flags = sorted(k for k, v in attrs.items() if v is True)
    return "".join(f' {esc(k)}="{esc(v)}"' for k, v in pairs) + "".join(
        f" {esc(k)}" for k in flags)


def _attrs(widget: forms.Widget, name: str, attrs: dict[str, Any] | None,
           **extra: Any) -> dict[str, Any]:
    built = widget.build_attrs(widget.attrs, attrs)
    return {"name": name, **built, **extra}


class TextInput(forms.TextInput):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        found = self.format_value(value)
        extra = {"value": found} if found is not None else {}
        return SafeString(f"<input type=\"{esc(self.input_type)}\""
                          f"{flatatt(_attrs(self, name, attrs, **extra))}>")


class NumberInput(TextInput):
    input_type = "number"


class HiddenInput(TextInput):
    input_type = "hidden"


class Textarea(forms.Textarea):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        return SafeString(f"<textarea{flatatt(_attrs(self, name, attrs))}>\n"
                          f"{esc(self.format_value(value) or '')}</textarea>")


class Select(forms.Select):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        options = options_html(self.choices, set(self.format_value(value)))
        return SafeString(f"<select{flatatt(_attrs(self, name, attrs))}>{options}</select>")


class PasswordInput(forms.PasswordInput):
    """Never shows the value unless asked to (as Django's); its attributes in Django's order,
    which the sign form has always written."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        found = self.format_value(value) if self.render_value else None
        shown = f" value=\"{esc(found)}\"" if found is not None else ""
        built = self.build_attrs(self.attrs, attrs)
        rest = "".join(f" {esc(k)}" if v is True else f" {esc(k)}=\"{esc(v)}\""
                       for k, v in built.items() if v is not False and v is not None)
        return SafeString(f"<input type=\"password\" name=\"{esc(name)}\"{shown}{rest}>")


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker, in the clinic's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        found = self.format_value(value)
        extra = {"value": found} if found else {}
        return SafeString(
            f"<input type=\"datetime-local\"{flatatt(_attrs(self, name, attrs, **extra))}>")


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Tick boxes, each in its label, as the visit templates lay them out."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        chosen = {str(v) for v in (value or [])}
        base = _attrs(self, name, attrs)
        prefix = base.pop("id", f"id_{name}")
        prefix, name_ = esc(prefix), esc(name)
        boxes = "".join(
            f"<label for=\"{prefix}_{i}\"><input type=\"checkbox\" name=\"{name_}\" "
            f"value=\"{esc(v)}\" id=\"{prefix}_{i}\"{' checked' if str(v) in chosen else ''}> "
            f"<span>{esc(label)}</span></label>" for i, (v, label) in enumerate(self.choices))
        return SafeString(f"<div class=\"choice-grid\">{boxes}</div>")


FAST: dict[type[forms.Widget], type[forms.Widget]] = {
    forms.TextInput: TextInput, forms.NumberInput: NumberInput, forms.HiddenInput: HiddenInput,
    forms.PasswordInput: PasswordInput,
    forms.Textarea: Textarea, forms.Select: Select,
    forms.CheckboxSelectMultiple: CheckboxSelectMultiple,
}
F = TypeVar("F", bound=type[forms.BaseForm])


def fast(form_class: F) -> F:
    """Class decorator: every widget of the form's fields that has a direct-rendering twin
    here becomes it (attributes and choices kept), and each new form copies its fields by
    `_FieldCopies` instead of a deep copy."""
    for field in form_class.base_fields.values():  # type: ignore[attr-defined]
        twin = FAST.get(type(field.widget))
        if twin is not None:
            widget = copy.copy(field.widget)
            widget.__class__ = twin
            field.widget = widget
    form_class.base_fields = _FieldCopies(form_class.base_fields)  # type: ignore[attr-defined]
    return form_class


_PLAIN = {forms.Field.__deepcopy__, forms.ChoiceField.__deepcopy__,
          forms.Widget.__deepcopy__, ChoiceWidget.__deepcopy__}


class _FieldCopies(dict[str, forms.Field]):
    """A form class's fields, which every form copies (BaseForm.__init__ deep-copies them, so
    that one form changing its fields changes no other): copied as Field.__deepcopy__ and
    Widget.__deepcopy__ copy them (the field and its widget each a copy; its attributes, error
    messages and validators each a copy of their own), but the choices shared, not copied and
    normalized again: a list no form changes in place (a form that changes a field's choices
    assigns new ones, as AdverseEventForm does). On the treatment-room page the deep copy cost
    as much as rendering every field of the form. Any other kind of field or widget is deep-
    copied as before."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return {name: _field_copy(field, memo) for name, field in self.items()}


def _shallow(obj: Any) -> Any:
    """copy.copy of a plain object (no __copy__, __reduce__ or slots of its own: _PLAIN's)."""
    found = object.__new__(type(obj))
    found.__dict__.update(obj.__dict__)
    return found


def _field_copy(field: forms.Field, memo: dict[int, Any]) -> forms.Field:
    widget = field.widget
    if type(field).__deepcopy__ not in _PLAIN or type(widget).__deepcopy__ not in _PLAIN:
        return copy.deepcopy(field, memo)
    found = _shallow(field)
    found.widget = _shallow(widget)
    found.widget.attrs = widget.attrs.copy()
    found.error_messages = field.error_messages.copy()
    found.validators = field.validators[:]
    memo[id(field)], memo[id(widget)] = found, found.widget
    return found


def _errors_html(field: forms.BoundField, errors: Any) -> str:
    if not errors:
        return ""
    problems = "".join(f"<p>{esc(e)}</p>" for e in errors)
    return f"<div class=\"field-error\" id=\"{esc(field.auto_id)}_error\">{problems}</div>"


def field_html(field: forms.BoundField) -> SafeString:
    """One form field as web/_field.html writes it (label, input, help, what is wrong with it),
    written directly: the treatment-room page has some thirty, and an include each was a large
    part of the time it took to open. The kinds the visit forms use are written here (text,
    number, select, textarea, date-time, hidden, check box); any other falls back to the
    template, so the markup never differs from the rest of the site's."""
    kind = field.widget_type
    errors = field.errors  # a new list at each read: read once
    has_error = " has-error" if errors else ""
    if kind == "hidden":
        return SafeString(str(field))
    if kind == "checkbox":
        return SafeString(
            f"<div class=\"field check{has_error}\">\n  <label for=\"{esc(field.id_for_label)}\">"
            f"{field} <span>{esc(field.label)}</span></label>\n  "
            f"{_errors_html(field, errors)}\n</div>")
    if kind in {"radioselect", "checkboxselectmultiple"}:
        from django.template.loader import render_to_string

        return SafeString(render_to_string("web/_field.html", {"field": field}))
    optional = " <span class=\"optional\">(optional)</span>" if not field.field.required else ""
    help_text = (f"<p class=\"help\" id=\"{esc(field.auto_id)}_helptext\">"
                 f"{esc(field.help_text)}</p>") if field.help_text else ""
    return SafeString(
        f"<div class=\"field{has_error}\">\n  <label for=\"{esc(field.id_for_label)}\">"
        f"{esc(field.label)}{optional}</label>\n  {field}\n  {help_text}\n  "
        f"{_errors_html(field, errors)}\n</div>")
