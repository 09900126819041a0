"""Patient pages: thin views over the scoped selectors and the services.

Access errors (NotFound, Forbidden) rise to acuback.web.errors.AccessErrorMiddleware, which
renders the 404 and 403 pages.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from acuback.accounts.access import is_clinical, is_staff_member
from acuback.accounts.models import CLINICAL_ROLES, STAFF_ROLES
from acuback.audit.models import Action
from acuback.clinical import contraindications as ci
from acuback.episodes.selectors import episodes_of_patient
from acuback.errors import ConflictError, InputError
from acuback.patients import selectors, services
from acuback.patients.consent import CURRENT_VERSION, consent_text
from acuback.patients.forms import (
    ConsentForm,
    HealthForm,
    PatientEditForm,
    PatientForm,
    PatientSearchForm,
    health_initial,
    patient_initial,
)
from acuback.patients.models import Consent, HealthHistory, ImplantedDevice, Patient
from acuback.web.errors import require_role

FORM_METHODS = require_http_methods(["GET", "POST"])


def _posted(request: HttpRequest) -> object:
    return request.POST if request.method == "POST" else None


@login_required
@require_GET
def patient_list(request: HttpRequest) -> HttpResponse:
    form = PatientSearchForm(request.GET)
    page = selectors.patient_search(actor=request.user, search=form.search(), columns=True)
    # HTMX asks for the results only, except when it restores a page from history.
    headers = request.headers
    partial = "HX-Request" in headers and "HX-History-Restore-Request" not in headers
    template = "patients/_results.html" if partial else "patients/list.html"
    response = render(request, template, {"form": form, "page": page,
                                          "clinical": is_clinical(request.user)})
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@FORM_METHODS
def patient_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, STAFF_ROLES, what="patient", action=Action.CREATE)
    form = PatientForm(_posted(request), clinic_id=request.user.membership.clinic_id)
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.patient_create(actor=request.user, data=form.to_input())
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            messages.success(request, f"{patient.full_name} is registered.")
            return redirect("patient_detail", patient_id=patient.pk)
    return render(request, "patients/form.html", {"form": form, "patient": None})


@login_required
@require_GET
def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = selectors.patient_get(actor=request.user, patient_id=patient_id)
    return _chart(request, patient)


@login_required
@require_GET
def my_record(request: HttpRequest) -> HttpResponse:
    """A patient's own chart; staff have the patient list instead."""
    if is_staff_member(request.user):
        return redirect("patient_list")
    own = selectors.patient_queryset(request.user).values_list("pk", flat=True).first()
    patient = selectors.patient_get(actor=request.user, patient_id=own)
    return _chart(request, patient)


def _chart(request: HttpRequest, patient: Patient) -> HttpResponse:
    context: dict[str, object] = {
        "patient": patient, "age": _age(patient.date_of_birth), "consent": _latest(patient),
        "clinical": selectors.can_see_clinical(request.user, patient),
    }
    if context["clinical"]:
        health = selectors.health_history_get(actor=request.user, patient_id=patient.pk)
        context.update(health=health, safety=safety_of(health),
                       episodes=episodes_of_patient(actor=request.user, patient=patient))
    return render(request, "patients/chart.html", context)


def _latest(patient: Patient) -> Consent | None:
    # Consent status is not clinical content (front desk records it); `patient` came from the
    # scoped, audited selector, so reading its consents here stays inside that scope.
    return patient.consents.select_related("recorded_by").first()


def _age(born: dt.date) -> int:
    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@login_required
