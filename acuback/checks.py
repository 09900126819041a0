"""acuback's own deployment checks, run by `acuback check` beside Django's `check --deploy`.

Each names the setting that fixes it, so that `acuback check` can tell a newcomer exactly what a
development install still needs before it serves a clinic.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

from acuback.config import CONSOLE_EMAIL

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]"}


@register(Tags.security, deploy=True)
def allowed_hosts_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    if set(settings.ALLOWED_HOSTS) - LOOPBACK_HOSTS:
        return []
    return [Warning("ACUBACK_ALLOWED_HOSTS names only this machine, so no other computer can "
                    "reach acuback by name.", hint="Set ACUBACK_ALLOWED_HOSTS=clinic.example.org",
                    id="acuback.W001")]


@register(Tags.security, deploy=True)
def email_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    if settings.EMAIL_BACKEND != CONSOLE_EMAIL:
        return []
    return [Warning("E-mail goes to the server's output: invitations and password reset links "
                    "reach nobody.", hint="Set ACUBACK_EMAIL_URL=smtp+tls://user:pass@host:587 "
                    "and ACUBACK_EMAIL_FROM", id="acuback.W002")]
