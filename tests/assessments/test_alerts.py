"""Alerts that reach people: red-flag referral alerts, the open-alert count on patient lists and
search, and "needs your attention today" at the top of a clinician's start page."""

from __future__ import annotations

import pytest
from django.test import Client

from acuback.assessments.models import AlertKind, SafetyAlert
from acuback.assessments.services import alert_acknowledge
from acuback.patients import listing, search_sql
from acuback.patients.models import Patient
from acuback.web.start import Section, register, sections_for
from tests.assessments.conftest import PHQ9_ITEM9, Record
from tests.personas import World
from tests.screening.factories import CLEAR, EMERGENCY, ROUTINE, URGENT, screen

ClientFor = object


def _counts(world: World) -> dict[str, int]:
    """Each patient's open alerts as the patient list's rows show them (one page: all)."""
    shown = [c for c in listing.COLUMNS if c.name == "open_alerts"]
    found = search_sql.listed_rows(clinic_id=world.clinic_a.pk, dates=[], size=100,
                                   count_limit=1000, select=listing.row_select(shown))
    return {p.family_name: p.open_alerts for p in found.rows}


# --- red flags raise an alert -----------------------------------------------------------------


@pytest.mark.parametrize("flags", [URGENT, EMERGENCY])
def test_it_raises_an_alert_for_a_screen_that_needs_referral(world: World, flags) -> None:  # noqa: ANN001
    screening = screen(world.practitioner, world.episode, *flags)
    alert = SafetyAlert.objects.get()
    assert (alert.kind, alert.screening, alert.patient, alert.raised_by, alert.clinic) == (
        AlertKind.RED_FLAG_REFERRAL, screening, world.patient, world.practitioner,
        world.clinic_a)


@pytest.mark.parametrize("flags", [CLEAR, ROUTINE])
def test_it_raises_no_alert_for_a_screen_that_needs_no_referral(world: World, flags) -> None:  # noqa: ANN001
    screen(world.practitioner, world.episode, *flags)
    assert not SafetyAlert.objects.exists()


def test_it_keeps_a_red_flag_alert_open_until_acknowledged_with_a_note(world: World) -> None:
    screen(world.practitioner, world.episode, *URGENT)
    screen(world.practitioner, world.episode, *CLEAR)  # a clear re-screen closes nothing
    alert = SafetyAlert.objects.get()
    assert alert.is_open
    alert_acknowledge(actor=world.owner, alert=alert, note="Referred to GP; letter sent.")
    alert.refresh_from_db()
    assert (alert.is_open, alert.acknowledged_by, alert.note) == (
        False, world.owner, "Referred to GP; letter sent.")


# --- the open-alert count ---------------------------------------------------------------------


def test_it_counts_each_patients_open_alerts_in_one_query(
    world: World, record: Record, django_assert_num_queries
) -> None:  # noqa: ANN001
    record("phq9", PHQ9_ITEM9)
    screen(world.practitioner, world.episode, *URGENT)
    with django_assert_num_queries(1):
        counts = _counts(world)
    assert counts == {"Lovelace": 2, "Hopper": 0}


def test_it_stops_counting_an_acknowledged_alert(world: World, record: Record) -> None:
    record("phq9", PHQ9_ITEM9)
    screen(world.practitioner, world.episode, *URGENT)
    alert_acknowledge(actor=world.practitioner, alert=SafetyAlert.objects.first(), note="done")
    assert _counts(world)["Lovelace"] == 1


def test_it_badges_the_patient_in_the_list_for_a_clinician(
    world: World, record: Record, client_for
) -> None:  # noqa: ANN001
    record("phq9", PHQ9_ITEM9)
    html = client_for("practitioner").get("/patients/").content.decode()
    row = html.split("Lovelace, Ada", 1)[1].split("</tr>", 1)[0]
    assert "1 open safety alert" in row
    assert html.count('data-testid="alert-badge"') == 1


def test_it_badges_the_patient_in_search_results(world: World, record: Record, client_for) -> None:  # noqa: ANN001
    record("phq9", PHQ9_ITEM9)
    screen(world.practitioner, world.episode, *URGENT)
    client = client_for("owner")
    html = client.get("/patients/?q=ada", HTTP_HX_REQUEST="true").content.decode()
    assert "2 open safety alerts" in html


def test_it_shows_front_desk_no_badge(world: World, record: Record, client_for) -> None:  # noqa: ANN001
    record("phq9", PHQ9_ITEM9)
    html = client_for("front_desk").get("/patients/").content.decode()
    assert "Lovelace, Ada" in html
    assert "alert" not in html.split('id="results"', 1)[1]


def test_it_counts_open_alerts_in_the_api_list(world: World, record: Record, client_for) -> None:  # noqa: ANN001
    record("phq9", PHQ9_ITEM9)
    clinician = client_for("practitioner").get("/api/patients/").json()["results"]
    desk = client_for("front_desk").get("/api/patients/").json()["results"]
    assert {p["family_name"]: p["open_alerts"] for p in clinician} == {
        "Lovelace": 1, "Hopper": 0}
    assert {p["open_alerts"] for p in desk} == {None}


# --- the start page ---------------------------------------------------------------------------