@FORM_METHODS
def patient_edit(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = selectors.patient_get(actor=request.user, patient_id=patient_id)
    require_role(request.user, STAFF_ROLES, what="patient", object_id=patient.pk)
    form = PatientEditForm(_posted(request), initial=patient_initial(patient),
                           clinic_id=patient.clinic_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.patient_update(actor=request.user, patient=patient, data=form.to_input(),
                                    version=form.cleaned_data["version"])
        except InputError as exc:
            form.show_service_errors(exc)
        except ConflictError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The patient's details are saved.")
            return redirect("patient_detail", patient_id=patient.pk)
    return render(request, "patients/form.html", {"form": form, "patient": patient})


@login_required
@FORM_METHODS
def health_edit(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = selectors.patient_get_clinical(
        actor=request.user, patient_id=patient_id, what="health_history")
    require_role(request.user, CLINICAL_ROLES, what="health_history", object_id=patient.pk)
    health = selectors.health_history_get(actor=request.user, patient_id=patient.pk)
    form = HealthForm(_posted(request), initial=health_initial(health))
    if request.method == "POST" and form.is_valid():
        try:
            services.health_history_update(actor=request.user, patient=patient,
                                           data=form.to_input())
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            messages.success(request, "The health history is saved.")
            return redirect("patient_detail", patient_id=patient.pk)
    return render(request, "patients/health_form.html", {"form": form, "patient": patient})


@login_required
@FORM_METHODS
def consent_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = selectors.patient_get(actor=request.user, patient_id=patient_id)
    require_role(request.user, STAFF_ROLES, what="consent", object_id=patient.pk,
                 action=Action.CREATE)
    form = ConsentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(actor=request.user, patient=patient, **form.cleaned_data)
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            messages.success(request, "Consent is recorded.")
            return redirect("patient_detail", patient_id=patient.pk)
    context = {"form": form, "patient": patient, "version": CURRENT_VERSION,
               "blocks": consent_blocks(consent_text())}
    return render(request, "patients/consent_form.html", context)


# --- presenting the chart --------------------------------------------------------------------


@dataclass(frozen=True)
class SafetyFlag:
    label: str
    advice: str
    absolute: bool = False


@dataclass(frozen=True)
class Safety:
    flags: tuple[SafetyFlag, ...]
    no_needling: bool
    no_estim: bool


_LABELS = {
    ci.ContraindicationKind.ANTICOAGULANT: "Takes blood thinners",
    ci.ContraindicationKind.BLEEDING_DISORDER: "Severe bleeding disorder",
    ci.ContraindicationKind.NEEDLE_PHOBIA: "Fear of needles",
    ci.ContraindicationKind.EPILEPSY: "Epilepsy",
    ci.ContraindicationKind.IMMUNOSUPPRESSION: "Weakened immune system",
    ci.ContraindicationKind.DIABETES: "Diabetes",
    ci.ContraindicationKind.METAL_ALLERGY: "Metal allergy",
}


def safety_of(health: HealthHistory) -> Safety:
    """The chart's safety banner: the clinical core's contraindications in plain words."""
    try:
        found = ci.assess(_core_history(health))
    except ValueError as exc:  # HealthHistoryError, or a region the core does not know
        problem = SafetyFlag("The health history needs review", str(exc), absolute=True)
        return Safety((problem,), no_needling=False, no_estim=False)
    flags = [SafetyFlag(_label(c, health), c.why.split(": ", 1)[-1],
                        c.severity == ci.Severity.ABSOLUTE) for c in found]
    if health.skin_conditions.strip():
        flags.append(SafetyFlag(f"Skin condition: {health.skin_conditions.strip()}",
                                "look at the skin first; never needle through broken, inflamed "
                                "or infected skin"))
    kinds = {e.kind for c in found for e in c.effects}
    return Safety(tuple(flags), no_needling=ci.EffectKind.FORBID_NEEDLING in kinds,
                  no_estim=ci.EffectKind.FORBID_ESTIM in kinds)


def _label(found: ci.Contraindication, health: HealthHistory) -> str:
    if found.kind == ci.ContraindicationKind.PREGNANCY:
        weeks = health.pregnancy_weeks
        return f"Pregnant, {weeks} weeks" if weeks is not None else "Pregnant (weeks not known)"
    if found.kind == ci.ContraindicationKind.IMPLANTED_DEVICE:
        return f"Implanted electrical device: {health.get_implanted_device_display()}"
    if found.kind == ci.ContraindicationKind.SKIN_LESION:
        return found.why.split(": ", 1)[0].capitalize()  # "Skin lesion on the lower back"
    return _LABELS.get(found.kind, found.kind.value.replace("_", " ").capitalize())


def _core_history(health: HealthHistory) -> ci.HealthHistory:
    return ci.HealthHistory(
        pregnant=health.pregnant,
        pregnancy_weeks=health.pregnancy_weeks if health.pregnant else None,
        anticoagulant=health.anticoagulant,
        bleeding_disorder=health.bleeding_disorder,
        implanted_device=health.implanted_device != ImplantedDevice.NONE,
        needle_phobia=health.needle_phobia,
        skin_lesion_regions=frozenset(ci.BodyRegion(r) for r in health.skin_lesion_regions),
        epilepsy=health.epilepsy,
        immunosuppression=health.immunosuppressed,
        diabetes=health.diabetes,
        metal_allergy=health.metal_allergy,
    )


@dataclass(frozen=True)
class TextBlock:
    kind: str  # "heading" or "paragraph"
    lead: str  # the bold opening words of a paragraph, if any
    body: str


def consent_blocks(text: str) -> list[TextBlock]:
    """The consent text's headings and paragraphs (it is plain text with a little markdown)."""
    blocks = []
    for raw in re.split(r"\n\s*\n", text.strip()):
        chunk = " ".join(raw.split())
        if chunk.startswith("#"):
            blocks.append(TextBlock("heading", "", chunk.lstrip("# ")))
            continue
        lead = re.match(r"\*\*(.+?)\*\*\s*", chunk)
        body = chunk[lead.end():] if lead else chunk
        blocks.append(TextBlock("paragraph", lead.group(1) if lead else "",
                                body.replace("**", "")))
    return blocks
