"""Questionnaire pages: thin views over the scoped selectors and the services.

Access errors rise to `acuback.web.errors.AccessErrorMiddleware` (NotFound -> 404 page,
Forbidden -> 403 page).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acuback.accounts.access import NotFound
from acuback.accounts.models import CLINICAL_ROLES, Role, User
from acuback.accounts.sessions import form_data
from acuback.assessments import selectors, services
from acuback.assessments.forms import ResponseForm
from acuback.assessments.presenting import result_view
from acuback.audit.models import Action
from acuback.clinical import instruments
from acuback.episodes.models import Episode
from acuback.episodes.selectors import episode_get
from acuback.errors import ConflictError, InputError
from acuback.web.errors import require_role

FORM_METHODS = require_http_methods(["GET", "POST"])


def _definition(instrument: str) -> instruments.Definition:
    try:
        return instruments.get(instrument)
    except instruments.UnknownInstrumentError:
        raise NotFound("no such questionnaire") from None


def _episode_for(actor: User, episode_id: int, roles: frozenset[str] | set[str]) -> Episode:
    episode = episode_get(actor=actor, episode_id=episode_id)
    require_role(actor, roles, what="assessment", object_id=episode.pk, action=Action.CREATE)
    return episode


def _choices(episode: Episode, *, patient: bool) -> list[dict[str, object]]:
    rows = []
    for definition in instruments.INSTRUMENTS.values():
        clinic = selectors.latest_wording(clinic_id=episode.clinic_id, instrument=definition.id)
        if patient and not (clinic or definition.ships_wording):
            continue  # a patient cannot answer our short labels alone
        rows.append({"definition": definition, "clinic_wording": clinic})
    return rows


@login_required
@require_GET
def assessment_list(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = episode_get(actor=request.user, episode_id=episode_id)
    return render(request, "assessments/list.html", {"episode": episode})


@login_required
@require_GET
def assessment_choose(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode_for(request.user, episode_id, CLINICAL_ROLES)
    context = {"episode": episode, "choices": _choices(episode, patient=False), "patient": False}
    return render(request, "assessments/choose.html", context)


@login_required
@require_GET
def patient_choose(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode_for(request.user, episode_id, {Role.PATIENT})
    context = {"episode": episode, "choices": _choices(episode, patient=True), "patient": True}
    return render(request, "assessments/choose.html", context)


@login_required
@FORM_METHODS
def assessment_new(request: HttpRequest, episode_id: int, instrument: str) -> HttpResponse:
    episode = _episode_for(request.user, episode_id, CLINICAL_ROLES)
    return _questionnaire(request, episode, _definition(instrument), clinician=True)


@login_required
@FORM_METHODS
def patient_new(request: HttpRequest, episode_id: int, instrument: str) -> HttpResponse:
    episode = _episode_for(request.user, episode_id, {Role.PATIENT})
    return _questionnaire(request, episode, _definition(instrument), clinician=False)


def _questionnaire(
    request: HttpRequest, episode: Episode, definition: instruments.Definition, *, clinician: bool
) -> HttpResponse:
    clinic_wording = selectors.latest_wording(clinic_id=episode.clinic_id, instrument=definition.id)
    suggested = selectors.suggested_time_point(episode=episode, instrument=definition.id)
    form = ResponseForm(
        form_data(request), definition=definition,
        wording=clinic_wording.wording if clinic_wording else None, clinician=clinician,
        time_point=suggested,
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(
                actor=request.user, episode=episode, instrument=definition.id,
                answers=form.answers(), **(form.when() or {"time_point": suggested}),
            )
        except InputError as exc:
            form.add_service_errors(exc)
        else:
            return redirect("assessment_detail", assessment_id=assessment.pk)
    context = {"form": form, "episode": episode, "definition": definition,
               "clinic_wording": clinic_wording, "clinician": clinician}
    return render(request, "assessments/form.html", context)


@login_required
@require_GET
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.assessment_get(actor=request.user, assessment_id=assessment_id)
    if request.user.role == Role.PATIENT:
        return render(request, "assessments/patient_done.html", {"assessment": assessment})
    view = result_view(assessment, selectors.baseline_for(assessment))
    alerts = list(assessment.alerts.select_related("acknowledged_by", "patient", "raised_by"))
    return render(request, "assessments/detail.html", {
        "view": view, "assessment": assessment, "episode": assessment.episode,
        "alerts": alerts, "open_alerts": [a for a in alerts if a.is_open],
    })


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get(actor=request.user, alert_id=alert_id)
    try:
        services.alert_acknowledge(actor=request.user, alert=alert,
                                   note=request.POST.get("note", ""))
    except ConflictError as exc:
        messages.info(request, str(exc))
    except InputError as exc:
        messages.error(request, " ".join(m for found in exc.errors.values() for m in found))
    else:
        messages.success(request, "Alert acknowledged. Thank you for following it up.")
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    if alert.screening is not None:
        return redirect("screening_episode", episode_id=alert.screening.episode_id)
    return redirect("assessment_detail", assessment_id=alert.assessment_id)