def _start(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_puts_open_alerts_at_the_top_of_a_practitioners_start_page(
    world: World, record: Record, client_for
) -> None:  # noqa: ANN001
    record("phq9", PHQ9_ITEM9, actor=world.patient_user)
    screen(world.owner, world.other_episode, *URGENT)
    html = _start(client_for("practitioner"))
    attention = html.index('data-testid="start-attention"')
    assert attention < html.index("Find a patient")
    assert html.count('data-testid="attention-alert"') == 2
    assert "Ada Lovelace" in html and "Grace Hopper" in html
    assert "entered by the patient" in html  # who raised it
    assert "entered by Olive Owner" in html
    alert = SafetyAlert.objects.get(kind=AlertKind.PHQ9_ITEM9)
    assert f"{alert.raised_at:%Y}" in html  # when


def test_it_lists_the_actors_own_patients_first(world: World, record: Record, client_for) -> None:  # noqa: ANN001
    screen(world.owner, world.other_episode, *URGENT)  # older, not anyone's patient of record
    Patient.objects.filter(pk=world.patient.pk).update(practitioner=world.practitioner)
    record("phq9", PHQ9_ITEM9)
    html = _start(client_for("practitioner"))
    assert html.index("Ada Lovelace") < html.index("Grace Hopper")
    assert "your patient" in html


def test_it_says_when_nothing_needs_attention(world: World, client_for) -> None:  # noqa: ANN001
    html = _start(client_for("owner"))
    assert 'data-testid="attention-empty"' in html


def test_it_shows_front_desk_a_start_page_without_alerts(
    world: World, record: Record, client_for
) -> None:  # noqa: ANN001
    record("phq9", PHQ9_ITEM9)
    html = _start(client_for("front_desk"))
    assert "Find a patient" in html
    assert "start-attention" not in html and "PHQ-9" not in html


def test_it_shows_no_alert_of_another_clinic(world: World, record: Record, client_for) -> None:  # noqa: ANN001
    record("phq9", PHQ9_ITEM9)
    html = _start(client_for("outsider"))
    assert "Lovelace" not in html
    assert 'data-testid="attention-empty"' in html


def test_it_sends_a_patient_to_their_portal(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("patient_user").get("/")
    assert response["Location"] == "/portal/"


def test_it_acknowledges_from_the_start_page_and_returns_there(
    world: World, record: Record, client_for
) -> None:  # noqa: ANN001
    record("phq9", PHQ9_ITEM9)
    client = client_for("practitioner")
    alert = SafetyAlert.objects.get()
    response = client.post(f"/assessments/alerts/{alert.pk}/acknowledge/",
                           {"note": "Phoned, safe", "next": "/"})
    assert response["Location"] == "/"
    assert 'data-testid="attention-empty"' in _start(client)


def _page_queries(client: Client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        _start(client)
    return len(queries)


def test_it_builds_the_start_page_in_queries_that_do_not_grow_with_the_alerts(
    world: World, record: Record, client_for
) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    record("phq9", PHQ9_ITEM9)
    _start(client)  # the session's first refresh is not what is measured
    one = _page_queries(client)
    for _ in range(3):
        record("phq9", PHQ9_ITEM9)
    screen(world.practitioner, world.episode, *URGENT)
    screen(world.practitioner, world.other_episode, *EMERGENCY)
    assert _page_queries(client) == one


def test_it_builds_the_attention_section_in_a_few_queries(
    world: World, record: Record, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    from acuback.assessments.alerts import attention_section

    for _ in range(3):
        record("phq9", PHQ9_ITEM9)
    screen(world.practitioner, world.episode, *URGENT)
    # The count, the rows (patient, who raised it, source joined), and the audit entry written
    # when the request ends (4 with its savepoint on SQLite, 2 on PostgreSQL).
    from django.db import connection

    with django_assert_max_num_queries(6 if connection.vendor == "sqlite" else 4):
        assert attention_section(world.practitioner)["total"] == 4


def test_it_shows_a_registered_section_to_its_roles_only(world: World) -> None:
    register(Section(name="zz_test", title="A test section", template="web/no_clinic.html",
                     build=lambda actor: {"seen_by": actor.username},
                     roles=frozenset({"front_desk"}), order=99))
    try:
        desk = [s.section.name for s in sections_for(world.front_desk)]
        prac = [s.section.name for s in sections_for(world.practitioner)]
        assert desk[-1] == "zz_test" and "zz_test" not in prac
        assert sections_for(world.front_desk)[-1].context["seen_by"] == "desk"
    finally:
        from acuback.web import start

        start._SECTIONS.pop("zz_test")


def test_it_leaves_out_a_section_with_nothing_to_say(world: World) -> None:
    register(Section(name="zz_empty", title="Empty", template="web/no_clinic.html",
                     build=lambda actor: None, roles=frozenset({"owner"})))
    try:
        assert "zz_empty" not in [s.section.name for s in sections_for(world.owner)]
    finally:
        from acuback.web import start

        start._SECTIONS.pop("zz_empty")


def test_a_section_named_by_dotted_path_is_imported_when_the_page_is_drawn(
        world: World) -> None:
    # The apps register their builders by path, so that a command that never draws the start
    # page (`acuback analyze`) does not import the selectors behind it.
    from acuback.web import start

    found = {s.name: s for s in start.sections()}
    assert all(isinstance(found[name].build, str)
               for name in ("attention", "find", "today", "rooms", "unsigned_visits"))
    register(Section(name="zz_path", title="By path", template="web/no_clinic.html",
                     build="acuback.patients.selectors.find_section",
                     roles=frozenset({"front_desk"}), order=99))
    try:
        from acuback.patients.selectors import find_section

        assert start._SECTIONS["zz_path"].builder() is find_section
        assert "zz_path" in [s.section.name for s in sections_for(world.front_desk)]
    finally:
        start._SECTIONS.pop("zz_path")
