"""Forms for the red-flag screen and the referral outcome. They only parse what was typed; the
rules (every question answered, a note for a clearance) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms

from acuback.clinical.screening import CATEGORY_OF, FLAG_QUESTIONS, Category
from acuback.patients.forms import ServiceErrorsMixin
from acuback.screening.models import ReferralOutcome

YES, NO = "yes", "no"

# Headings that group the questions on the form, in the order the core lists the flags.
GROUP_TITLES: dict[Category, str] = {
    Category.CAUDA_EQUINA: "Nerves, bladder and bowel",
    Category.FRACTURE: "Injury and bone strength",
    Category.MALIGNANCY: "Cancer, weight and night pain",
    Category.INFECTION: "Infection",
    Category.INFLAMMATORY: "Stiffness and age at onset",
    Category.THORACIC: "Where the pain is",
}


class ScreeningForm(ServiceErrorsMixin, forms.Form):
    """One yes/no question per red flag, none pre-answered: each must be asked. A blank answer
    reaches the service as None, which refuses it unless the person pressed "no to every
    question still blank" (`rest_no`)."""

    rest_no = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for flag, question in FLAG_QUESTIONS.items():
            self.fields[str(flag)] = forms.ChoiceField(
                label=question, choices=[(YES, "Yes"), (NO, "No")], widget=forms.RadioSelect,
                required=False,
            )

    def flags(self) -> dict[str, bool | None]:
        return {str(flag): {YES: True, NO: False}.get(self.cleaned_data[str(flag)])
                for flag in FLAG_QUESTIONS}

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The questions under their headings, for the template."""
        grouped: dict[Category, list[forms.BoundField]] = {}
        for flag in FLAG_QUESTIONS:
            grouped.setdefault(CATEGORY_OF[flag], []).append(self[str(flag)])
        return [(GROUP_TITLES[category], fields) for category, fields in grouped.items()]


class ReferralForm(ServiceErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="What came of the referral", choices=ReferralOutcome.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        required=False, max_length=2000, label="Note (who assessed or cleared the patient, "
        "when, and on what grounds)", widget=forms.Textarea(attrs={"rows": 3}),
    )
