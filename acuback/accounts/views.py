from __future__ import annotations

from django import forms
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from acuback.accounts.services import LoginRefused, user_login_check
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record


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
