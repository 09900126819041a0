"""Red-flag screening pages: thin views over the scoped episode selector and the services.
Access errors rise to the web layer's middleware (404 for another clinic, 403 for a role)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acuback.accounts.models import User
from acuback.accounts.sessions import form_data
from acuback.audit.models import Action
from acuback.episodes.models import Episode
from acuback.errors import InputError
from acuback.screening import selectors, services
from acuback.screening.forms import ReferralForm, ScreeningForm


def _clinical_episode(actor: User, episode_id: int, action: str) -> Episode:
    return selectors.clinical_episode_get(
        actor=actor, episode_id=episode_id, what="screening", action=action
    )


@login_required
@require_http_methods(["GET", "POST"])
def screening_new(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _clinical_episode(request.user, episode_id, Action.CREATE)
    form = ScreeningForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.screening_record(actor=request.user, episode=episode, flags=form.flags(),
                                      rest_no=form.cleaned_data["rest_no"])
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            messages.success(request, "The red-flag screen is recorded.")
            return redirect("screening_episode", episode_id=episode.pk)
    today = timezone.localdate()
    return render(request, "screening/new.html", {
        "episode": episode, "patient": episode.patient, "form": form, "today": today,
        "age": services.age_on(episode.patient.date_of_birth, today),
    })


@login_required
@require_GET
def screening_episode(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _clinical_episode(request.user, episode_id, Action.READ)
    return _episode_page(request, episode, ReferralForm())


@login_required
@require_POST
def referral_new(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _clinical_episode(request.user, episode_id, Action.CREATE)
    form = ReferralForm(request.POST)
    if form.is_valid():
        try:
            services.referral_record(actor=request.user,
                                     screening=selectors.screening_require(episode),
                                     outcome=form.cleaned_data["outcome"],
                                     note=form.cleaned_data["note"])
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            messages.success(request, "The referral outcome is recorded.")
            return redirect("screening_episode", episode_id=episode.pk)
    return _episode_page(request, episode, form)


def _episode_page(request: HttpRequest, episode: Episode, form: ReferralForm) -> HttpResponse:
    return render(request, "screening/episode.html", {
        "episode": episode, "patient": episode.patient, "referral_form": form,
        "status": selectors.screening_status(episode),
        "history": selectors.screening_history(actor=request.user, episode=episode),
    })
