"""Billing pages: a patient's billing (payer, coverage, ABNs, claim lines, payments), a visit's
claim lines and supervision, the ABN form, superbills (page, PDF, CSV, CMS-1500 data), the
audit pack, and the clinic's fee schedule. Thin views over the scoped selectors and the
services; access errors rise to the web layer's middleware (404 another clinic, 403 a role)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acuback.accounts.models import CLINICAL_ROLES, Role
from acuback.accounts.sessions import form_data
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.billing import documents, forms, selectors, services
from acuback.billing.claims import claim_lines_rederive
from acuback.billing.models import ClinicBilling, Supervision
from acuback.billing.selectors import Superbill
from acuback.errors import ConflictError, InputError
from acuback.web.errors import require_role

FORM = require_http_methods(["GET", "POST"])


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    since, until = forms.PeriodForm(request.GET).dates()
    return selectors.period(since, until)


def _back(request: HttpRequest, default: str) -> str:
    """Where to go after a form: `next` when it is a page of this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


# --- a patient's billing page -----------------------------------------------------------------


def _visit_choices(page: selectors.BillingPage) -> list[tuple[int, str]]:
    return [(v.pk, f"Visit {v.number} of {timezone.localtime(v.started_at):%-d %b %Y}")
            for v in page.visits]


