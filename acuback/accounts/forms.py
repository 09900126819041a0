"""Forms of the staff pages. They parse what was typed; the rules are the services'."""

from __future__ import annotations

from django import forms

from acuback.accounts.models import PractitionerProfile, ProviderKind, Role, SupervisorKind
from acuback.accounts.staff import Invitee
from acuback.patients.forms import ServiceErrorsMixin

STAFF_ROLE_CHOICES = [(Role.PRACTITIONER, "Practitioner"), (Role.FRONT_DESK, "Front desk"),
                      (Role.OWNER, "Owner (manages staff)")]


class InviteForm(ServiceErrorsMixin, forms.Form):
    first_name = forms.CharField(max_length=150, required=False, widget=forms.TextInput(
        attrs={"autocomplete": "off", "autocapitalize": "words"}))
    last_name = forms.CharField(max_length=150, required=False, widget=forms.TextInput(
        attrs={"autocomplete": "off", "autocapitalize": "words"}))
    email = forms.EmailField(label="E-mail address", help_text="The invitation link goes here.",
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    username = forms.CharField(max_length=150, help_text="What they type to log in.",
                               widget=forms.TextInput(attrs={"autocomplete": "off",
                                                             "autocapitalize": "none"}))
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES, widget=forms.RadioSelect)

    def to_invitee(self) -> Invitee:
        return Invitee(**self.cleaned_data)


class RoleForm(ServiceErrorsMixin, forms.Form):
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES)


TRI_STATE = [("", "Not recorded yet"), ("yes", "Yes"), ("no", "No")]


class CredentialsForm(ServiceErrorsMixin, forms.Form):
    credentials = forms.CharField(max_length=40, required=False,
                                  help_text="e.g. LAc, DACM, MD")
    licence_number = forms.CharField(max_length=40)
    licence_state = forms.CharField(label="Licence state", max_length=40, required=False)
    npi = forms.CharField(label="NPI", max_length=10, required=False,
                          help_text="10 digits; the last is a check digit.")
    supervising_physician = forms.CharField(max_length=200, required=False, help_text=(
        "Medicare pays for acupuncture by an acupuncturist only under a physician's (or PA's, "
        "NP's) supervision."))
    acaom_degree = forms.ChoiceField(
        label="Degree from an ACAOM-accredited programme", choices=TRI_STATE, required=False,
        widget=forms.RadioSelect, help_text="A master's or doctorate in acupuncture or Oriental "
        "medicine; Medicare requires it of acupuncturists.")
    provider_kind = forms.ChoiceField(
        label="Bills Medicare as", required=False, widget=forms.RadioSelect,
        choices=[("", "Not recorded yet"), *ProviderKind.choices],
        help_text="An acupuncturist's Medicare visits are billed incident to the supervising "
        "physician, under the physician's NPI.")
    licence_expires = forms.DateField(
        label="Licence valid until", required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Medicare needs a current licence on the day of each visit.")
    supervisor_kind = forms.ChoiceField(
        label="The supervisor is a", required=False,
        choices=[("", "Not recorded yet"), *SupervisorKind.choices])
    supervisor_npi = forms.CharField(label="Supervising physician's NPI", max_length=10,
                                     required=False)

    @staticmethod
    def initial_from(profile: PractitionerProfile | None) -> dict[str, object]:
        if profile is None:
            return {}
        degree = {True: "yes", False: "no", None: ""}[profile.acaom_degree]
        return {"credentials": profile.credentials, "licence_number": profile.licence_number,
                "licence_state": profile.licence_state, "npi": profile.npi,
                "supervising_physician": profile.supervising_physician, "acaom_degree": degree,
                "provider_kind": profile.provider_kind,
                "licence_expires": profile.licence_expires,
                "supervisor_kind": profile.supervisor_kind,
                "supervisor_npi": profile.supervisor_npi}

    def values(self) -> dict[str, object]:
        data = dict(self.cleaned_data)
        data["acaom_degree"] = {"yes": True, "no": False}.get(data.get("acaom_degree") or "")
        return data
