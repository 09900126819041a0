from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from acuback.accounts.access import membership_of


def membership(request: HttpRequest) -> dict[str, Any]:
    m = membership_of(getattr(request, "user", None))
    return {"membership": m, "role": m.role if m else None}
