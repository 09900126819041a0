"""The pre-visit intake, filled by the patient on their phone: contact details, the health
history and e-consent. Each page writes through the same services as the staff forms
(`patient_contact_update`, `health_history_intake`, `consent_sign`): the same checks, version,
audit and scope. The patient's health answers stay "patient-reported, not yet confirmed" until
a clinician confirms them on the chart."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from acuback.errors import ConflictError, InputError
from acuback.patients import selectors as patient_selectors
from acuback.patients import services
from acuback.patients.consent import CURRENT_VERSION, consent_text
from acuback.patients.contact import phone_shown
from acuback.patients.forms import health_initial
from acuback.patients.models import Consent, HealthHistory, Patient
from acuback.patients.views import consent_blocks
from acuback.portal import selectors
from acuback.portal.forms import ConsentSignForm, IntakeContactForm, IntakeHealthForm

FORM_METHODS = require_http_methods(["GET", "POST"])


def _signed(patient: Patient) -> Consent | None:
    """The patient's consent to the current text, if any (the patient's own record)."""
    return patient.consents.filter(text_version=CURRENT_VERSION).first()


def intake_status(request: HttpRequest, patient: Patient) -> dict[str, object]:
    """Which of the three steps are done, for the intake page and the portal's home card."""
    health = patient_selectors.health_history_of(actor=request.user, patient=patient)
    contact_done = bool(patient.phone or patient.email)
    health_left = len(health.not_asked)
    consent = _signed(patient)
    return {"contact_done": contact_done, "health_left": health_left, "consent": consent,
            "steps_done": sum((contact_done, not health_left, consent is not None))}


@login_required
@require_GET
def intake(request: HttpRequest) -> HttpResponse:
    """The three steps, and which are done."""
    patient = selectors.own_patient(request.user)
    return render(request, "portal/intake.html", {
        "patient": patient, **intake_status(request, patient)})


@login_required
@FORM_METHODS
def intake_contact(request: HttpRequest) -> HttpResponse:
    patient = selectors.own_patient(request.user)
    initial = {"version": patient.version, "email": patient.email, "address": patient.address,
               "phone": phone_shown(patient.phone, patient.clinic.region) if patient.phone
               else ""}
    form = IntakeContactForm(request.POST if request.method == "POST" else None,
                             initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.patient_contact_update(actor=request.user, patient=patient,
                                            email=d["email"], phone=d["phone"],
                                            address=d["address"], version=d["version"])
        except InputError as exc:
            form.show_service_errors(exc)
        except ConflictError:
            form.add_error(None, "The clinic changed your details while you were typing. "
                                 "Check them below and save again.")
            form.data = form.data.copy()
            form.data["version"] = str(selectors.own_patient(request.user).version)
        else:
            messages.success(request, "Your contact details are saved.")
            return redirect("portal_intake_health")
    return render(request, "portal/intake_contact.html", {"form": form, "patient": patient})


@login_required
@FORM_METHODS
def intake_health(request: HttpRequest) -> HttpResponse:
    patient = selectors.own_patient(request.user)
    health = patient_selectors.health_history_of(actor=request.user, patient=patient)
    form = IntakeHealthForm(request.POST if request.method == "POST" else None,
                            initial=health_initial(health))
    if request.method == "POST" and form.is_valid():
        try:
            services.health_history_intake(
                actor=request.user, patient=patient, version=form.cleaned_data["version"],
                answers=form.to_answers(health.medications))
        except InputError as exc:
            form.show_service_errors(exc)
        except services.HealthHistoryConflict as exc:
            form = _again(request, exc.current)
        else:
            messages.success(request, "Thank you: your answers are sent. Your practitioner "
                                      "will go through them with you.")
            return redirect("portal_intake_consent")
    return render(request, "portal/intake_health.html",
                  {"form": form, "patient": patient, "health": health})


def _again(request: HttpRequest, current: HealthHistory) -> IntakeHealthForm:
    """What the patient typed, kept, at the version the clinic saved meanwhile."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = IntakeHealthForm(data)
    form.is_valid()
    form.add_error(None, "Your practitioner updated your health answers while you were "
                         "filling in this form. Check your answers and send them again.")
    return form


@login_required
@FORM_METHODS
def intake_consent(request: HttpRequest) -> HttpResponse:
    patient = selectors.own_patient(request.user)
    form = ConsentSignForm(request.POST if request.method == "POST" else None,
                           initial={"text_version": CURRENT_VERSION})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.consent_sign(actor=request.user, patient=patient,
                                  text_version=d["text_version"], signature=d["signature"],
                                  agreed=d["agreed"])
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            messages.success(request, "Thank you: your consent is recorded.")
            return redirect("portal_intake")
    return render(request, "portal/intake_consent.html", {
        "form": form, "patient": patient, "consent": _signed(patient),
        "version": CURRENT_VERSION, "blocks": consent_blocks(consent_text())})
