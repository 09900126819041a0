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
from acuback.patients.contact import phone_shown
from acuback.patients.models import AnswerSource, ImplantedDevice, Sex
from acuback.patients.selectors import PatientSearch
from acuback.patients.services import PatientInput
from acuback.web.inputs import DIRECT_INPUTS


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
    default_renderer = DIRECT_INPUTS  # the patient list shows it: its inputs written directly
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
    # Checked by the service (acuback.patients.contact), the one rule for every interface.
    email = forms.CharField(required=False, max_length=254, widget=forms.EmailInput(
        attrs={"autocomplete": "off"}))
    phone = forms.CharField(required=False, max_length=40, widget=forms.TextInput(
        attrs={"type": "tel", "autocomplete": "off"}), help_text=(
        "With the country code (+44 ...) for a number abroad."))
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


class SeenIds(forms.CharField):
    """The ids of the likely duplicates the page showed, as "12 40": a confirmation covers
    those only (a change of name or phone since may match someone else)."""

    widget = forms.HiddenInput

    def to_python(self, value: Any) -> frozenset[int]:
        return frozenset(int(v) for v in str(value or "").split() if v.isdigit())


class PatientCreateForm(PatientForm):
    # Pressed only on the warning about likely duplicates: "a different person, register".
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput())
    seen_duplicates = SeenIds(required=False)


class PatientEditForm(PatientForm):
    # The version the editor read: a stale one is refused instead of overwriting someone's work.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput())


def patient_initial(patient: Any) -> dict[str, Any]:
    names = ("given_name", "family_name", "date_of_birth", "sex", "email", "address",
             "practitioner_id", "version")
    initial = {name: getattr(patient, name) for name in names}
    initial["phone"] = phone_shown(patient.phone, patient.clinic.region) if patient.phone else ""
    return initial


YES, NO, NOT_ASKED = "yes", "no", ""
_TRI = {YES: True, NO: False, NOT_ASKED: None}
TRI_CHOICES = [(YES, "Yes"), (NO, "No"), (NOT_ASKED, "Not asked")]


def tri_state(label: str) -> forms.ChoiceField:
    """A yes / no / not-asked question: three radios, "not asked" never read as "no"."""
    return forms.ChoiceField(label=label, choices=TRI_CHOICES, required=False,
                             widget=forms.RadioSelect(attrs={"class": "tri"}))


def tri_answer(choice: str) -> bool | None:
    """A tri-state radio's value as the service takes it: True, False or None."""
    return _TRI[choice]


def _tri_value(answer: object) -> str:
    return YES if answer is True else NO if answer is False else NOT_ASKED


