"""The treatment plan page and its two HTMX partials (catalogue search, one point row).
Thin views over the scoped selectors and `plan_save`; access errors rise to the web layer's
middleware (404 for another clinic, 403 for a role)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from acuback.accounts.models import User
from acuback.accounts.sessions import form_data
from acuback.audit.models import Action
from acuback.episodes.models import Episode
from acuback.errors import ConflictError, InputError
from acuback.plans import selectors
from acuback.plans.forms import PlanEditor, ProposeForm
from acuback.plans.proposals import Proposal
from acuback.plans.services import plan_save
from acuback.screening.selectors import clinical_episode_get, screening_status


def _episode(actor: User, episode_id: int, action: str = Action.READ) -> Episode:
    return clinical_episode_get(actor=actor, episode_id=episode_id, what="plan", action=action)


@login_required
@require_http_methods(["GET", "POST"])
def plan_episode(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode(request.user, episode_id)
    status = screening_status(episode)
    context = {"episode": episode, "patient": episode.patient, "status": status}
    if not status.planning.allowed:
        return render(request, "plans/plan.html", context)  # says why; no form
    current = selectors.plan_get_current(actor=request.user, episode=episode)
    proposal = selectors.plan_proposal(episode, pattern=None, estim_requested=False)
    context.update(not_asked=proposal.not_asked, blocking=proposal.blocking_questions,
                   unconfirmed=proposal.unconfirmed_words)
    if proposal.blocking_questions:
        return render(request, "plans/plan.html", {**context, "current": current})
    restored = form_data(request) if request.method == "GET" else None
    if restored is not None:  # a plan posted after the session ended: shown, not saved
        editor = PlanEditor.for_post(episode, restored)
    elif request.method == "GET":
        editor = PlanEditor.for_get(episode, request.GET, current)
    else:
        editor = PlanEditor.for_post(episode, request.POST)
        if editor.form.is_valid() and not editor.errors:
            try:
                plan_save(actor=request.user, episode=episode, **editor.save_kwargs())
            except InputError as exc:
                editor.show_errors(exc)
            except ConflictError as exc:
                editor.errors.append(str(exc))
            else:
                messages.success(request, "The treatment plan is saved.")
                return redirect("plan_episode", episode_id=episode.pk)
    return render(request, "plans/plan.html", {**context, "editor": editor, "current": current})


@login_required
@require_GET
def plan_version(request: HttpRequest, episode_id: int, number: int) -> HttpResponse:
    episode = _episode(request.user, episode_id)
    plans = selectors.plan_history(actor=request.user, episode=episode)
    plan = next((p for p in plans if p.number == number), None)
    if plan is None:
        raise Http404("no such plan version")
    return render(request, "plans/version.html", {
        "episode": episode, "patient": episode.patient, "plan": plan, "plans": plans,
    })


def _proposal(request: HttpRequest, episode: Episode) -> Proposal:
    pattern, estim = ProposeForm(request.GET).values()
    return selectors.plan_proposal(episode, pattern=pattern, estim_requested=estim)


@login_required
@require_GET
def plan_search(request: HttpRequest, episode_id: int) -> HttpResponse:
    """HTMX: catalogue points matching `q`, marked when excluded for this patient."""
    episode = _episode(request.user, episode_id)
    text = request.GET.get("q", "").strip()[:40]
    hits = selectors.point_search(_proposal(request, episode), text) if text else []
    return render(request, "plans/_search_results.html",
                  {"episode": episode, "hits": hits, "q": text})


@login_required
@require_GET
def plan_point(request: HttpRequest, episode_id: int) -> HttpResponse:
    """HTMX: one editable point row; an excluded point comes with its why and the override."""
    episode = _episode(request.user, episode_id)
    row = selectors.point_row(_proposal(request, episode), request.GET.get("code", ""))
    if row is None:
        raise Http404("no such point")
    return render(request, "plans/_point_row.html", {"row": row})
