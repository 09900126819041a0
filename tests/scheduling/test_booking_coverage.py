"""Medicare coverage warned before a booking is saved, one path for every interface (services,
booking page, course, API, a portal request the clinic confirms, a move): at the boundaries of
the first 12 visits, counting appointments already booked, an ABN on file, and a diagnosis
outside Medicare (shown, never stopped)."""

from __future__ import annotations

import datetime as dt
from html import unescape
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from acuback.billing.coverage import Level
from acuback.billing.models import Abn, AbnOption
from acuback.billing.services import AbnInput, abn_record
from acuback.episodes.models import Episode
from acuback.errors import InputError
from acuback.plans.services import Course
from acuback.scheduling import services
from acuback.scheduling.coverage import CoverageNotConfirmed, booking_warnings
from acuback.scheduling.models import Appointment, Status
from tests.personas import World
from tests.plans.factories import save
from tests.scheduling.factories import Calendar, at, book, local_day, make_calendar
from tests.screening.factories import screen


@pytest.fixture
def cal(world: World) -> Calendar:
    return make_calendar(world)


@pytest.fixture
def lumbar(world: World) -> Episode:
    """Ada's chronic low back pain (M54.50 since January 2026), screened clear; her payer is
    not recorded, so Medicare's rules apply (unknown is not no)."""
    screen(world.practitioner, world.episode)
    return world.episode


def held(world: World, episode: Episode, visits: int) -> None:
    """`visits` charted (draft) visits in the last weeks, none of them judged yet."""
    from acuback.visits.services import visit_start

    now = timezone.now()
    for n in range(visits):
        visit_start(actor=world.practitioner, episode=episode, source="blank",
                    started_at=now - dt.timedelta(days=5 * (visits - n)))


def _abn(world: World, episode: Episode, option: str) -> None:
    """The patient's ABN signed today for the next 30 days, with the option they chose."""
    today = timezone.localdate()
    abn_record(actor=world.front_desk, episode=episode, data=AbnInput(
        signed_on=today, covers_until=today + dt.timedelta(days=30), option=option,
        reason="visit 13 without documented improvement"))


def _book(world: World, cal: Calendar, day: dt.date, *, actor: object = None,
          **kw: object) -> Appointment:
    return services.appointment_book(actor=actor or world.front_desk, data=services.BookingInput(
        patient_id=world.patient.pk, practitioner_id=world.practitioner.pk,
        appointment_type_id=cal.follow_up.pk, starts_at=at(day, 10),
        episode_id=world.episode.pk), **kw)  # type: ignore[arg-type]


def test_it_books_visit_12_without_asking(world: World, cal: Calendar, lumbar: Episode) -> None:
    held(world, lumbar, 11)
    booked = _book(world, cal, local_day(2))
    assert booked.status == Status.BOOKED


def test_it_stops_visit_13_until_confirmed_and_stores_nothing(world: World, cal: Calendar,
                                                              lumbar: Episode) -> None:
    held(world, lumbar, 12)
    with pytest.raises(CoverageNotConfirmed) as refused:
        _book(world, cal, local_day(2))
    assert Appointment.objects.count() == 0
    [warning] = refused.value.warnings
    assert warning.level is Level.ABN_NEEDED
    assert warning.judgement.coverage.visits_in_benefit_year == 12
    assert set(refused.value.extra["coverage"][0]["improvement"]) == {"status"}  # no scores
    assert _book(world, cal, local_day(2), coverage_confirmed=True).status == Status.BOOKED


def test_it_counts_appointments_already_booked(world: World, cal: Calendar,
                                               lumbar: Episode) -> None:
    held(world, lumbar, 11)
    _book(world, cal, local_day(2))  # visit 12
    with pytest.raises(CoverageNotConfirmed):
        _book(world, cal, local_day(4))  # visit 13
    # ... but not one booked after the day being booked.
    assert _book(world, cal, local_day(1)).status == Status.BOOKED


def test_it_books_without_asking_once_an_abn_covers_the_day(world: World, cal: Calendar,
                                                            lumbar: Episode) -> None:
    held(world, lumbar, 12)
    _abn(world, lumbar, AbnOption.BILL_MEDICARE)
    assert _book(world, cal, local_day(2)).status == Status.BOOKED
    [warning] = booking_warnings(lumbar, [local_day(3)])
    assert warning.level is Level.ABN_ON_FILE and not warning.needs_abn
    assert Abn.objects.count() == 1


