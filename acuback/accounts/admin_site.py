"""The Django admin, with no login of its own.

Its login page sends people to ours (`/login/`), which counts failures toward the lockout and
audits every attempt; its logout and password change are ours too. So a locked owner cannot get
in through the admin, and an owner's password cannot be guessed there without limit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse


class AcubackAdminSite(admin.AdminSite):
    site_header = "acuback administration"
    site_title = "acuback administration"
    # The collapsible model list beside every page leaves a tablet's screen too narrow for lists.
    enable_nav_sidebar = False

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.user.is_authenticated:  # logged in, but the admin is not open to this role
            return render(request, "403.html", status=403)
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        return redirect_to_login(target)

    def logout(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        from acuback.accounts.views import logout_view

        return logout_view(request)

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return redirect("password_change")
