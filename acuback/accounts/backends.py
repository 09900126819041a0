"""The authentication backend: whoever calls `django.contrib.auth.authenticate()` (the admin, a
library, a future view) gets the lockout and the audit of `accounts.services.user_login_check`,
never a bare password check."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from acuback.accounts.models import User
from acuback.accounts.services import LoginRefused, user_login_check


class LockoutBackend(ModelBackend):
    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> User | None:
        if username is None or password is None:
            return None
        try:
            return user_login_check(username=username, password=password)
        except LoginRefused:
            return None

    def get_user(self, user_id: Any) -> User | None:
        """The logged-in user of a request, with their membership and clinic, which every page
        reads (the header names the clinic): one query instead of three."""
        user = (User._default_manager.select_related("membership__clinic")
                .filter(pk=user_id).first())
        return user if user is not None and self.user_can_authenticate(user) else None
