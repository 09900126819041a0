"""The treatment-room pages: an episode's visits, the visit page (chart a draft, or read a
signed record with its amendments beside it), the needle counter and timer (HTMX), signing,
amending, adverse events, the printout, and the clinic-wide lists (unsigned visits, rooms,
lot recall). Thin views over the scoped selectors and the services; access errors rise to the
web layer's middleware (404 for another clinic, 403 for a role)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acuback.accounts.models import User
from acuback.accounts.sessions import form_data
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical.cpt import cpt_table
from acuback.episodes.models import Episode
from acuback.errors import ConflictError, InputError
from acuback.plans.selectors import point_search
from acuback.screening.selectors import clinical_episode_get, prefetch_screenings
from acuback.visits import forms, selectors
from acuback.visits.access import StaleVersion, VisitLocked, needling_status
from acuback.visits.adverse import (
    AdverseEventInput,
    FollowUp,
    adverse_event_follow_up,
    adverse_event_mark_in_error,
)
from acuback.visits.adverse import adverse_event_record as record_event
from acuback.visits.combinations import combination_from_visit
from acuback.visits.content import visit_integrity
from acuback.visits.drawing import VIEWBOX, shapes
from acuback.visits.models import AmendmentKind, PointCombination, Visit
from acuback.visits.painkillers import painkillers_record_intake
from acuback.visits.services import (
    visit_count,
    visit_proposal,
    visit_start,
    visit_timer_start,
    visit_update,
)
from acuback.visits.signing import SECTIONS, visit_amend, visit_needle_check, visit_sign

FORM = require_http_methods(["GET", "POST"])
DRAWINGS_SHOWN = 12


def _visit(request: HttpRequest, visit_id: int, action: str = Action.READ) -> Visit:
    return selectors.visit_get(actor=request.user, visit_id=visit_id, action=action)


def _episode(request: HttpRequest, episode_id: int, action: str = Action.READ) -> Episode:
    return clinical_episode_get(actor=request.user, episode_id=episode_id, what="visit",
                                action=action)


# --- an episode's visits -------------------------------------------------------------------


@login_required
@require_GET
def episode_visits(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode(request, episode_id)
    page = selectors.episode_visits_page(actor=request.user, episode=episode,
                                         before=request.GET.get("before"))
    live = [v for v in page.history if not v.in_error]
    intake = selectors.intake_painkillers(episode)
    prefetch_screenings([episode])  # read once for needling and the coverage warning
    return render(request, "visits/episode.html", {
        "episode": episode, "patient": episode.patient, "visits": page.listed,
        "page": page, "has_visits": bool(page.history),
        "needling": needling_status(episode), "has_plan": episode.plans.exists(),
        "combinations": selectors.combinations_for(request.user),
        "course": selectors.painkiller_course_summary(live, intake=intake),
        "intake": intake,
        # The latest drawings, oldest of them first: enough to see a change, at any length.
        "drawings": [(v, shapes(v.pain_regions)) for v in reversed(
            [v for v in live if v.pain_regions][:DRAWINGS_SHOWN])],
        "viewbox": VIEWBOX, "pk_rows": [], "pk_blank": forms.PainkillerRow("__TOKEN__", {}),
        "events": selectors.episode_adverse_events(episode),
    })


@login_required
@require_POST
def visit_begin(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode(request, episode_id, Action.CREATE)
    form = forms.StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how to start the visit.")
        return redirect("visit_episode", episode_id=episode.pk)
    combination = PointCombination.objects.filter(
        pk=form.cleaned_data["combination"], clinic_id=episode.clinic_id).first() if (
        form.cleaned_data["combination"]) else None
    try:
        visit = visit_start(actor=request.user, episode=episode,
                            source=form.cleaned_data["source"], combination=combination,
                            room=form.cleaned_data["room"])
    except (InputError, ConflictError) as exc:
        messages.error(request, str(exc))
        return redirect("visit_episode", episode_id=episode.pk)
    return redirect("visit_page", visit_id=visit.pk)


@login_required
@require_POST
def episode_intake(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode(request, episode_id, Action.CREATE)
    rows, uses = forms.posted_painkillers(request.POST)
    problems = [e for r in rows for e in r.errors]
    try:
        if problems:
            raise InputError({"painkillers": problems})
        painkillers_record_intake(actor=request.user, episode=episode, uses=uses)
    except InputError as exc:
        messages.error(request, f"The painkillers are not saved: {exc.message}")
    else:
        messages.success(request, "The painkillers taken before care began are recorded.")
    return redirect("visit_episode", episode_id=episode.pk)


# --- the visit page ------------------------------------------------------------------------


def _context(request: HttpRequest, visit: Visit, **extra: Any) -> dict[str, Any]:
    """Everything the visit page shows, in a bounded number of queries."""
    proposal = visit_proposal(visit) if not visit.is_signed else None
    if proposal is not None:
        # Read once for both needling and billing's coverage judgement of the draft.
        prefetch_screenings([visit.episode])
    form = extra.pop("form", None) or forms.VisitForm(initial=forms.visit_initial(visit))
    rows = extra.pop("rows", None)
    if rows is None and proposal is not None:
        rows = forms.stored_rows(proposal, list(visit.points.all()))
    amendments = list(visit.amendments.all())
    return {
        "visit": visit, "episode": visit.episode, "patient": visit.episode.patient,
        "form": form, "rows": rows or [], "proposal": proposal,
        "pk_rows": extra.pop("pk_rows", None) or forms.stored_painkiller_rows(
            list(visit.painkillers.all())),
        "sign_form": extra.pop("sign_form", None) or forms.SignForm(
            initial={"version": visit.version}),
        "amend_form": extra.pop("amend_form", None) or (
            forms.AmendForm() if visit.is_signed else None),
        "integrity": visit_integrity(visit), "needles": visit_needle_check(visit),
        "in_error": next((a for a in amendments if a.kind == AmendmentKind.ENTERED_IN_ERROR),
                         None),
        "corrections": _corrections(amendments),
        "notes": [a for a in amendments if a.kind != AmendmentKind.CORRECTION],
        "sections": SECTIONS, "mine": visit.practitioner_id == request.user.pk,
        "needling": needling_status(visit.episode, proposal) if proposal else None,
        "shapes": shapes(visit.pain_regions), "viewbox": VIEWBOX,
        "cpt_codes": cpt_table().codes, "rooms": _rooms(request.user),
        "soap": SOAP,
        "ashi_row": forms.PointRow("__TOKEN__", {"code": ""}, None),
        "pk_blank": forms.PainkillerRow("__TOKEN__", {}),
        "row_errors": any(r.errors for r in rows or []),
        **counter_context(visit), **extra,
    }


SOAP = [("subjective", "Subjective"), ("objective", "Objective"), ("assessment", "Assessment"),
        ("plan_note", "Plan"), ("next_visit", "Next visit")]


def counter_context(visit: Visit) -> dict[str, Any]:
    started = visit.retention_started_at
    ends = started + dt.timedelta(minutes=visit.retention_minutes or 0) if started else None
    return {"counts": [("in", "In", visit.needles_in), ("out", "Out", visit.needles_out)],
            "timer_ends": ends, "needles": visit_needle_check(visit)}


def _corrections(amendments: list[Any]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for a in amendments:
        if a.kind == AmendmentKind.CORRECTION:
            found.setdefault(a.section, []).append(a)
    return found


def _rooms(actor: User) -> list[Any]:
    return selectors.retention_timers(actor=actor)


@login_required
@FORM
def visit_page(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    # The POST, or on a GET the chart as typed when a save arrived after the session ended
    # (shown again, not saved, until the practitioner saves it).
    posted = form_data(request)
    if posted is None or visit.is_signed:
        return render(request, "visits/visit.html", _context(request, visit))
    form = forms.VisitForm(posted)
    proposal = visit_proposal(visit)
    rows, points = forms.posted_rows(posted, proposal)
    pk_rows, painkillers = forms.posted_painkillers(posted)
    extra = {"form": form, "rows": rows, "pk_rows": pk_rows}
    row_problems = any(r.errors for r in rows) or any(r.errors for r in pk_rows)
    if request.method == "GET" or not form.is_valid() or row_problems:
        return render(request, "visits/visit.html", _context(request, visit, **extra))
    try:
        visit_update(actor=request.user, visit=visit, version=form.cleaned_data["version"],
                     data=form.to_input(points, painkillers))
    except InputError as exc:
        forms.show_row_errors(exc, rows, pk_rows, form)
    except StaleVersion as exc:
        return _conflict(request, visit, exc, extra)
    except VisitLocked as exc:
        messages.error(request, str(exc))
        return redirect("visit_page", visit_id=visit.pk)
    else:
        messages.success(request, "The visit is saved.")
        return redirect("visit_page", visit_id=visit.pk)
    return render(request, "visits/visit.html", _context(request, visit, **extra))


def _conflict(request: HttpRequest, visit: Visit, exc: StaleVersion,
              extra: dict[str, Any]) -> HttpResponse:
    """Both versions: what is stored now, and what was typed (kept in the form, whose version
    now names the stored one, so saving again deliberately replaces it)."""
    current = exc.current
    assert isinstance(current, Visit)
    data = extra["form"].data.copy()
    data["version"] = str(current.version)
    extra["form"] = forms.VisitForm(data)
    extra["form"].is_valid()
    extra["form"].add_error(None, str(exc))
    saved = forms.VisitForm(initial=forms.visit_initial(current))
    differ = [name for name in forms.VisitForm.base_fields if name != "version" and
              str(saved[name].value() or "") != str(extra["form"][name].value() or "")]
    return render(request, "visits/visit.html", _context(
        request, visit, conflict=current, conflict_fields=differ, conflict_form=saved, **extra),
        status=409)


@login_required
@require_POST
def visit_sign_page(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id, Action.UPDATE)
    form = forms.SignForm(request.POST)
    if form.is_valid():
        try:
            visit_sign(actor=request.user, visit=visit, password=form.cleaned_data["password"],
                       version=form.cleaned_data["version"], request=request)
        except InputError as exc:
            for name, problems in exc.errors.items():
                for problem in problems:
                    form.add_error("password" if name == "password" else None, problem)
        except StaleVersion:
            form.add_error(None, "The visit changed since you opened it: check it, then sign.")
        except VisitLocked as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The visit is signed and locked.")
            return redirect("visit_page", visit_id=visit.pk)
    return render(request, "visits/visit.html", _context(request, visit, sign_form=form),
                  status=422)


@login_required
@require_POST
def visit_amend_page(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id, Action.CREATE)
    form = forms.AmendForm(request.POST)
    if form.is_valid():
        try:
            visit_amend(actor=request.user, visit=visit, **form.cleaned_data)
        except InputError as exc:
            form.show_service_errors(exc)
        except ConflictError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The amendment is added beside the original.")
            return redirect("visit_page", visit_id=visit.pk)
    return render(request, "visits/visit.html", _context(request, visit, amend_form=form),
                  status=422)


@login_required
@require_POST
def visit_combination(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id, Action.CREATE)
    form = forms.CombinationForm(request.POST)
    try:
        if not form.is_valid():
            raise InputError("Name the combination.")
        combination_from_visit(actor=request.user, visit=visit, name=form.cleaned_data["name"],
                               shared=form.cleaned_data["shared"])
    except InputError as exc:
        messages.error(request, f"The combination is not saved: {exc.message}")
    else:
        messages.success(request, "The points are saved as a combination.")
    return redirect("visit_page", visit_id=visit.pk)


# --- HTMX partials: needles, timer, points ---------------------------------------------------


def _counter(request: HttpRequest, visit: Visit, *, in_step: bool = True,
             error: str = "") -> HttpResponse:
    response = render(request, "visits/_needles.html", {
        "visit": visit, "in_step": in_step, "error": error, "respond": True,
        **counter_context(visit)})
    # Every rooms strip on the page refreshes; a page that was current takes the new version
    # (its script sets the forms' hidden version fields: an out-of-band swap would add a
    # style attribute, which the Content-Security-Policy refuses).
    events: dict[str, object] = {"rooms-changed": True}
    if in_step:
        events["visit-version"] = {"version": visit.version}
    response["HX-Trigger"] = json.dumps(events)
    return response


@login_required
@require_POST
def visit_count_page(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id, Action.UPDATE)
    try:
        delta = int(request.POST.get("delta", "0"))
        seen = int(request.POST.get("version", "0"))
        counted = visit_count(actor=request.user, visit=visit,
                              which=request.POST.get("which", ""), delta=delta,
                              seen_version=seen)
    except (InputError, ConflictError, ValueError) as exc:
        return _counter(request, visit, error=str(exc), in_step=False)
    return _counter(request, counted.visit, in_step=counted.in_step)


@login_required
@require_POST
def visit_timer_page(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id, Action.UPDATE)
    try:
        minutes = int(request.POST.get("retention_minutes") or visit.retention_minutes or 20)
        counted = visit_timer_start(actor=request.user, visit=visit, minutes=minutes,
                                    seen_version=int(request.POST.get("version", "0")))
    except (InputError, ConflictError, ValueError) as exc:
        return _counter(request, visit, error=str(exc), in_step=False)
    return _counter(request, counted.visit, in_step=counted.in_step)


@login_required
@require_GET
def visit_point_search(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    text = request.GET.get("q", "").strip()[:40]
    hits = point_search(visit_proposal(visit), text) if text else []
    return render(request, "visits/_point_hits.html", {"visit": visit, "hits": hits, "q": text})


@login_required
@require_GET
def visit_point_row(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    code = request.GET.get("code", "")
    last = visit.points.last()
    needle = {k: getattr(last, k) for k in ("gauge_mm", "length_mm", "manufacturer", "lot")} if (
        last) else {}
    row = forms.point_row(visit_proposal(visit), {"code": code, **needle})
    if code and row.point is None:
        raise Http404("no such point")
    return render(request, "visits/_point_row.html", {"row": row})


# --- rooms, unsigned visits, lots ----------------------------------------------------------


@login_required
@require_GET
def rooms(request: HttpRequest) -> HttpResponse:
    timers = selectors.retention_timers(actor=request.user)
    template = "visits/_rooms.html" if request.headers.get("HX-Request") else "visits/rooms.html"
    return render(request, template, {"timers": timers})


@login_required
@require_GET
def unsigned(request: HttpRequest) -> HttpResponse:
    visits = selectors.unsigned_visits(actor=request.user)
    return render(request, "visits/unsigned.html", {"visits": visits})


@login_required
@require_GET
def lots(request: HttpRequest) -> HttpResponse:
    lot = request.GET.get("lot", "").strip()[:60]
    uses = selectors.lot_recall(actor=request.user, lot=lot) if lot else []
    if lot and request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="lot-{_safe(lot)}.csv"'
        writer = csv.writer(response)
        writer.writerow(["visit_id", "date", "patient_id", "practitioner"])
        for use in uses:
            writer.writerow([use.visit_id, use.date.isoformat(), use.patient_id,
                             use.practitioner])
        return response
    if not lot:
        selectors.lot_recall(actor=request.user, lot="")  # owners only, even for the form
    return render(request, "visits/lots.html", {"lot": lot, "uses": uses})


def _safe(lot: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in lot)


# --- adverse events ------------------------------------------------------------------------


@login_required
@FORM
def adverse_new(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id, Action.CREATE if request.method == "POST" else Action.READ)
    form = forms.AdverseEventForm(form_data(request), visit=visit)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "lots": []}
        try:
            record_event(actor=request.user, visit=visit, data=AdverseEventInput(**data))
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            messages.success(request, "The adverse event is recorded.")
            return redirect("visit_page", visit_id=visit.pk)
    return render(request, "visits/adverse_new.html",
                  {"visit": visit, "patient": visit.episode.patient, "form": form})


@login_required
@FORM
def adverse_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.adverse_event_get(actor=request.user, event_id=event_id)
    initial = {k: getattr(event, k) for k in ("version", "severity", "action", "outcome")}
    initial["serious"] = "yes" if event.serious else "no"
    form = forms.FollowUpForm(initial=initial)
    error_form = forms.InErrorForm()
    restored = form_data(request) if request.method == "GET" else None
    if restored is not None:  # posted after the session ended: shown again, not saved
        if "reason" in restored:
            error_form = forms.InErrorForm(restored)
        else:
            form = forms.FollowUpForm(restored)
    if request.method == "POST":
        form, error_form, done = _adverse_post(request, event, form, error_form)
        if done:
            return redirect("adverse_detail", event_id=event.pk)
    return render(request, "visits/adverse_detail.html", {
        "event": event, "visit": event.visit, "patient": event.episode.patient, "form": form,
        "error_form": error_form})


def _adverse_post(request: HttpRequest, event: Any, form: Any,
                  error_form: Any) -> tuple[Any, Any, bool]:
    try:
        if "reason" in request.POST:
            error_form = forms.InErrorForm(request.POST)
            if error_form.is_valid():
                adverse_event_mark_in_error(actor=request.user, event=event,
                                            reason=error_form.cleaned_data["reason"])
                messages.success(request, "The event is marked entered in error.")
                return form, error_form, True
        else:
            form = forms.FollowUpForm(request.POST)
            if form.is_valid():
                data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
                adverse_event_follow_up(actor=request.user, event=event, data=FollowUp(**data),
                                        version=form.cleaned_data["version"])
                messages.success(request, "The follow-up is recorded.")
                return form, error_form, True
    except InputError as exc:
        form.show_service_errors(exc)
    except ConflictError as exc:
        form.add_error(None, str(exc))
    return form, error_form, False


# --- the printout --------------------------------------------------------------------------


@login_required
@require_GET
def visit_print(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    audit_record(actor=request.user, action=Action.EXPORT, object_type="visit",
                 object_id=visit.pk, outcome=Outcome.OK, clinic_id=visit.clinic_id,
                 detail={"printout": True})
    amendments = list(visit.amendments.all())
    return render(request, "visits/print.html", {
        "visit": visit, "patient": visit.episode.patient, "episode": visit.episode,
        "integrity": visit_integrity(visit), "sections": SECTIONS,
        "corrections": _corrections(amendments),
        "notes": [a for a in amendments if a.kind != AmendmentKind.CORRECTION],
        "cpt_codes": cpt_table().codes, "shapes": shapes(visit.pain_regions),
        "viewbox": VIEWBOX, "printed_at": timezone.now(),
        "in_error": next((a for a in amendments if a.kind == AmendmentKind.ENTERED_IN_ERROR),
                         None)})
