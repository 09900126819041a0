"""acuback.web.inputs writes <input> widgets in Python: byte for byte what Django's own widget
templates write, for every kind it takes over, with values and attributes of every sort."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from acuback.patients.forms import PatientSearchForm, PortalInviteForm
from acuback.web.inputs import DIRECT_INPUTS

TEMPLATES = DjangoTemplates()

WIDGETS = [forms.TextInput(), forms.EmailInput(), forms.NumberInput(), forms.URLInput(),
           forms.PasswordInput(render_value=True), forms.HiddenInput(), forms.SearchInput(),
           forms.TelInput(), forms.DateInput(), forms.DateTimeInput(), forms.TimeInput(),
           forms.ColorInput()]
VALUES: list[Any] = [None, "", "plain", 'a "quoted" <b>&\'', mark_safe("<i>safe</i> &amp;"), 0,
                     42, 2.5]
ATTRS: list[dict[str, Any]] = [
    {}, {"required": True, "disabled": False, "maxlength": 320, "aria-describedby": "id_x_help",
         "id": "id_x"},
    {"placeholder": 'say "hi" & <go>', "data-none": None, "autocapitalize": "none"},
    {"title": mark_safe("<b>bold</b>"), "step": 0.5, "min": 0},
]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("attrs", ATTRS)
def test_it_writes_each_input_as_djangos_templates_do(widget: forms.Widget, value: Any,
                                                      attrs: dict[str, Any]) -> None:
    assert widget.render("field", value, attrs, renderer=DIRECT_INPUTS) == widget.render(
        "field", value, attrs, renderer=TEMPLATES)


def test_it_renders_any_other_widget_through_its_template() -> None:
    widget = forms.Select(choices=[("a", "A & B"), ("b", "B")])
    assert widget.render("s", "b", {"id": "id_s"}, renderer=DIRECT_INPUTS) == widget.render(
        "s", "b", {"id": "id_s"}, renderer=TEMPLATES)
    area = forms.Textarea()
    assert area.render("t", "x < y", renderer=DIRECT_INPUTS) == area.render(
        "t", "x < y", renderer=TEMPLATES)


def test_the_charts_portal_form_writes_its_inputs_directly_and_the_same() -> None:
    form = PortalInviteForm(initial={"email": "o'brien@example.org", "username": "o'brien"})
    assert form.renderer is DIRECT_INPUTS
    for name in ("email", "username"):
        direct = str(form[name])
        form.renderer = TEMPLATES
        assert str(form[name]) == direct
        form.renderer = DIRECT_INPUTS
    bound = PortalInviteForm({"email": "not an email", "username": ""})
    bound.is_valid()
    direct = [str(bound[name]) for name in ("email", "username")]
    bound.renderer = TEMPLATES
    assert [str(bound[name]) for name in ("email", "username")] == direct
    assert 'aria-invalid="true"' in direct[0]


@pytest.mark.parametrize("data", [{}, {"q": 'O\'Brien <b>"x"', "dob": "1970-05-17"},
                                  {"q": "ada", "dob": "17/05/1970"}, {"dob": "1970-13-45"}])
def test_the_patient_lists_search_form_writes_its_inputs_directly_and_the_same(
        data: dict[str, str]) -> None:
    form = PatientSearchForm(data)
    assert form.renderer is DIRECT_INPUTS
    form.search()  # validates, as the list does before it renders
    direct = [str(form[name]) for name in ("q", "dob")]
    form.renderer = TEMPLATES
    assert [str(form[name]) for name in ("q", "dob")] == direct
