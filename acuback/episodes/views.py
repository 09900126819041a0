"""Episode-of-care pages: thin views over the scoped selectors and the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from acuback.accounts.access import is_clinical
from acuback.accounts.models import CLINICAL_ROLES
from acuback.accounts.sessions import form_data
from acuback.assessments.scored import scored_of_patient
from acuback.audit.models import Action
from acuback.clinical.icd10 import code_list
from acuback.episodes import selectors, services
from acuback.episodes.forms import CODES_DATALIST, EpisodeEditForm, EpisodeForm, episode_initial
from acuback.errors import ConflictError, InputError
from acuback.patients.selectors import patient_get_clinical
from acuback.plans.selectors import prefetch_care
from acuback.web.errors import require_role

FORM_METHODS = require_http_methods(["GET", "POST"])


def _form_context(form: EpisodeForm, **extra: object) -> dict[str, object]:
    codes = code_list().codes.values()
    return {"form": form, "codes": codes, "datalist_id": CODES_DATALIST, **extra}


@login_required
@FORM_METHODS
def episode_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_get_clinical(actor=request.user, patient_id=patient_id, what="episode")
    require_role(request.user, CLINICAL_ROLES, what="episode", object_id=patient.pk,
                 action=Action.CREATE)
    form = EpisodeForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            episode = services.episode_create(actor=request.user, patient=patient,
                                              data=form.to_input())
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            messages.success(request, "The episode of care is open.")
            return redirect("episode_detail", episode_id=episode.pk)
    return render(request, "episodes/form.html",
                  _form_context(form, patient=patient, episode=None))


@login_required
@require_GET
def episode_detail(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = selectors.episode_get(actor=request.user, episode_id=episode_id)
    scored = None
    if is_clinical(request.user):
        # The care panel and the coverage panel both judge by the latest screen: read it once
        # (with the plan the care panel shows), before anything could change it. The progress
        # panel and the coverage panel both judge by the outcome measures: read the patient's
        # once (the coverage panel's course counts every episode's).
        prefetch_care([episode])
        scored = scored_of_patient(episode.patient_id)
    code = code_list().codes.get(episode.icd10_code)
    return render(request, "episodes/detail.html",
                  {"episode": episode, "patient": episode.patient, "code": code,
                   "scored": scored})


@login_required
@FORM_METHODS
def episode_edit(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = selectors.episode_get(actor=request.user, episode_id=episode_id)
    require_role(request.user, CLINICAL_ROLES, what="episode", object_id=episode.pk)
    form = EpisodeEditForm(form_data(request),
                           initial=episode_initial(episode))
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_update(actor=request.user, episode=episode, data=form.to_input(),
                                    version=form.cleaned_data["version"])
        except InputError as exc:
            form.show_service_errors(exc)
        except ConflictError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The episode of care is saved.")
            return redirect("episode_detail", episode_id=episode.pk)
    return render(request, "episodes/form.html",
                  _form_context(form, patient=episode.patient, episode=episode))
