"""Small helpers shared by the page tests."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse

from acuback.audit.models import AuditEntry


def html(response: HttpResponse) -> str:
    return response.content.decode()


def between(text: str, start: str, end: str) -> str:
    """The part of `text` after `start` and before the next `end` (for "beside the field")."""
    head = text.index(start)
    return text[head:text.index(end, head)]


def patient_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "given_name": "Marie", "family_name": "Curie", "date_of_birth": "1967-11-07",
        "sex": "female", "email": "marie@example.org", "phone": "(202) 555-0100",
        "address": "1 Rue Pierre", "practitioner_id": "",
    }
    data.update(overrides)
    return data


def tomorrow() -> str:
    return (dt.date.today() + dt.timedelta(days=1)).isoformat()


def last_entry() -> AuditEntry:
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    return entry