def test_it_stops_a_day_the_patient_declined_on_the_abn(world: World, cal: Calendar,
                                                        lumbar: Episode) -> None:
    held(world, lumbar, 12)
    _abn(world, lumbar, AbnOption.DECLINED)
    with pytest.raises(CoverageNotConfirmed) as refused:
        _book(world, cal, local_day(2))
    assert refused.value.warnings[0].level is Level.DECLINED


def test_it_shows_but_never_stops_a_diagnosis_outside_medicare(world: World,
                                                               cal: Calendar) -> None:
    screen(world.practitioner, world.other_episode)  # thoracic, M54.6: GY
    booked = book(world.front_desk, world.other_patient, world.practitioner, cal.follow_up,
                  at(local_day(2), 10))
    [warning] = booking_warnings(world.other_episode, [local_day(2)])
    assert booked.status == Status.BOOKED and warning.level is Level.EXCLUDED and warning.warns


def test_it_stops_a_course_whose_sessions_13_and_14_medicare_would_not_pay(
        world: World, cal: Calendar, lumbar: Episode) -> None:
    plan = save(world.practitioner, lumbar, course=Course(14, 2))
    data = services.CourseInput(plan_id=plan.pk, first_day=local_day(7), at=dt.time(10),
                                practitioner_id=world.practitioner.pk,
                                appointment_type_id=cal.follow_up.pk)
    preview = services.course_preview(actor=world.front_desk, data=data)
    levels = [w.level for w in preview.warnings]
    assert levels[:12] == [Level.COVERED] * 12 and levels[12:] == [Level.ABN_NEEDED] * 2
    with pytest.raises(CoverageNotConfirmed) as refused:
        services.course_book(actor=world.front_desk, data=data)
    assert len(refused.value.warnings) == 2 and Appointment.objects.count() == 0
    series = services.course_book(actor=world.front_desk, data=data, coverage_confirmed=True)
    assert series.appointments.count() == 14


def test_it_asks_before_the_clinic_confirms_a_portal_request(world: World, cal: Calendar,
                                                             lumbar: Episode) -> None:
    held(world, lumbar, 12)
    requested = services.portal_request(actor=world.patient_user,
                                        appointment_type_id=cal.follow_up.pk,
                                        practitioner_id=world.practitioner.pk,
                                        starts_at=at(local_day(2), 10))
    assert requested.status == Status.REQUESTED  # the patient is never asked about Medicare
    with pytest.raises(CoverageNotConfirmed):
        services.appointment_set_status(actor=world.front_desk, appointment=requested,
                                        status=Status.BOOKED, version=requested.version)
    confirmed = services.appointment_set_status(
        actor=world.front_desk, appointment=requested, status=Status.BOOKED,
        version=requested.version, coverage_confirmed=True)
    assert confirmed.status == Status.BOOKED


def test_it_points_the_day_list_to_the_appointment_when_confirming_needs_coverage(
        world: World, cal: Calendar, lumbar: Episode, client_for) -> None:  # noqa: ANN001
    held(world, lumbar, 12)
    requested = services.portal_request(actor=world.patient_user,
                                        appointment_type_id=cal.follow_up.pk,
                                        practitioner_id=world.practitioner.pk,
                                        starts_at=at(local_day(2), 10))
    row = client_for("front_desk").post(
        reverse("appointment_status", args=[requested.pk]),
        {"status": Status.BOOKED, "version": requested.version}, HTTP_HX_REQUEST="true")
    html = row.content.decode()
    assert row.status_code == 200 and "Medicare is expected not to pay" in html
    detail = reverse("appointment_detail", args=[requested.pk])
    assert f'href="{detail}" data-testid="coverage-open"' in html
    requested.refresh_from_db()
    assert requested.status == Status.REQUESTED  # nothing saved before it is confirmed
    detail_page = client_for("front_desk").get(detail).content.decode()
    assert 'data-testid="record-abn"' in detail_page


def test_it_asks_before_moving_visit_12_past_another_booking(world: World, cal: Calendar,
                                                             lumbar: Episode) -> None:
    held(world, lumbar, 11)
    first = _book(world, cal, local_day(2))  # visit 12
    _book(world, cal, local_day(4), coverage_confirmed=True)  # visit 13, confirmed
    # Moved past the other one, it becomes visit 13 itself.
    with pytest.raises(CoverageNotConfirmed):
        services.appointment_move(actor=world.front_desk, appointment=first,
                                  starts_at=at(local_day(6), 10), version=first.version)
    assert Appointment.objects.get(pk=first.pk).starts_at == first.starts_at
    # Moved within the first 12 it needs nothing.
    version = first.version
    moved = services.appointment_move(actor=world.front_desk, appointment=first,
                                      starts_at=at(local_day(3), 10), version=version)
    assert moved.version == version + 1


