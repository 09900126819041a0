from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acuback.accounts.links import LinkKind, user_of_link
from acuback.accounts.services import (
    LoginRefused,
    password_change,
    password_reset_request,
    password_set_by_link,
    user_login_check,
)
from acuback.accounts.sessions import expires_at, passive, refresh
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.errors import InputError
from acuback.patients.forms import ServiceErrorsMixin


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(
        attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_login_check(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except LoginRefused as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user)
            target = request.GET.get("next", "")
            if url_has_allowed_host_and_scheme(target, {request.get_host()}):
                return redirect(target)
            return redirect("home")
    return render(request, "accounts/login.html", {"form": form}, status=200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(actor=request.user, action=Action.LOGOUT, object_type="session",
                     outcome=Outcome.OK)
    logout(request)
    return redirect("login")


class NewPasswordMixin(ServiceErrorsMixin):
    """Two new-password fields that must agree; the rules are the service's."""

    def clean(self) -> dict[str, object]:
        data: dict[str, object] = super().clean()  # type: ignore[misc]
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "The two new passwords differ.")  # type: ignore[attr-defined]
        return data


class PasswordChangeForm(NewPasswordMixin, forms.Form):
    password = forms.CharField(label="Current password", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password", "autofocus": True}))
    new_password = forms.CharField(label="New password", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), help_text="At least 10 characters, not a "
        "common password, not your name.")
    new_password2 = forms.CharField(
        label="New password again", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(user=request.user, old_password=form.cleaned_data["password"],
                            new_password=form.cleaned_data["new_password"], request=request)
        except InputError as exc:
            form.show_service_errors(exc)
            if not request.user.is_authenticated:  # locked while asked: the session ended
                return redirect("login")
        else:
            update_session_auth_hash(request, request.user)  # stay logged in here only
            messages.success(request, "Your password is changed.")
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


class LinkPasswordForm(NewPasswordMixin, forms.Form):
    new_password = forms.CharField(
        label="Choose a password", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
        help_text="At least 10 characters, not a common password, not your name.")
    new_password2 = forms.CharField(
        label="The same password again", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


@require_http_methods(["GET", "POST"])
def account_link_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """A one-time link from an invitation or a password reset: choose a password, then log in
    through the login page like everyone else."""
    user = user_of_link(uidb64, token)
    if user is None:
        audit_record(actor=None, action=Action.LOGIN, object_type="account_link",
                     outcome=Outcome.DENIED, detail={"reason": "link unknown, used or expired"})
        return render(request, "accounts/link_invalid.html", status=400)
    kind = LinkKind.INVITATION if user.invitation_pending else LinkKind.PASSWORD_RESET
    form = LinkPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_set_by_link(user=user, password=form.cleaned_data["new_password"],
                                 kind=str(kind))
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            if request.user.is_authenticated:
                logout(request)  # whoever was logged in on this browser, log in afresh
            messages.success(request, "Your password is set. Log in with it now.")
            return redirect("login")
    return render(request, "accounts/link_password.html",
                  {"form": form, "account": user, "welcome": kind == LinkKind.INVITATION})


class ForgotForm(forms.Form):
    login = forms.CharField(label="Your username or e-mail address", max_length=254,
                            widget=forms.TextInput(attrs={"autocomplete": "username",
                                                          "autofocus": True}))


@require_http_methods(["GET", "POST"])
def password_forgot_view(request: HttpRequest) -> HttpResponse:
    form = ForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset_request(login=form.cleaned_data["login"],
                               base_url=request.build_absolute_uri("/"))
        messages.info(request, "If that login exists and has an e-mail address, a link to "
                      "choose a new password is on its way there. It works once, for 3 days.")
        return redirect("login")
    return render(request, "accounts/password_forgot.html", {"form": form})


def _session_answer(request: HttpRequest) -> JsonResponse:
    ends = expires_at(request)
    if ends is None:
        return JsonResponse({"expired": True}, status=401)
    return JsonResponse({"expires_at": ends})


@require_POST
def session_keepalive(request: HttpRequest) -> JsonResponse:
    """The page's script calls this while someone types or a timer runs: the idle limit
    starts again from now (one session write)."""
    if request.user.is_authenticated:
        refresh(request)
    return _session_answer(request)


@passive
@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """When the session ends; reading it is not activity (it never extends the session)."""
    return _session_answer(request)
