"""The patient list's columns (acuback.patients.listing): active episode, last visit,
questionnaires due and open alerts, clinical ones for clinicians only, and the whole list in a
bounded number of queries whatever the page size."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acuback.assessments.services import assessment_record
from acuback.episodes.models import EpisodeStatus
from acuback.patients.listing import COLUMNS
from acuback.patients.selectors import PAGE_SIZE, PatientSearch, patient_search
from tests.assessments.conftest import ODI_32
from tests.personas import World, make_episode, make_patient
from tests.visits.factories import ready, start
from tests.web.helpers import html

URL = reverse("patient_list")


def _row(world: World, name: str, actor: str = "practitioner"):  # noqa: ANN202
    page = patient_search(actor=getattr(world, actor), search=PatientSearch(name), columns=True)
    (patient,) = page.rows
    return patient


def test_it_shows_the_latest_active_episode(world: World) -> None:
    newer = make_episode(world.practitioner, world.patient, region="thoracic",
                         icd10_code="M54.6")
    found = _row(world, "lovelace").active_episode
    assert (found.id, found.region, found.opened_on) == (newer.pk, "Thoracic", newer.opened_on)


def test_it_shows_no_active_episode_once_discharged(world: World) -> None:
    from acuback.episodes.models import Episode

    Episode.objects.filter(patient=world.other_patient).update(
        status=EpisodeStatus.DISCHARGED, closed_on=timezone.localdate())
    assert _row(world, "hopper").active_episode is None


def _record(world: World, instrument: str, answers: list[int], time_point: str = "baseline"
            ) -> None:
    assessment_record(actor=world.practitioner, episode=world.episode, instrument=instrument,
                      answers=answers, time_point=time_point)


def test_it_counts_the_core_baselines_still_missing(world: World) -> None:
    assert _row(world, "lovelace").questionnaires_due == 2  # function and pain
    _record(world, "odi", ODI_32)
    assert _row(world, "lovelace").questionnaires_due == 1
    _record(world, "nrs", [6])
    assert _row(world, "lovelace").questionnaires_due == 0


def test_it_counts_a_follow_up_as_no_baseline(world: World) -> None:
    _record(world, "odi", ODI_32, time_point="follow_up")
    assert _row(world, "lovelace").questionnaires_due == 2


def test_it_counts_missing_baselines_of_every_active_episode(world: World) -> None:
    make_episode(world.practitioner, world.patient, region="thoracic", icd10_code="M54.6")
    assert _row(world, "lovelace").questionnaires_due == 4


def test_it_shows_when_the_last_visit_began(world: World) -> None:
    assert _row(world, "hopper").last_visit is None
    visit = start(world, ready(world))
    assert _row(world, "hopper").last_visit == visit.started_at


def test_it_shows_the_next_booked_appointment(world: World) -> None:
    from acuback.scheduling.services import appointment_cancel
    from tests.scheduling.factories import at, book, local_day, make_calendar

    cal = make_calendar(world)
    assert _row(world, "hopper", actor="front_desk").next_visit is None
    later = book(world.front_desk, world.other_patient, world.practitioner, cal.initial,
                 at(local_day(5), 9))
    sooner = book(world.front_desk, world.other_patient, world.practitioner, cal.initial,
                  at(local_day(2), 9))
    assert _row(world, "hopper", actor="front_desk").next_visit == sooner.starts_at
    appointment_cancel(actor=world.front_desk, appointment=sooner, version=1)
    assert _row(world, "hopper").next_visit == later.starts_at


def test_it_gives_front_desk_no_clinical_column(world: World) -> None:
    patient = _row(world, "lovelace", actor="front_desk")
    for column in COLUMNS:
        assert hasattr(patient, column.name) is not column.clinical, column.name


def test_it_shows_the_columns_on_the_page_for_clinicians_only(client_for, world: World) -> None:
    clinician = html(client_for("practitioner").get(URL))
    desk = html(client_for("front_desk").get(URL))
    for testid in ("active-episode", "questionnaires-due"):
        assert f'data-testid="{testid}"' in clinician and f'data-testid="{testid}"' not in desk
    assert 'data-testid="last-visit"' in clinician and 'data-testid="last-visit"' in desk
    assert "2 baselines missing" in clinician


@pytest.fixture
def full_page(world: World) -> None:
    """More than a page of patients, each with an active episode."""
    for n in range(PAGE_SIZE + 5):
        patient = make_patient(world.practitioner, f"Ann{n:02d}", "Abbot", dt.date(1980, 1, 1))
        make_episode(world.practitioner, patient)


@pytest.mark.parametrize("persona", ["practitioner", "front_desk"])
def test_it_lists_a_full_page_in_a_bounded_number_of_queries(
    client_for, full_page: None, persona: str, django_assert_max_num_queries,  # noqa: ANN001
) -> None:
    client = client_for(persona)
    client.get(URL)  # the session's first request stores when it began
    # Session; user with membership and clinic; the page with its rows and count in one
    # statement (with the last and next visits, and for a clinician the open alerts); for a
    # clinician also the active episodes with their baselines, one query for the whole page;
    # the list's audit entry, written when the request ends (4 with its savepoint on SQLite, 2
    # on PostgreSQL). A read writes no session.
    limit = {"practitioner": 8, "front_desk": 7}[persona]
    limit -= 2 if connection.vendor == "postgresql" else 0
    with django_assert_max_num_queries(limit):
        page = html(client.get(URL))
    assert page.count('class="row-link"') == PAGE_SIZE


def test_it_needs_no_query_per_patient(client_for, world: World) -> None:
    """Pages of 2 and of 25 patients, each with an episode (and one with a visit)."""
    client = client_for("practitioner")
    client.get(URL)
    start(world, ready(world))
    with CaptureQueriesContext(connection) as two:
        client.get(URL)
    for n in range(PAGE_SIZE - 2):
        make_episode(world.practitioner, make_patient(world.practitioner, f"B{n:02d}", "Abbot"))
    with CaptureQueriesContext(connection) as full:
        page = html(client.get(URL))
    assert page.count('class="row-link"') == PAGE_SIZE
    assert len(full) == len(two)


def test_it_lists_a_page_deep_in_the_list_in_as_few_queries(
    client_for, full_page: None, django_assert_max_num_queries,  # noqa: ANN001
) -> None:
    client = client_for("practitioner")
    cursor = re.search(r'rel="next" href="[^"]*after=(\d+)', html(client.get(URL)))
    assert cursor
    # The cursor row's key and the count are in the page's one statement: no query more.
    limit = 6 if connection.vendor == "postgresql" else 8
    with django_assert_max_num_queries(limit):
        page = html(client.get(URL, {"after": cursor.group(1)}))
    assert page.count('class="row-link"') == 7  # Hopper, Lovelace and the last five Abbots


def test_it_searches_a_full_page_in_as_few_queries(
    client_for, full_page: None, django_assert_max_num_queries,  # noqa: ANN001
) -> None:
    client = client_for("practitioner")
    client.get(URL)
    # As the list: the search's page, rows and count are one statement.
    limit = 6 if connection.vendor == "postgresql" else 8
    with django_assert_max_num_queries(limit):
        page = html(client.get(URL, {"q": "abbot"}))
    assert page.count('class="row-link"') == PAGE_SIZE
