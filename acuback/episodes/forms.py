"""Forms for episodes of care; the rules (onset not after today, a valid ICD-10-CM code) are the
service's, shown beside the fields."""

from __future__ import annotations

from typing import Any

from django import forms

from acuback.clinical.icd10 import code_list
from acuback.episodes.models import Episode, EpisodeStatus, Radiation, Region, Side
from acuback.episodes.services import EpisodeInput
from acuback.patients.forms import DateInput, ServiceErrorsMixin

CODES_DATALIST = "icd10-codes"


class EpisodeForm(ServiceErrorsMixin, forms.Form):
    onset_date = forms.DateField(label="When the pain began", widget=DateInput())
    region = forms.ChoiceField(choices=[("", "Choose…"), *Region.choices])
    side = forms.ChoiceField(choices=[("", "Choose…"), *Side.choices])
    radiation = forms.ChoiceField(choices=Radiation.choices, initial=Radiation.NONE,
                                  label="Pain spreading into the leg")
    icd10_code = forms.CharField(
        label="ICD-10-CM code", max_length=10,
        help_text=f"From ICD-10-CM {code_list().version}: type a code or pick one from the list.",
        widget=forms.TextInput(attrs={"list": CODES_DATALIST, "autocomplete": "off",
                                      "autocapitalize": "characters", "spellcheck": "false"}),
    )
    suspected_cause = forms.CharField(required=False, max_length=300)
    surgery_associated = forms.BooleanField(required=False,
                                            label="Follows surgery on the back")
    pregnancy_associated = forms.BooleanField(required=False, label="Linked to pregnancy")

    def to_input(self) -> EpisodeInput:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        return EpisodeInput(**data)


class EpisodeEditForm(EpisodeForm):
    status = forms.ChoiceField(choices=EpisodeStatus.choices)
    # The version the editor read: a stale one is refused instead of overwriting someone's work.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput())


def episode_initial(episode: Episode) -> dict[str, Any]:
    return {name: getattr(episode, name) for name in EpisodeEditForm.base_fields}
