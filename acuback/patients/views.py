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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acuback.accounts.access import is_clinical, is_staff_member
from acuback.accounts.models import CLINICAL_ROLES, STAFF_ROLES
from acuback.accounts.sessions import form_data
from acuback.audit.models import Action
from acuback.clinical import contraindications as ci
from acuback.episodes.selectors import episodes_of_patient
from acuback.errors import ConflictError, InputError
from acuback.patients import selectors, services
from acuback.patients.consent import CURRENT_VERSION, consent_text
from acuback.patients.duplicates import Candidate
from acuback.patients.forms import (
    ConsentForm,
    HealthForm,
    PatientCreateForm,
    PatientEditForm,
    PatientSearchForm,
    PortalInviteForm,
    health_initial,
    health_words,
    patient_initial,
)
from acuback.patients.models import (
    Consent,
    HealthHistory,
    HealthHistoryVersion,
    ImplantedDevice,
    Patient,
)
from acuback.patients.rows import rows_html
from acuback.plans.selectors import prefetch_care
from acuback.web.errors import require_role

FORM_METHODS = require_http_methods(["GET", "POST"])


def _posted(request: HttpRequest) -> object:
    # The POST, or answers kept from a post that came after the session ended.
    return form_data(request)


@login_required
@require_GET
def patient_list(request: HttpRequest) -> HttpResponse:
    form = PatientSearchForm(request.GET)
    page = selectors.patient_search(actor=request.user, search=form.search(), columns=True)
    # HTMX asks for the results only, except when it restores a page from history.
    headers = request.headers
    partial = "HX-Request" in headers and "HX-History-Restore-Request" not in headers
    template = "patients/_results.html" if partial else "patients/list.html"
    clinical = is_clinical(request.user)
    response = render(request, template, {"form": form, "page": page, "clinical": clinical,
                                          "rows": rows_html(page.rows, clinical=clinical)})
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@FORM_METHODS
def patient_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, STAFF_ROLES, what="patient", action=Action.CREATE)
    form = PatientCreateForm(_posted(request), clinic_id=request.user.membership.clinic_id)
    duplicates: list[Candidate] = []
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.patient_create(
                actor=request.user, data=form.to_input(),
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                seen_duplicates=form.cleaned_data["seen_duplicates"])
        except InputError as exc:
            form.show_service_errors(exc)
        except services.LikelyDuplicate as exc:
            duplicates = exc.candidates
        else:
            messages.success(request, f"{patient.full_name} is registered.")
            return redirect("patient_detail", patient_id=patient.pk)
    return render(request, "patients/form.html",
                  {"form": form, "patient": None, "duplicates": duplicates})


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


def _chart(request: HttpRequest, patient: Patient,
           portal_form: PortalInviteForm | None = None) -> HttpResponse:
    context: dict[str, object] = {
        "patient": patient, "age": _age(patient.date_of_birth), "consent": _latest(patient),
        "clinical": selectors.can_see_clinical(request.user, patient),
        "portal_form": portal_form or PortalInviteForm(
            initial={"email": patient.email, "username": patient.email}),
    }
    if context["clinical"]:
        health = selectors.health_history_of(actor=request.user, patient=patient)
        episodes = episodes_of_patient(actor=request.user, patient=patient)
        if is_clinical(request.user):  # the care badges are for clinicians
            prefetch_care(episodes)
        context.update(health=health, safety=safety_of(health), health_rows=health_rows(health),
                       episodes=episodes)
    return render(request, "patients/chart.html", context)


def _latest(patient: Patient) -> Consent | None:
    # Consent status is not clinical content (front desk records it); `patient` came from the
    # scoped, audited selector, so reading its consents here stays inside that scope.
    return selectors.latest_consent(patient)


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
    health = selectors.health_history_of(actor=request.user, patient=patient)
    form = HealthForm(_posted(request), initial=health_initial(health))
    theirs: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.health_history_write(
                actor=request.user, patient=patient, answers=form.to_answers(),
                version=form.cleaned_data["version"], source=form.cleaned_data["source"],
                replace=True)
        except InputError as exc:
            form.show_service_errors(exc)
        except services.HealthHistoryConflict as exc:
            form, theirs = _conflict_form(request, form, exc)
        else:
            messages.success(request, "The health history is saved.")
            return redirect("patient_detail", patient_id=patient.pk)
    return render(request, "patients/health_form.html",
                  {"form": form, "patient": patient, "health": health, "meanwhile": theirs})


