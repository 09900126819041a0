"""The account page (one's own password and API tokens) and the owners' list of the clinic's
tokens. Thin views over accounts.tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acuback.accounts import tokens
from acuback.accounts.access import is_staff_member
from acuback.accounts.models import STAFF_ROLES
from acuback.accounts.staff import staff_members
from acuback.errors import InputError
from acuback.patients.forms import ServiceErrorsMixin
from acuback.web.errors import require_role


class TokenForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(max_length=100,
                           help_text="What or who uses it, e.g. \"billing export\".")
    days = forms.IntegerField(label="Expires after (days)", min_value=1, max_value=tokens.MAX_DAYS,
                              initial=tokens.DEFAULT_DAYS)


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST":
        require_role(request.user, STAFF_ROLES, what="api_token", action="create")
        if form.is_valid():
            try:
                secret = tokens.api_token_create(user=request.user, actor=request.user,
                                                 **form.cleaned_data)
            except InputError as exc:
                form.show_service_errors(exc)
            else:
                form = TokenForm()
    mine = tokens.api_tokens_visible(actor=request.user).filter(user=request.user)
    return render(request, "accounts/account.html", {
        "form": form, "secret": secret, "tokens": mine,
        "may_have_tokens": is_staff_member(request.user)})


@login_required
@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    staff_members(actor=request.user)  # owners only
    clinic_tokens = tokens.api_tokens_visible(actor=request.user)
    return render(request, "accounts/token_list.html", {"tokens": clinic_tokens})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = tokens.api_token_get(actor=request.user, token_id=token_id)
    tokens.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"The token “{token.name}” of {token.user.username} is revoked.")
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("account")