class HealthForm(ServiceErrorsMixin, forms.Form):
    """Every question yes, no or not asked, with the version read (a stale one is refused and
    the other person's answers shown) and who gave the answers."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput())
    source = forms.ChoiceField(label="Who gave these answers?", choices=AnswerSource.choices,
                               widget=forms.RadioSelect, initial=AnswerSource.PATIENT)
    pregnant = tri_state("Pregnant, or might be")
    pregnancy_weeks = forms.IntegerField(
        required=False, min_value=0, max_value=45, label="Weeks of pregnancy",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    anticoagulant = tri_state("Takes blood thinners (anticoagulants)")
    bleeding_disorder = tri_state("Severe bleeding disorder (e.g. haemophilia)")
    implanted_device = forms.ChoiceField(
        required=False, label="Implanted electrical device",
        choices=[(NOT_ASKED, "Not asked"), *ImplantedDevice.choices],
    )
    needle_phobia = tri_state("Fear of needles")
    immunosuppressed = tri_state("Weakened immune system")
    diabetes = tri_state("Diabetes")
    epilepsy = tri_state("Epilepsy or seizures")
    metal_allergy = tri_state("Metal (nickel) allergy")
    skin_lesions = tri_state("Broken or infected skin anywhere")
    skin_lesion_regions = forms.MultipleChoiceField(
        required=False, label="Where the skin is broken or infected",
        choices=[(r, r.replace("_", " ").capitalize()) for r in BODY_REGIONS],
        widget=forms.CheckboxSelectMultiple,
    )
    skin_conditions = forms.CharField(required=False, max_length=300,
                                      label="Skin conditions (in words)")
    medications = forms.CharField(required=False, max_length=4000, label="Current medications",
                                  widget=forms.Textarea(attrs={"rows": 3}))

    QUESTIONS = ("pregnant", "anticoagulant", "bleeding_disorder", "needle_phobia",
                 "immunosuppressed", "diabetes", "epilepsy", "metal_allergy")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The form replaces the whole history, and the page always sends every question (one
        # radio of each is always ticked, "Not asked" at least). A question missing from the
        # post is refused, never saved as "not asked": no stored "yes" is lost unless its
        # very question was sent (issue 7).
        for name in (*self.QUESTIONS, "skin_lesions", "implanted_device"):
            if name not in self.data:
                self.add_error(name, "Missing from the form: answer yes, no or not asked.")
        skin, regions = data.get("skin_lesions"), data.get("skin_lesion_regions") or []
        if skin == YES and not regions:
            self.add_error("skin_lesion_regions", "Tick where the skin is broken or infected.")
        if skin != YES and regions:
            self.add_error("skin_lesions", "Answer yes when you tick a region below.")
        return data

    def to_answers(self) -> dict[str, object]:
        """Every key of the history, as the service takes them (a full replacement)."""
        data = self.cleaned_data
        answers: dict[str, object] = {q: _TRI[data[q]] for q in self.QUESTIONS}
        skin = _TRI[data["skin_lesions"]]
        answers.update(
            pregnancy_weeks=data["pregnancy_weeks"],
            implanted_device=data["implanted_device"] or None,
            skin_lesion_regions=None if skin is None else list(data["skin_lesion_regions"]),
            skin_conditions=data["skin_conditions"], medications=data["medications"],
        )
        return answers


def health_initial(health: Any) -> dict[str, Any]:
    """The form's starting values from a stored history."""
    initial: dict[str, Any] = {q: _tri_value(health.answer(q)) for q in HealthForm.QUESTIONS}
    regions = health.skin_lesion_regions
    initial.update(
        version=health.version, pregnancy_weeks=health.pregnancy_weeks,
        implanted_device=health.implanted_device or NOT_ASKED,
        skin_lesions=NOT_ASKED if regions is None else YES if regions else NO,
        skin_lesion_regions=list(regions or []), skin_conditions=health.skin_conditions,
        medications=health.medications,
    )
    return initial


def health_words(answers: dict[str, object]) -> dict[str, str]:
    """A stored version's answers as the form shows them, for "their answer" on a conflict."""
    words = {q: dict(TRI_CHOICES)[_tri_value(answers.get(q))] for q in HealthForm.QUESTIONS}
    device = answers.get("implanted_device")
    words["implanted_device"] = dict(ImplantedDevice.choices).get(str(device), "Not asked")
    regions = answers.get("skin_lesion_regions")
    words["skin_lesions"] = ("Not asked" if regions is None
                             else "Yes: " + ", ".join(map(str, regions)) if regions else "No")
    weeks = answers.get("pregnancy_weeks")
    words["pregnancy_weeks"] = "" if weeks is None else str(weeks)
    for key in ("skin_conditions", "medications"):
        words[key] = str(answers.get(key) or "")
    return words


class ConsentForm(ServiceErrorsMixin, forms.Form):
    given_on = forms.DateField(label="Date consent was given", widget=DateInput())
    witness = forms.CharField(required=False, max_length=200, label="Witness",
                              widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"given_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class PortalInviteForm(ServiceErrorsMixin, forms.Form):
    default_renderer = DIRECT_INPUTS  # the chart shows it: its inputs written directly
    email = forms.EmailField(label="The patient's e-mail address", help_text=(
        "The invitation link goes here; the patient chooses their own password."))
    username = forms.CharField(max_length=150, help_text="What the patient types to log in.",
                               widget=forms.TextInput(attrs={"autocapitalize": "none"}))
