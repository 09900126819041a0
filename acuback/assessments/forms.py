"""A questionnaire as a web form: one required radio group per item, built from the
instrument's definition (and the clinic's licensed wording when loaded).

Forms only parse: the service scores, stores and decides. Every item must be given an answer,
so an item left out by accident is caught beside that item; where the instrument allows skipped
items (ODI), "skipped" is one of the answers, chosen on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone

from acuback.assessments.models import TimePoint
from acuback.clinical.instruments import Definition, Item, Wording
from acuback.errors import InputError

SKIP = "skip"
SCALE_MIN_OPTIONS = 5
# Answers that fit on one line of a wide screen sit side by side (e.g. agree / disagree).
COMPACT_OPTIONS = 4
COMPACT_CHARACTERS = 48


@dataclass(frozen=True)
class OptionRow:
    value: str
    label: str
    checked: bool
    html_id: str


@dataclass(frozen=True)
class ItemRow:
    number: int
    name: str
    text: str
    options: list[OptionRow]
    errors: list[str]
    scale: bool  # numbered buttons in a row, with the words for the two ends underneath
    compact: bool  # short answers: side by side on a wide screen
    low_label: str
    high_label: str

    @property
    def answered(self) -> bool:
        return any(option.checked for option in self.options)


def item_text(definition: Definition, number: int, wording: Wording | None) -> str:
    """The clinic's licensed wording, else the validated wording we ship, else our label."""
    item = definition.items[number - 1]
    if wording is not None:
        return wording.item_texts[number - 1]
    return item.text or item.label[:1].upper() + item.label[1:]


def option_labels(item: Item, number: int, wording: Wording | None) -> list[str]:
    if wording is not None:
        return list(wording.option_labels[number - 1])
    return [option.label for option in item.options]


def _is_scale(item: Item, labels: list[str]) -> bool:
    middle = zip(item.options[1:-1], labels[1:-1], strict=True)
    return len(item.options) >= SCALE_MIN_OPTIONS and all(
        label == str(option.code) for option, label in middle
    )


class ResponseForm(forms.Form):
    def __init__(
        self, *args: Any, definition: Definition, wording: Wording | None, clinician: bool,
        time_point: str = TimePoint.BASELINE, **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.wording = wording
        self.clinician = clinician
        for number, item in enumerate(definition.items, start=1):
            self.fields[self.item_name(number)] = self._item_field(number, item)
        if clinician:
            self._when_fields(time_point)

    @property
    def title(self) -> str:
        return (self.wording.title if self.wording and self.wording.title
                else self.definition.name)

    @property
    def instructions(self) -> str:
        if self.wording and self.wording.instructions:
            return self.wording.instructions
        return self.definition.instructions

    @staticmethod
    def item_name(number: int) -> str:
        return f"item_{number}"

    def _item_field(self, number: int, item: Item) -> forms.ChoiceField:
        choices = [(str(o.code), label) for o, label in
                   zip(item.options, option_labels(item, number, self.wording), strict=True)]
        required = "Choose an answer for this question."
        if self.definition.max_missing:
            skip = "Skipped / does not apply" if self.clinician else "Skip this one"
            choices.append((SKIP, skip))
            required = "Choose an answer, or mark it skipped."
        return forms.ChoiceField(
            choices=choices, widget=forms.RadioSelect,
            error_messages={"required": required,
                            "invalid_choice": "That is not one of the answers; choose again."},
        )

    def _when_fields(self, time_point: str) -> None:
        self.fields["time_point"] = forms.ChoiceField(
            choices=TimePoint.choices, initial=time_point, label="Time point"
        )
        self.fields["visit_number"] = forms.IntegerField(
            required=False, min_value=1, max_value=200, label="Visit number",
            help_text="Only for 'before a visit'.",
        )
        self.fields["administered_at"] = forms.DateTimeField(
            required=False, label="Answered at",
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
            help_text="Leave as it is for now.",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        limit = self.definition.max_missing
        skipped = [n for n in range(1, len(self.definition.items) + 1)
                   if data.get(self.item_name(n)) == SKIP]
        if limit and len(skipped) > limit:
            raise forms.ValidationError(
                f"At most {limit} may be skipped; {len(skipped)} are. Answer "
                f"{len(skipped) - limit} more, please."
            )
        return data

    # What the service needs, once the form is valid.

    def answers(self) -> list[int | None]:
        values = [self.cleaned_data[self.item_name(n)]
                  for n in range(1, len(self.definition.items) + 1)]
        return [None if value == SKIP else int(value) for value in values]

    def when(self) -> dict[str, Any]:
        if not self.clinician:
            return {}
        return {
            "time_point": self.cleaned_data["time_point"],
            "visit_number": self.cleaned_data.get("visit_number"),
            "administered_at": self.cleaned_data.get("administered_at"),
        }

    def add_service_errors(self, exc: InputError) -> None:
        """Show the service's refusal beside the field it names, else above the form."""
        for field, messages in exc.errors.items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message)

    # What the template draws.

    def rows(self) -> list[ItemRow]:
        return [self._row(n, item) for n, item in enumerate(self.definition.items, start=1)]

    def _row(self, number: int, item: Item) -> ItemRow:
        name = self.item_name(number)
        field = self.fields[name]
        chosen = self[name].value() if self.is_bound else None
        options = [
            OptionRow(str(value), str(label), str(value) == chosen, f"id_{name}_{value}")
            for value, label in field.choices  # type: ignore[attr-defined]
        ]
        labels = [o.label for o in options if o.value != SKIP]
        return ItemRow(
            number=number, name=name, text=item_text(self.definition, number, self.wording),
            options=options, errors=list(self.errors.get(name, [])),
            scale=_is_scale(item, labels), low_label=labels[0], high_label=labels[-1],
            compact=len(options) <= COMPACT_OPTIONS
            and sum(len(option.label) for option in options) <= COMPACT_CHARACTERS,
        )

    def answered_count(self) -> int:
        return sum(1 for row in self.rows() if row.answered)
