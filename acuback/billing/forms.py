"""Forms of the billing pages. They parse what was typed; the rules are the services'."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from acuback.billing.models import AbnOption, Payer, PaymentMethod
from acuback.billing.services import AbnInput, ClinicBillingInput, PaymentInput
from acuback.clinical.cpt import cpt_table
from acuback.patients.forms import ServiceErrorsMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PayerForm(ServiceErrorsMixin, forms.Form):
    payer = forms.ChoiceField(choices=[("", "Not recorded yet"), *Payer.choices],
                              required=False, widget=forms.RadioSelect)
    member_id = forms.CharField(
        label="Medicare Beneficiary Identifier (or member ID)", max_length=20, required=False,
        help_text="The 11 characters on the red, white and blue Medicare card, e.g. "
        "1EG4-TE5-MK73.", widget=forms.TextInput(attrs={"autocomplete": "off",
                                                        "autocapitalize": "characters"}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AbnForm(ServiceErrorsMixin, forms.Form):
    signed_on = forms.DateField(label="Signed by the patient on", widget=DATE)
    covers_until = forms.DateField(
        label="Course of treatment it names ends on", widget=DATE,
        help_text="One notice may cover a course of visits when it names them and their "
        "period.")
    option = forms.ChoiceField(label="The option the patient chose", choices=AbnOption.choices,
                               widget=forms.RadioSelect)
    reason = forms.CharField(label="Why Medicare may not pay (as the notice says)",
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    estimated_cost = forms.CharField(label="Estimated cost on the notice ($)", max_length=12,
                                     required=False)

    def to_input(self) -> AbnInput:
        return AbnInput(**self.cleaned_data)


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=2000, widget=forms.TextInput(attrs={
        "placeholder": "Why it no longer counts"}))


class PaymentForm(ServiceErrorsMixin, forms.Form):
    received_on = forms.DateField(widget=DATE, initial=timezone.localdate)
    amount = forms.CharField(label="Amount ($)", max_length=12)
    method = forms.ChoiceField(choices=PaymentMethod.choices)
    reference = forms.CharField(max_length=100, required=False,
                                help_text="A receipt, check or remittance number.")
    visit_id = forms.TypedChoiceField(label="For the visit", coerce=int, empty_value=None,
                                      required=False, choices=[])

    def __init__(self, *args: object, visits: list[tuple[int, str]] = (), **kwargs: object
                 ) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["visit_id"].choices = [("", "No particular visit"), *visits]  # type: ignore[attr-defined]

    def to_input(self) -> PaymentInput:
        return PaymentInput(**self.cleaned_data)


class PeriodForm(forms.Form):
    since = forms.DateField(widget=DATE, required=False, label="From")
    until = forms.DateField(widget=DATE, required=False, label="To")

    def dates(self) -> tuple[dt.date | None, dt.date | None]:
        if not self.is_valid():
            return None, None
        return self.cleaned_data["since"], self.cleaned_data["until"]


class FeeForm(ServiceErrorsMixin, forms.Form):
    code = forms.ChoiceField(choices=[(c.code, f"{c.code} · {c.short}")
                                      for c in cpt_table().codes.values()])
    unit_charge = forms.CharField(label="Charge per unit ($)", max_length=12)
    effective_from = forms.DateField(widget=DATE, initial=timezone.localdate,
                                     label="From (the day of service)")


class ClinicBillingForm(ServiceErrorsMixin, forms.Form):
    billing_name = forms.CharField(max_length=200, required=False,
                                   help_text="As it appears on claims (item 33).")
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              max_length=2000)
    phone = forms.CharField(max_length=40, required=False)
    group_npi = forms.CharField(label="Group NPI", max_length=10, required=False)
    tax_id = forms.CharField(label="Federal tax ID (EIN)", max_length=10, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def to_input(self) -> ClinicBillingInput:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        return ClinicBillingInput(**data)


class RederiveForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.TextInput(attrs={
        "placeholder": "What was fixed, e.g. the payer is recorded now"}))


class SupervisionForm(forms.Form):
    present = forms.TypedChoiceField(
        label="Direct supervision", coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", "The supervising physician was in the office suite, immediately "
                  "available, throughout"), ("no", "They were not")])