def test_it_answers_409_over_the_api_without_the_scores(world: World, cal: Calendar,
                                                        lumbar: Episode, client_for) -> None:
    held(world, lumbar, 12)
    body = {"patient_id": world.patient.pk, "practitioner_id": world.practitioner.pk,
            "appointment_type_id": cal.follow_up.pk, "starts_at": f"{local_day(2)}T10:00",
            "episode_id": lumbar.pk}
    client = client_for("front_desk")
    refused = client.post("/api/appointments", body, content_type="application/json")
    assert refused.status_code == 409 and refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert problem["code"] == "coverage_not_confirmed"
    [coverage] = problem["coverage"]
    assert coverage["level"] == "abn_needed" and coverage["needs_abn"] is True
    assert set(coverage["improvement"]) == {"status"}  # no outcome evidence
    assert Appointment.objects.count() == 0
    booked = client.post("/api/appointments", {**body, "coverage_confirmed": True},
                         content_type="application/json")
    assert booked.status_code == 201, booked.content


def test_it_warns_on_the_booking_page_and_keeps_what_was_typed(world: World, cal: Calendar,
                                                               lumbar: Episode,
                                                               client_for) -> None:
    held(world, lumbar, 12)
    client = client_for("front_desk")
    form = {"patient": world.patient.pk, "practitioner": world.practitioner.pk,
            "appointment_type": cal.follow_up.pk, "day": local_day(2).isoformat(),
            "time": "10:00", "note": "prefers mornings"}
    page = client.post(reverse("appointment_book"), form)
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="booking-coverage"' in html
    assert "Medicare is expected not to pay" in html and 'data-testid="record-abn"' in html
    assert 'value="prefers mornings"' in html and Appointment.objects.count() == 0
    day = local_day(2)
    link = f"/billing/episodes/{lumbar.pk}/abn/?on={day.isoformat()}&amp;next="
    assert link in html
    # The ABN form judges the day booked, not today, and covers it.
    abn_page = client.get(unescape(html.split('data-testid="record-abn"')[0]
                                   .rsplit('href="', 1)[1].split('"')[0]))
    assert abn_page.context["warning"].on == day and abn_page.context["on"] == day
    assert abn_page.context["form"].initial["covers_until"] >= day
    # It sends the person back to the booking filled in, the note included.
    back = html.split(link)[1].split('"')[0]
    again = client.get(unquote(unescape(back))).content.decode()
    assert 'value="prefers mornings"' in again and 'value="10:00"' in again
    done = client.post(reverse("appointment_book"), {**form, "coverage_confirmed": "1"})
    assert done.status_code == 302 and Appointment.objects.count() == 1


def test_it_judges_today_on_the_abn_form_when_the_day_asked_is_not_a_date(
        world: World, lumbar: Episode, client_for) -> None:  # noqa: ANN001
    held(world, lumbar, 12)
    url = f"/billing/episodes/{lumbar.pk}/abn/"
    today = timezone.localdate()
    for query in ("", "?on=", "?on=2026-02-30", "?on=tomorrow"):
        page = client_for("front_desk").get(url + query)
        assert page.status_code == 200 and page.context["warning"].on == today, query
        assert 'data-testid="abn-day"' not in page.content.decode()
    later = today + dt.timedelta(days=120)
    page = client_for("front_desk").get(f"{url}?on={later.isoformat()}")
    assert page.context["warning"].on == later and page.context["form"].initial[
        "covers_until"] == later  # the notice must reach the treatment it is for
    assert f"{later.day} {later:%B %Y}</strong>" in page.content.decode()


def test_it_never_judges_a_booking_for_another_clinic_s_patient(world: World, cal: Calendar,
                                                                 lumbar: Episode) -> None:
    held(world, lumbar, 12)
    with pytest.raises(InputError) as refused:  # the patient is refused before any judgement
        _book(world, cal, local_day(2), actor=world.outsider)
    assert "patient_id" in refused.value.errors and Appointment.objects.count() == 0
