"""Forms for the patient pages. They parse what was typed into the services' input dataclasses;
the rules (a birth date not in the future, ...) live in the services, whose InputError messages
the form then shows beside the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from acuback.accounts.models import Role, User
from acuback.clinical.regions import BODY_REGIONS
from acuback.errors import InputError
from acuback.patients.models import ImplantedDevice, Sex
from acuback.patients.selectors import PatientSearch
from acuback.patients.services import HealthInput, PatientInput


class DateInput(forms.DateInput):
    """The browser's date picker; it sends and expects ISO dates."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ServiceErrorsMixin:
    """Show a service's InputError beside the fields it names (others at the top)."""

    def show_service_errors(self, error: InputError) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        for name, messages in error.errors.items():
            field = name if name in form.fields else None
            for message in messages:
                form.add_error(field, message)


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, phone or email", required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                      "placeholder": "Words of the name, a phone number, an email",
                                      "autofocus": True}),
    )
    dob = forms.DateField(label="Date of birth", required=False, widget=DateInput())
    # Where the page starts (keyset paging): just after, or just before, a patient's id. Not
    # rendered: a new search starts at the top.
    after = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())

    def search(self) -> PatientSearch:
        """What to search for. A field that does not parse is left out (and shown as wrong),
        the others still count: a mistyped date must not hide the name typed beside it."""
        self.is_valid()
        data = self.cleaned_data
        return PatientSearch(text=data.get("q") or "", date_of_birth=data.get("dob"),
                             after=data.get("after"), before=data.get("before"))


def practitioner_choices(clinic_id: int) -> list[tuple[str, str]]:
    people = User.objects.filter(
        membership__clinic_id=clinic_id,
        membership__role__in=[Role.PRACTITIONER, Role.OWNER],
        is_active=True,
    ).order_by("last_name", "first_name", "username")
    return [("", "Not assigned yet")] + [
        (str(u.pk), u.get_full_name() or u.username) for u in people
    ]


class PatientForm(ServiceErrorsMixin, forms.Form):
    given_name = forms.CharField(max_length=100, widget=forms.TextInput(
        attrs={"autocomplete": "off", "autocapitalize": "words"}))
    family_name = forms.CharField(max_length=100, widget=forms.TextInput(
        attrs={"autocomplete": "off", "autocapitalize": "words"}))
    date_of_birth = forms.DateField(widget=DateInput())
    sex = forms.ChoiceField(choices=[("", "Choose…"), *Sex.choices])
    email = forms.EmailField(required=False, widget=forms.EmailInput(
        attrs={"autocomplete": "off"}))
    phone = forms.CharField(required=False, max_length=40, widget=forms.TextInput(
        attrs={"type": "tel", "autocomplete": "off"}))
    address = forms.CharField(required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    practitioner_id = forms.TypedChoiceField(
        label="Practitioner of record", required=False, coerce=int, empty_value=None,
    )

    def __init__(self, *args: Any, clinic_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner_id"].choices = practitioner_choices(clinic_id)  # type: ignore[attr-defined]

    def to_input(self) -> PatientInput:
        data = self.cleaned_data
        return PatientInput(
            given_name=data["given_name"], family_name=data["family_name"],
            date_of_birth=data["date_of_birth"], sex=data["sex"], email=data["email"],
            phone=data["phone"], address=data["address"],
            practitioner_id=data["practitioner_id"],
        )


class PatientEditForm(PatientForm):
    # The version the editor read: a stale one is refused instead of overwriting someone's work.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput())


def patient_initial(patient: Any) -> dict[str, Any]:
    names = ("given_name", "family_name", "date_of_birth", "sex", "email", "phone", "address",
             "practitioner_id", "version")
    return {name: getattr(patient, name) for name in names}


class HealthForm(ServiceErrorsMixin, forms.Form):
    pregnant = forms.BooleanField(required=False, label="Pregnant, or might be")
    pregnancy_weeks = forms.IntegerField(
        required=False, min_value=0, max_value=45, label="Weeks of pregnancy",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    anticoagulant = forms.BooleanField(required=False,
                                       label="Takes blood thinners (anticoagulants)")
    bleeding_disorder = forms.BooleanField(required=False,
                                           label="Severe bleeding disorder (e.g. haemophilia)")
    implanted_device = forms.ChoiceField(choices=ImplantedDevice.choices,
                                         label="Implanted electrical device")
    needle_phobia = forms.BooleanField(required=False, label="Fear of needles")
    immunosuppressed = forms.BooleanField(required=False, label="Weakened immune system")
    diabetes = forms.BooleanField(required=False)
    epilepsy = forms.BooleanField(required=False, label="Epilepsy or seizures")
    metal_allergy = forms.BooleanField(required=False, label="Metal (nickel) allergy")
    skin_conditions = forms.CharField(required=False, max_length=300,
                                      label="Skin conditions (in words)")
    skin_lesion_regions = forms.MultipleChoiceField(
        required=False, label="Broken or infected skin in these regions",
        choices=[(r, r.replace("_", " ").capitalize()) for r in BODY_REGIONS],
        widget=forms.CheckboxSelectMultiple,
    )
    medications = forms.CharField(required=False, max_length=4000, label="Current medications",
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def to_input(self) -> HealthInput:
        return HealthInput(**self.cleaned_data)


def health_initial(health: Any) -> dict[str, Any]:
    return {name: getattr(health, name) for name in HealthForm.base_fields}


class ConsentForm(ServiceErrorsMixin, forms.Form):
    given_on = forms.DateField(label="Date consent was given", widget=DateInput())
    witness = forms.CharField(required=False, max_length=200, label="Witness",
                              widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"given_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
