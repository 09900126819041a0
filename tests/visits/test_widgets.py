"""The visit forms' own copy of their fields (visits.widgets._FieldCopies): each form has
fields of its own, as Django's deep copy gives it, without copying the choices again."""

from __future__ import annotations

import copy

from django import forms

from acuback.visits import widgets
from acuback.visits.forms import SignForm, VisitForm


def test_it_gives_each_form_fields_and_widgets_of_its_own() -> None:
    first, second = VisitForm(), VisitForm()
    for name, base in VisitForm.base_fields.items():
        mine, theirs = first.fields[name], second.fields[name]
        assert mine is not base and mine is not theirs and type(mine) is type(base)
        assert mine.widget is not base.widget and mine.widget is not theirs.widget
        assert type(mine.widget) is type(base.widget)
        assert mine.widget.attrs == base.widget.attrs and mine.widget.attrs is not base.widget.attrs
        assert mine.error_messages is not base.error_messages
        assert mine.validators is not base.validators
    # What one form changes of its fields no other form sees.
    first.fields["room"].widget.attrs["data-x"] = "1"
    first.fields["room"].error_messages["required"] = "changed"
    first.fields["room"].validators.append(lambda value: None)
    first.fields["room"].label = "Changed"
    first.fields["needle_mismatch_reason"].choices = [("only", "Only")]
    fresh = VisitForm()
    for form in (second, fresh):
        room = form.fields["room"]
        assert "data-x" not in room.widget.attrs and room.label != "Changed"
        assert room.error_messages == VisitForm.base_fields["room"].error_messages
        assert len(room.validators) == len(VisitForm.base_fields["room"].validators)
        reasons = form.fields["needle_mismatch_reason"]
        assert list(reasons.choices) == list(VisitForm.base_fields["needle_mismatch_reason"]
                                             .choices) != [("only", "Only")]
        assert list(reasons.widget.choices) == list(reasons.choices)


def test_it_renders_a_form_as_with_djangos_deep_copy() -> None:
    ours = VisitForm(initial={"room": "Room 2", "adjuncts": ["heat"], "pain_before": 4})
    theirs = VisitForm(initial={"room": "Room 2", "adjuncts": ["heat"], "pain_before": 4})
    theirs.fields = copy.deepcopy(dict(VisitForm.base_fields))  # Django's own copy
    assert [str(ours[n]) for n in ours.fields] == [str(theirs[n]) for n in theirs.fields]


def test_it_deep_copies_a_kind_of_field_it_does_not_know() -> None:
    class Special(forms.CharField):
        def __deepcopy__(self, memo: dict[int, object]) -> Special:
            found = super().__deepcopy__(memo)
            found.copied = True  # type: ignore[attr-defined]
            return found

    @widgets.fast
    class WithSpecial(forms.Form):
        text = Special()

    assert WithSpecial().fields["text"].copied  # type: ignore[attr-defined]
    assert isinstance(SignForm.base_fields, widgets._FieldCopies)