@login_required
@require_POST
def health_confirm(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A clinician confirms the answers the patient gave in the portal, as shown on the chart."""
    patient = selectors.patient_get_clinical(
        actor=request.user, patient_id=patient_id, what="health_history")
    try:
        services.health_history_confirm(actor=request.user, patient=patient,
                                        version=int(request.POST.get("version") or 0))
    except InputError as exc:
        messages.error(request, exc.message)
    except services.HealthHistoryConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The patient's answers are confirmed.")
    return redirect("patient_detail", patient_id=patient.pk)


def _conflict_form(request: HttpRequest, form: HealthForm, exc: services.HealthHistoryConflict
                   ) -> tuple[HealthForm, dict[str, str]]:
    """Keep what this person typed, show the other person's answer beside each one that
    differs, and carry the current version so that saving again (after checking) is allowed."""
    mine, current = health_words(form.to_answers()), health_words(exc.current.answers())
    theirs = {key: words for key, words in current.items() if mine.get(key) != words}
    data = request.POST.copy()
    data["version"] = str(exc.current.version)
    again = HealthForm(data, initial=form.initial)
    again.is_valid()
    again.add_error(None, str(exc))
    return again, theirs


@login_required
@require_GET
def health_versions(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = selectors.patient_get_clinical(
        actor=request.user, patient_id=patient_id, what="health_history")
    versions = selectors.health_history_versions(actor=request.user, patient_id=patient.pk)
    return render(request, "patients/health_versions.html",
                  {"patient": patient, "versions": [_version_row(v) for v in versions]})


@dataclass(frozen=True)
class VersionRow:
    version: HealthHistoryVersion
    changes: list[tuple[str, str, str]]  # (question, before, after) in words
    confirmed: list[str]  # questions asked again with the same answer


def _version_row(version: HealthHistoryVersion) -> VersionRow:
    def say(key: str, value: object) -> str:
        return health_words({key: value, "skin_lesion_regions": value}
                            if key == "skin_lesion_regions" else {key: value}).get(
            "skin_lesions" if key == "skin_lesion_regions" else key, str(value))

    changes = [(_QUESTION_LABELS.get(k, k), say(k, old), say(k, new))
               for k, (old, new) in version.changed.items()]
    confirmed = [_QUESTION_LABELS.get(k, k) for k in version.asked if k not in version.changed]
    return VersionRow(version, changes, confirmed)


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
    not_asked: tuple[str, ...] = ()  # questions never asked, in words
    # The patient's own answers (portal intake) no clinician has confirmed: "Blood thinners: No"
    unconfirmed: tuple[str, ...] = ()
    version: int = 0  # the history's version, which a confirmation sends back

    @property
    def all_clear(self) -> bool:
        """Green only when every question was asked (or confirmed) and none raises a concern."""
        return not self.flags and not self.not_asked and not self.unconfirmed


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
        history = _core_history(health)
        found = ci.assess(history)
    except ValueError as exc:  # HealthHistoryError, or a region the core does not know
        problem = SafetyFlag("The health history needs review", str(exc), absolute=True)
        return Safety((problem,), no_needling=False, no_estim=False)
    waiting = {_CORE_KEYS.get(k, k) for k in health.unconfirmed}
    not_asked = tuple(q.words for q in ci.unanswered(history) if q.value not in waiting)
    flags = [SafetyFlag(_label(c, health), c.why.split(": ", 1)[-1],
                        c.severity == ci.Severity.ABSOLUTE) for c in found]
    if health.skin_conditions.strip():
        flags.append(SafetyFlag(f"Skin condition: {health.skin_conditions.strip()}",
                                "look at the skin first; never needle through broken, inflamed "
                                "or infected skin"))
    kinds = {e.kind for c in found for e in c.effects}
    return Safety(tuple(flags), no_needling=ci.EffectKind.FORBID_NEEDLING in kinds,
                  no_estim=ci.EffectKind.FORBID_ESTIM in kinds, not_asked=not_asked,
                  unconfirmed=unconfirmed_words(health), version=health.version)


# The clinical core's name of a history question, where the model's differs.
_CORE_KEYS = {"immunosuppressed": "immunosuppression"}


def unconfirmed_words(health: HealthHistory) -> tuple[str, ...]:
    """The patient's own answers waiting for a clinician, as "Blood thinners: No"."""
    words = health_words(health.answers())
    words["skin_lesion_regions"] = words["skin_lesions"]
    return tuple(f"{_QUESTION_LABELS[k]}: {words[k]}" for k in health.unconfirmed)


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
    return core_history(health)


def core_history(health: HealthHistory) -> ci.HealthHistory:
    """The clinical core's view of a stored history; "not asked" stays None all the way."""
    a = health.care_answer  # a patient's own unconfirmed "no" is not known yet
    device, regions, pregnant = a("implanted_device"), a("skin_lesion_regions"), a("pregnant")
    return ci.HealthHistory(
        pregnant=pregnant,
        pregnancy_weeks=health.pregnancy_weeks if pregnant else None,
        anticoagulant=a("anticoagulant"),
        bleeding_disorder=a("bleeding_disorder"),
        implanted_device=None if device is None else device != ImplantedDevice.NONE,
        needle_phobia=a("needle_phobia"),
        skin_lesion_regions=(None if regions is None
                             else frozenset(ci.BodyRegion(r) for r in regions)),
        epilepsy=a("epilepsy"),
        immunosuppression=a("immunosuppressed"),
        diabetes=a("diabetes"),
        metal_allergy=a("metal_allergy"),
    )


@dataclass(frozen=True)
class HealthRow:
    label: str
    answer: str  # in words: "Yes", "No", "Not asked", "Pacemaker", ...
    not_asked: bool
    by: str  # "patient-reported, 1 Dec 2026 (Pat Lin)" or ""
    unconfirmed: bool = False  # the patient's own answer, not yet confirmed by a clinician


def health_rows(health: HealthHistory) -> list[HealthRow]:
    """The chart's health-history list: every question, unknown shown as such."""
    words = health_words(health.answers())
    rows = []
    for key in ("pregnant", "anticoagulant", "bleeding_disorder", "implanted_device",
                "needle_phobia", "immunosuppressed", "diabetes", "epilepsy", "metal_allergy",
                "skin_lesion_regions"):
        answer = words["skin_lesions" if key == "skin_lesion_regions" else key]
        if key == "pregnant" and health.pregnant and health.pregnancy_weeks is not None:
            answer = f"Yes, {health.pregnancy_weeks} weeks"
        rows.append(HealthRow(_QUESTION_LABELS[key], answer, health.answer(key) is None,
                              _answered_by(health.answered.get(key)),
                              health.answer(key) is not None and not health.confirmed(key)))
    return rows


def _answered_by(meta: dict[str, str] | None) -> str:
    if not meta:
        return ""
    when = dt.datetime.fromisoformat(meta["at"])
    source = "patient-reported" if meta.get("source") == "patient" else "clinician-reported"
    if meta.get("confirmed") is False:  # beside a "Not yet confirmed" pill
        source = "patient-reported in the portal"
    return f"{source}, {timezone.localtime(when):%-d %b %Y} ({meta.get('name', '')})"


_QUESTION_LABELS = {
    "pregnant": "Pregnant", "pregnancy_weeks": "Weeks of pregnancy",
    "anticoagulant": "Blood thinners", "bleeding_disorder": "Bleeding disorder",
    "implanted_device": "Implanted device", "needle_phobia": "Fear of needles",
    "immunosuppressed": "Weakened immune system", "diabetes": "Diabetes",
    "epilepsy": "Epilepsy", "metal_allergy": "Metal allergy",
    "skin_lesion_regions": "Broken or infected skin", "skin_conditions": "Skin conditions",
    "medications": "Medications",
}


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


@login_required
@require_http_methods(["POST"])
def portal_invite(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = selectors.patient_get(actor=request.user, patient_id=patient_id)
    form = PortalInviteForm(request.POST)
    if form.is_valid():
        try:
            services.patient_portal_invite(actor=request.user, patient=patient,
                                           base_url=request.build_absolute_uri("/"),
                                           **form.cleaned_data)
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            messages.success(request, f"A portal invitation is on its way to "
                             f"{form.cleaned_data['email']}.")
            return redirect("patient_detail", patient_id=patient.pk)
    return _chart(request, patient, portal_form=form)


@login_required
@require_http_methods(["POST"])
def portal_login_change(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Send the portal link again, or switch the portal login off or on."""
    patient = selectors.patient_get(actor=request.user, patient_id=patient_id)
    change = request.POST.get("change", "")
    try:
        if change == "link":
            services.patient_portal_link(actor=request.user, patient=patient,
                                         base_url=request.build_absolute_uri("/"))
            messages.success(request, "A new link is on its way to the patient.")
        else:
            active = change == "on"
            services.patient_portal_active_set(actor=request.user, patient=patient,
                                               active=active)
            messages.success(request, "The portal login is switched on." if active else
                             "The portal login is switched off.")
    except InputError as exc:
        messages.error(request, exc.message)
    return redirect("patient_detail", patient_id=patient.pk)
