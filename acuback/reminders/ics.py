"""iCalendar (RFC 5545) for appointments: one event as a patient's .ics attachment, and a
practitioner's private feed. Built with the `icalendar` library.

What an event says is chosen for where it ends up (a phone's calendar, synced to a provider):
for the patient, the clinic, the time and the practitioner; for the practitioner, the patient's
initials and the appointment type. Never a diagnosis, an episode or anything from the chart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from icalendar import Calendar, Event

from acuback.scheduling.models import Appointment, Status

PRODID = "-//acuback//appointments//EN"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _event(appointment: Appointment, summary: str, description: str) -> Event:
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@{_host()}")
    event.add("dtstamp", appointment.updated_at.astimezone(dt.UTC))
    event.add("dtstart", appointment.starts_at.astimezone(dt.UTC))
    event.add("dtend", appointment.ends_at.astimezone(dt.UTC))
    event.add("sequence", appointment.version)
    event.add("summary", summary)
    event.add("location", appointment.clinic.name)
    event.add("description", description)
    cancelled = appointment.status in (Status.CANCELLED, Status.LATE_CANCEL)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _host() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h not in ("*", "")]
    return hosts[0].lstrip(".") if hosts else "acuback"


def _who(appointment: Appointment) -> str:
    person = appointment.practitioner
    return person.get_full_name() or person.username


def patient_event(appointment: Appointment) -> bytes:
    """The .ics a patient adds to their calendar."""
    cal = _calendar(appointment.clinic.name)
    cal.add("method", "PUBLISH")
    cal.add_component(_event(
        appointment, f"Appointment at {appointment.clinic.name}",
        f"With {_who(appointment)}. To change or cancel, use the portal or call the clinic."))
    return cal.to_ical()  # type: ignore[no-any-return]


def practitioner_feed(name: str, appointments: Iterable[Appointment]) -> bytes:
    cal = _calendar(name)
    for a in appointments:
        initials = f"{a.patient.given_name[:1]}. {a.patient.family_name[:1]}."
        cal.add_component(_event(a, f"{a.appointment_type.name}: {initials}",
                                 f"{a.get_status_display()}. Details in acuback."))
    return cal.to_ical()  # type: ignore[no-any-return]
