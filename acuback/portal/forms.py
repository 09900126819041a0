"""The portal's forms. A yes/no questionnaire (the RMDQ) is a checklist: the patient ticks the
statements that describe them today and leaves the rest unticked, which count as "does not
apply" (Roland & Morris 1983 score ticked statements; DOMAIN.md 1.2: electronic capture shows
every statement, and none is left unanswered because an unticked box is an answer)."""

from __future__ import annotations

from typing import Any

from django import forms

from acuback.clinical import instruments
from acuback.clinical.regions import BODY_REGIONS
from acuback.patients.forms import (
    YES,
    DateInput,
    HealthForm,
    ServiceErrorsMixin,
    tri_answer,
)
from acuback.patients.models import ImplantedDevice


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


# --- the pre-visit intake ------------------------------------------------------------------------
# The patient's own answers. "Not sure" is sent as nothing at all: the question stays as it was
# (not asked, or what the clinic has), never "no" (issue 7: unknown is not no).

UNSURE = ""
PATIENT_TRI = [(YES, "Yes"), ("no", "No"), (UNSURE, "Not sure")]


def patient_question(label: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, help_text=help_text, choices=PATIENT_TRI,
                             required=False, widget=forms.RadioSelect(attrs={"class": "tri"}))


class IntakeContactForm(ServiceErrorsMixin, forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput())
    phone = forms.CharField(label="Your phone number", required=False, max_length=40,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                            help_text="With the country code (+44 ...) for a number abroad.")
    email = forms.CharField(label="Your email address", required=False, max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address = forms.CharField(label="Your address", required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3,
                                                           "autocomplete": "street-address"}))


class IntakeHealthForm(ServiceErrorsMixin, forms.Form):
    """The health questions in the patient's words. Only what the patient answers is sent."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput())
    pregnant = patient_question("Are you pregnant, or might you be?")
    pregnancy_weeks = forms.IntegerField(
        required=False, min_value=0, max_value=45, label="If you are, how many weeks?",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    anticoagulant = patient_question(
        "Do you take medicine that thins your blood?",
        "For example warfarin, apixaban, rivaroxaban, edoxaban, dabigatran or heparin "
        "injections. If you are not sure what a medicine does, answer \u201cNot sure\u201d.")
    bleeding_disorder = patient_question(
        "Do you have a condition that makes you bleed easily, such as haemophilia?")
    implanted_device = forms.ChoiceField(
        required=False, label="Do you have an electrical device inside your body?",
        choices=[(UNSURE, "Not sure"), (ImplantedDevice.NONE, "No"),
                 *[c for c in ImplantedDevice.choices if c[0] != ImplantedDevice.NONE]],
        widget=forms.RadioSelect(attrs={"class": "tri"}))
    needle_phobia = patient_question("Are you very afraid of needles, or have you fainted at "
                                     "an injection or blood test?")
    immunosuppressed = patient_question(
        "Is your immune system weakened, by an illness or by treatment such as "
        "chemotherapy or steroid tablets?")
    diabetes = patient_question("Do you have diabetes?")
    epilepsy = patient_question("Do you have epilepsy, or have you had a seizure?")
    metal_allergy = patient_question("Are you allergic to any metal, such as nickel?")
    skin_lesions = patient_question("Is your skin broken, infected or sore anywhere?")
    skin_lesion_regions = forms.MultipleChoiceField(
        required=False, label="If it is, where?",
        choices=[(r, r.replace("_", " ").capitalize()) for r in BODY_REGIONS],
        widget=forms.CheckboxSelectMultiple)
    medications = forms.CharField(
        required=False, max_length=4000, label="Which medicines do you take?",
        help_text="Everything you take, including from a pharmacy or health shop.",
        widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        skin, regions = data.get("skin_lesions"), data.get("skin_lesion_regions") or []
        if skin == YES and not regions:
            self.add_error("skin_lesion_regions", "Tick where your skin is broken or sore.")
        if skin != YES and regions:
            self.add_error("skin_lesions", "Answer yes if you tick a place below.")
        if data.get("pregnant") != YES and data.get("pregnancy_weeks") is not None:
            self.add_error("pregnancy_weeks", "Leave the weeks empty unless you answer yes.")
        return data

    def to_answers(self, medications_before: str) -> dict[str, object]:
        """Only the questions answered: "Not sure" leaves a question as it was."""
        data = self.cleaned_data
        answers: dict[str, object] = {
            q: tri_answer(data[q]) for q in HealthForm.QUESTIONS if data[q] != UNSURE}
        if "pregnant" in answers:
            answers["pregnancy_weeks"] = data["pregnancy_weeks"] if answers["pregnant"] else None
        if data["implanted_device"] != UNSURE:
            answers["implanted_device"] = data["implanted_device"]
        if data["skin_lesions"] != UNSURE:
            answers["skin_lesion_regions"] = (list(data["skin_lesion_regions"])
                                              if data["skin_lesions"] == YES else [])
        if data["medications"].strip() != medications_before.strip():
            answers["medications"] = data["medications"].strip()
        return answers


class ConsentSignForm(ServiceErrorsMixin, forms.Form):
    text_version = forms.CharField(widget=forms.HiddenInput())
    agreed = forms.BooleanField(required=False, label=(
        "I have read this, my questions are answered, and I agree to acupuncture."))
    signature = forms.CharField(label="Type your full name to sign", max_length=200,
                                required=False, widget=forms.TextInput(attrs={
                                    "autocomplete": "name", "autocapitalize": "words"}))
