"""The patient list's rows, written directly as HTML.

The list renders 25 rows on every keystroke of a search; through the template engine (a `with`,
nine `if`s and some twenty variable lookups a row) and Django's `date_format` they were most of
the time the page spent beyond its reads (issue 9). So a row is a function here: every value
escaped as the template engine escapes it (& < > " '), dates as `date_format` writes "j M Y"
and "j M Y, H:i" (the month's short name in the active language), links reversed once per page.
patients/_results.html shows the rows; the columns come from acuback.patients.listing, the
clinical ones for clinicians only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape

from django.conf import settings
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe

from acuback.patients.models import Patient
from acuback.web.urltag import cached_reverse

_NONE_YET = '<span class="muted">none yet</span>'
_NONE_BOOKED = '<span class="muted">none booked</span>'
_DASH = '<span class="muted">—</span>'


def rows_html(patients: list[Patient], *, clinical: bool) -> SafeString:
    """The list's <tr> rows for `patients` (with the columns of listing.RowSelect), with the
    clinical cells for a clinician: "" for no patients."""
    detail = url_with_id("patient_detail")
    episode_detail = url_with_id("episode_detail")
    return mark_safe("".join(  # noqa: S308 - every value below is escaped
        _row(p, detail, episode_detail, clinical=clinical) for p in patients))


def _row(p: Patient, detail: Callable[[int], str], episode_detail: Callable[[int], str], *,
         clinical: bool) -> str:
    alerts = getattr(p, "open_alerts", 0)
    badge = (f' <span class="pill danger alert-badge" data-testid="alert-badge">'
             f'{"1 open safety alert" if alerts == 1 else f"{alerts} open safety alerts"}</span>'
             if alerts else "")
    visit = getattr(p, "last_visit", None)
    booked = in_clinic_zone(getattr(p, "next_visit", None), getattr(p, "clinic_time_zone", None))
    doctor = p.practitioner
    practitioner = (doctor.get_full_name() or doctor.username) if doctor else ""
    return (
        f'\n    <tr>\n      <td><a class="row-link" href="{detail(p.pk)}">'
        f"{escape(f'{p.family_name}, {p.given_name}')}</a>{badge}</td>\n"
        f"      <td>{p.date_of_birth.isoformat()}</td>\n"
        f"      {_episode_cell(p, episode_detail) if clinical else ''}\n"
        '      <td class="hide-sm" data-testid="last-visit">'
        f"{day(timezone.localtime(visit)) if visit else _NONE_YET}"
        "</td>\n"
        '      <td class="hide-sm" data-testid="next-visit">'
        f"{booked or _NONE_BOOKED}</td>\n"
        f"      {_due_cell(p) if clinical else ''}\n"
        '      <td class="hide-sm">'
        f"{escape(practitioner) if practitioner else _DASH}</td>\n"
        "    </tr>\n  ")


def _episode_cell(p: Patient, episode_detail: Callable[[int], str]) -> str:
    episode = getattr(p, "active_episode", None)
    shown = (f'<a href="{episode_detail(episode.id)}">{escape(episode.region)}</a> '
             f'<span class="muted small">since {day(episode.opened_on)}</span>'
             if episode and episode.region else '<span class="muted">none</span>')
    return f'<td class="hide-sm" data-testid="active-episode">{shown}</td>'


def _due_cell(p: Patient) -> str:
    due = getattr(p, "questionnaires_due", 0)
    shown = (f'<span class="pill warn">{due} baseline{"" if due == 1 else "s"} missing</span>'
             if due else _DASH)
    return f'<td class="hide-sm" data-testid="questionnaires-due">{shown}</td>'


def day(when: dt.date) -> str:
    """`date_format(when, "j M Y")`: 7 Mar 2026."""
    return f"{when.day} {escape(MONTHS_3[when.month].title())} {when.year:04d}"


def in_clinic_zone(when: dt.datetime | None, zone_name: str | None) -> str:
    """A booked time as the clinic's clock shows it (its zone, else ACUBACK_TIME_ZONE), as
    `date_format(..., "j M Y, H:i")`; "" for none."""
    if when is None:
        return ""
    from acuback.clinical.calendar import zone

    there = when.astimezone(zone(zone_name or settings.TIME_ZONE))
    return f"{day(there)}, {there.hour:02d}:{there.minute:02d}"


def url_with_id(name: str) -> Callable[[int], str]:
    """reverse(name, args=[pk]) for many ids, from the {% url %} tag's per-process cache."""
    return lambda pk: cached_reverse(name, [pk])