@login_required
@require_GET
def patient_billing(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = selectors.billing_patient_get(actor=request.user, patient_id=patient_id)
    page = selectors.billing_page(actor=request.user, patient=patient)
    profile = page.profile
    return render(request, "billing/patient.html", {
        "patient": patient, "page": page,
        "payer_form": forms.PayerForm(initial={
            "payer": profile.payer if profile else "",
            "member_id": profile.member_id if profile else "",
            "version": profile.version if profile else 0}),
        "payment_form": forms.PaymentForm(visits=_visit_choices(page)),
        "period_form": forms.PeriodForm(initial={
            "since": timezone.localdate().replace(day=1), "until": timezone.localdate()}),
        "evidence": selectors.shows_evidence(request.user),
        "clinical": request.user.membership.role in CLINICAL_ROLES,
    })


@login_required
@require_POST
def payer_set(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = selectors.billing_patient_get(actor=request.user, patient_id=patient_id,
                                            what="billing_profile")
    form = forms.PayerForm(request.POST)
    if form.is_valid():
        try:
            services.billing_profile_set(actor=request.user, patient=patient,
                                         payer=form.cleaned_data["payer"],
                                         member_id=form.cleaned_data["member_id"],
                                         version=form.cleaned_data["version"])
        except (InputError, ConflictError) as exc:
            messages.error(request, f"The payer is not saved: {_words(exc)}")
        else:
            messages.success(request, "The patient's payer is saved.")
    else:
        messages.error(request, "The payer is not saved: reload the page and try again.")
    return redirect("billing_patient", patient_id=patient.pk)


def _words(exc: Exception) -> str:
    return exc.message if isinstance(exc, InputError) else str(exc)


@login_required
@require_POST
def payment_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = selectors.billing_patient_get(actor=request.user, patient_id=patient_id,
                                            what="payment")
    form = forms.PaymentForm(request.POST, visits=_posted_visit(request))
    if form.is_valid():
        try:
            services.payment_record(actor=request.user, patient=patient, data=form.to_input())
        except InputError as exc:
            messages.error(request, f"The payment is not recorded: {exc.message}")
        else:
            messages.success(request, "The payment is recorded.")
    else:
        messages.error(request, "The payment is not recorded: "
                       + "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("billing_patient", patient_id=patient.pk)


def _posted_visit(request: HttpRequest) -> list[tuple[int, str]]:
    """The visit the form names, as the only choice: the service checks it is the patient's."""
    value = request.POST.get("visit_id", "")
    return [(int(value), value)] if value.isdigit() else []


@login_required
@require_POST
def payment_void(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = selectors.payment_get(actor=request.user, payment_id=payment_id)
    form = forms.VoidForm(request.POST)
    try:
        if not form.is_valid():
            raise InputError({"reason": ["Say why this payment no longer counts."]})
        services.payment_void(actor=request.user, payment=payment,
                              reason=form.cleaned_data["reason"])
    except (InputError, ConflictError) as exc:
        messages.error(request, _words(exc))
    else:
        messages.success(request, "The payment is voided; it is kept, struck through.")
    return redirect("billing_patient", patient_id=payment.patient_id)


# --- ABNs -------------------------------------------------------------------------------------


@login_required
@FORM
def abn_new(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = selectors.billing_episode_get(actor=request.user, episode_id=episode_id,
                                            what="abn")
    today = timezone.localdate()
    # The day the notice is for: the booking or visit that asked for it (?on=), else today. The
    # notice itself is signed today, before that treatment, and must cover that day.
    on = _day_asked(request, default=today)
    warning = selectors.coverage_status(actor=request.user, episode=episode, on=on)
    initial = {"signed_on": today, "covers_until": max(today + dt.timedelta(days=90), on),
               "option": "bill_medicare", "reason": warning.judgement.modifier.why[:2000]}
    form = forms.AbnForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.abn_record(actor=request.user, episode=episode, data=form.to_input())
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            messages.success(request, "The Advance Beneficiary Notice is recorded.")
            return redirect(_back(request, f"/billing/patients/{episode.patient_id}/"))
    return render(request, "billing/abn_new.html", {
        "episode": episode, "patient": episode.patient, "form": form, "warning": warning,
        "on": on, "today": today, "next": _back(request, "")})


def _day_asked(request: HttpRequest, *, default: dt.date) -> dt.date:
    """`?on=YYYY-MM-DD`; anything else (missing, malformed) is the default, never an error:
    the link is ours, and the page still judges a day it can name."""
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return default


@login_required
@require_POST
def abn_void(request: HttpRequest, abn_id: int) -> HttpResponse:
    abn = selectors.abn_get(actor=request.user, abn_id=abn_id)
    form = forms.VoidForm(request.POST)
    try:
        if not form.is_valid():
            raise InputError({"reason": ["Say why this notice no longer counts."]})
        services.abn_void(actor=request.user, abn=abn, reason=form.cleaned_data["reason"])
    except (InputError, ConflictError) as exc:
        messages.error(request, _words(exc))
    else:
        messages.success(request, "The notice is voided; it is kept, struck through.")
    return redirect("billing_patient", patient_id=abn.patient_id)


# --- a visit's claim lines ----------------------------------------------------------------


@login_required
@require_GET
def visit_billing(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = selectors.billing_visit_get(actor=request.user, visit_id=visit_id)
    lines = selectors.claim_lines_of_visit(visit)
    current = [x for x in lines if x.superseded_at is None]
    return render(request, "billing/visit.html", {
        "visit": visit, "episode": visit.episode, "patient": visit.episode.patient,
        "current": current, "earlier": [x for x in lines if x.superseded_at is not None],
        "held": any(not x.billable for x in current) or (visit.is_signed and not current),
        "supervision": Supervision.objects.filter(visit=visit).first(),
        "supervision_form": forms.SupervisionForm(), "rederive_form": forms.RederiveForm(),
        "clinical": request.user.membership.role in CLINICAL_ROLES,
        "profile": getattr(visit.practitioner, "practitioner", None),
    })


@login_required
@require_POST
def supervision_new(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = selectors.billing_visit_get(actor=request.user, visit_id=visit_id,
                                        what="supervision", roles=CLINICAL_ROLES,
                                        action=Action.CREATE)
    form = forms.SupervisionForm(request.POST)
    try:
        if not form.is_valid():
            raise InputError({"present": ["Say whether the physician supervised the visit."]})
        services.supervision_record(actor=request.user, visit=visit,
                                    present=form.cleaned_data["present"])
    except (InputError, ConflictError) as exc:
        messages.error(request, _words(exc))
    else:
        messages.success(request, "The supervision of this visit is recorded.")
    return redirect(_back(request, f"/billing/visits/{visit.pk}/"))


@login_required
@require_POST
def rederive(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = selectors.billing_visit_get(actor=request.user, visit_id=visit_id,
                                        action=Action.CREATE)
    form = forms.RederiveForm(request.POST)
    try:
        if not form.is_valid():
            raise InputError({"reason": ["Say what changed since the lines were derived."]})
        claim_lines_rederive(actor=request.user, visit=visit,
                             reason=form.cleaned_data["reason"])
    except (InputError, ConflictError) as exc:
        messages.error(request, _words(exc))
    else:
        messages.success(request, "The claim lines are derived again; the earlier ones are "
                         "kept below.")
    return redirect("billing_visit", visit_id=visit.pk)


# --- superbills ---------------------------------------------------------------------------


def _download(body: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _superbill_answer(request: HttpRequest, bill: Superbill, kind: str, stem: str
                      ) -> HttpResponse:
    if kind != "html":  # the page's read is audited by the selectors; a download is an export
        audit_record(actor=request.user, action=Action.EXPORT, object_type=f"superbill_{kind}",
                     object_id=bill.patient.pk, outcome=Outcome.OK,
                     clinic_id=bill.patient.clinic_id,
                     detail={"since": bill.since.isoformat(), "until": bill.until.isoformat()})
    if kind == "pdf":
        return _download(documents.superbill_pdf(bill), "application/pdf", f"{stem}.pdf")
    if kind == "csv":
        return _download(documents.superbill_csv(bill), "text/csv; charset=utf-8",
                         f"{stem}.csv")
    if kind == "cms1500":
        body = json.dumps({"claims": documents.cms1500_claims(bill)}, indent=2)
        return _download(body, "application/json", f"{stem}-cms1500.json")
    return render(request, "billing/superbill.html", {
        "bill": bill, "patient": bill.patient, "query": request.GET.urlencode()})


@login_required
@require_GET
def superbill_period(request: HttpRequest, patient_id: int, kind: str = "html") -> HttpResponse:
    patient = selectors.billing_patient_get(actor=request.user, patient_id=patient_id,
                                            what="superbill")
    try:
        since, until = _period(request)
    except InputError as exc:
        messages.error(request, exc.message)
        return redirect("billing_patient", patient_id=patient.pk)
    bill = selectors.superbill_of_period(actor=request.user, patient=patient, since=since,
                                         until=until)
    return _superbill_answer(request, bill, kind, f"superbill-{patient.pk}-{since}-{until}")


@login_required
@require_GET
def superbill_visit(request: HttpRequest, visit_id: int, kind: str = "html") -> HttpResponse:
    visit = selectors.billing_visit_get(actor=request.user, visit_id=visit_id,
                                        what="superbill")
    bill = selectors.superbill_of_visit(actor=request.user, visit=visit)
    return _superbill_answer(request, bill, kind, f"superbill-visit-{visit.pk}")


@login_required
@require_GET
def audit_pack(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = selectors.billing_patient_get(actor=request.user, patient_id=patient_id,
                                            what="audit_pack", roles=CLINICAL_ROLES)
    try:
        since, until = _period(request)
    except InputError as exc:
        messages.error(request, exc.message)
        return redirect("billing_patient", patient_id=patient.pk)
    pack = selectors.audit_pack(actor=request.user, patient=patient, since=since, until=until)
    return _download(documents.audit_pack_pdf(pack), "application/pdf",
                     f"records-{patient.pk}-{since}-{until}.pdf")


# --- the clinic's fees and billing details ----------------------------------------------------


def _fees_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    details = selectors.clinic_billing_of(request.user.membership.clinic_id) or ClinicBilling()
    initial = {f: getattr(details, f) for f in ("billing_name", "address", "phone",
                                                "group_npi", "tax_id", "version")}
    return {
        "rows": selectors.fee_schedule(actor=request.user),
        "owner": request.user.membership.role == Role.OWNER,
        "fee_form": extra.pop("fee_form", None) or forms.FeeForm(),
        "details_form": extra.pop("details_form", None) or forms.ClinicBillingForm(
            initial=initial),
        **extra,
    }


@login_required
@FORM
def fee_schedule(request: HttpRequest) -> HttpResponse:
    fee_form = None
    if request.method == "POST":
        require_role(request.user, {Role.OWNER}, what="fee", action=Action.CREATE)
        fee_form = forms.FeeForm(request.POST)
        if fee_form.is_valid():
            try:
                services.fee_set(actor=request.user, **fee_form.cleaned_data)
            except InputError as exc:
                fee_form.show_service_errors(exc)
            except ConflictError as exc:
                fee_form.add_error(None, str(exc))
            else:
                messages.success(request, "The fee is set. Claim lines already made keep "
                                 "their charges.")
                return redirect("billing_fees")
    return render(request, "billing/fees.html", _fees_context(request, fee_form=fee_form))


@login_required
@require_POST
def clinic_details(request: HttpRequest) -> HttpResponse:
    require_role(request.user, {Role.OWNER}, what="clinic_billing")
    form = forms.ClinicBillingForm(request.POST)
    if form.is_valid():
        try:
            services.clinic_billing_set(actor=request.user, data=form.to_input(),
                                        version=form.cleaned_data["version"])
        except InputError as exc:
            form.show_service_errors(exc)
        except ConflictError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The clinic's billing details are saved.")
            return redirect("billing_fees")
    return render(request, "billing/fees.html", _fees_context(request, details_form=form))
