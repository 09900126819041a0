"""The portal's forms. A yes/no questionnaire (the RMDQ) is a checklist: the patient ticks the
statements that describe them today and leaves the rest unticked, which count as "does not
apply" (Roland & Morris 1983 score ticked statements; DOMAIN.md 1.2: electronic capture shows
every statement, and none is left unanswered because an unticked box is an answer)."""

from __future__ import annotations

from typing import Any

from django import forms

from acuback.clinical import instruments
from acuback.patients.forms import DateInput


def is_checklist(definition: instruments.Definition) -> bool:
    return all(sorted(i.codes) == [0, 1] for i in definition.items)


class ChecklistForm(forms.Form):
    def __init__(self, *args: Any, definition: instruments.Definition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        for n, item in enumerate(definition.items, start=1):
            self.fields[f"item_{n}"] = forms.BooleanField(required=False,
                                                          label=item.text or item.label)

    def answers(self) -> list[int | None]:
        return [1 if self.cleaned_data[f"item_{n}"] else 0
                for n in range(1, len(self.definition.items) + 1)]


class BookRequestForm(forms.Form):
    appointment_type = forms.TypedChoiceField(coerce=int, label="What for")
    practitioner = forms.TypedChoiceField(coerce=int, label="With")
    day = forms.DateField(label="From", widget=DateInput())

    def __init__(self, *args: Any, types: list[Any], people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["appointment_type"].choices = [  # type: ignore[attr-defined]
            (t.pk, f"{t.name} ({t.minutes} minutes)") for t in types]
        self.fields["practitioner"].choices = [  # type: ignore[attr-defined]
            (p.pk, p.get_full_name() or p.username) for p in people]
