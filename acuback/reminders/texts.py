"""The words of every message to a patient, in one place so a test can read them all.

No health details, ever (issue 13; a message can be read on a lock screen, by a family member,
by the carrier): no appointment type (a clinic may name one after a condition), no episode,
diagnosis, questionnaire or score. A message says who, when and where, and how to change it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from acuback.scheduling.models import Appointment
from acuback.scheduling.services import schedule_of


@dataclass(frozen=True)
class Text:
    subject: str
    body: str
    sms: str


def _when(appointment: Appointment, starts_at: dt.datetime | None = None) -> str:
    local = (starts_at or appointment.starts_at).astimezone(
        schedule_of(appointment.clinic_id).tz)
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def _who(appointment: Appointment) -> str:
    person = appointment.practitioner
    return person.get_full_name() or "your practitioner"


def reminder(appointment: Appointment, portal_url: str, questionnaires_due: bool) -> Text:
    clinic = appointment.clinic.name
    when = _when(appointment)
    lines = [
        f"Hello {appointment.patient.given_name},",
        "",
        f"This is a reminder of your appointment at {clinic} on {when} with "
        f"{_who(appointment)}.",
    ]
    if questionnaires_due:
        lines += ["", f"Before you come, please answer the short questions waiting for you: "
                      f"{portal_url}"]
    lines += ["", f"To change or cancel it, use your portal ({portal_url}) or call the clinic.",
              "", f"{clinic}"]
    sms = (f"{clinic}: reminder of your appointment on {when}. To change it: {portal_url}")
    return Text(f"Your appointment on {when}", "\n".join(lines), sms)


def confirmation(appointment: Appointment, portal_url: str) -> Text:
    clinic = appointment.clinic.name
    when = _when(appointment)
    body = "\n".join([
        f"Hello {appointment.patient.given_name},",
        "",
        f"Your appointment at {clinic} is booked for {when} with {_who(appointment)}. The "
        "attached file adds it to your calendar.",
        "",
        f"To change or cancel it, use your portal ({portal_url}) or call the clinic.",
        "",
        clinic,
    ])
    return Text(f"Booked: {when}", body, f"{clinic}: booked for {when}. {portal_url}")


def waitlist_offer(freed: Appointment, given_name: str, starts_at: dt.datetime,
                   take_url: str) -> Text:
    """An earlier time has come free (someone else's appointment: nothing of theirs is said,
    not even its type). First to take it gets it."""
    clinic = freed.clinic.name
    when = _when(freed, starts_at)
    body = "\n".join([
        f"Hello {given_name},",
        "",
        f"You asked for an earlier time at {clinic}. One has come free: {when} with "
        f"{_who(freed)}. It goes to whoever takes it first.",
        "",
        f"To take it, use your portal ({take_url}) or call the clinic.",
        "",
        clinic,
    ])
    return Text(f"An earlier time: {when}", body,
                f"{clinic}: an earlier time is free, {when}. To take it: {take_url}")
