"""Calendar pieces other pages include: a patient's appointments on the chart."""

from __future__ import annotations

from typing import Any

from django import template

from acuback.accounts.access import is_staff_member
from acuback.patients.models import Patient
from acuback.scheduling import selectors

register = template.Library()


@register.filter
def dictget(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, ())


@register.filter
def weekday_name(weekday: int) -> str:
    """0 -> Mon ... 6 -> Sun."""
    return ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[int(weekday)]


@register.inclusion_tag("scheduling/_patient_panel.html", takes_context=True)
def patient_appointments(context: template.Context, patient: Patient) -> dict[str, Any]:
    """Upcoming appointments, no-shows and late cancels with the clinic's fee policy, for staff
    (the patient reads theirs in the portal)."""
    user = context["request"].user
    if not is_staff_member(user):
        return {"shown": False}
    upcoming, attendance, schedule = selectors.upcoming_and_attendance(actor=user,
                                                                       patient=patient)
    from acuback.accounts.access import is_clinical
    from acuback.portal.selectors import questionnaires_due
    from acuback.reminders.services import preferences_of

    return {"shown": True,
            "outstanding": questionnaires_due(patient) if is_clinical(user) else [],
            "patient": patient, "upcoming": upcoming[:5],
            "opted_out": preferences_of(patient),
            "more": max(0, len(upcoming) - 5),
            "attendance": attendance,
            "tz": schedule.tz}
