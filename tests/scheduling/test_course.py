"""A plan's course booked in one step: sessions x frequency, clashes shown before anything is
saved, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.billing.coverage import Level
from acuback.plans.models import Plan
from acuback.plans.services import Course
from acuback.scheduling import services
from acuback.scheduling.models import Appointment, AppointmentSeries
from tests.personas import World
from tests.plans.factories import save
from tests.scheduling.factories import LA, Calendar, at, book, local_day, make_calendar, next_change
from tests.screening.factories import screen


@pytest.fixture
def cal(world: World) -> Calendar:
    return make_calendar(world)


@pytest.fixture
def plan(world: World) -> Plan:
    screen(world.practitioner, world.other_episode)
    return save(world.practitioner, world.other_episode, course=Course(10, 2))


def _monday(weeks_ahead: int = 1) -> dt.date:
    day = local_day(7 * weeks_ahead)
    return day - dt.timedelta(days=day.weekday())


def _input(world: World, cal: Calendar, plan: Plan, first: dt.date, **kw: object,
           ) -> services.CourseInput:
    return services.CourseInput(plan_id=plan.pk, first_day=first, at=dt.time(10),
                                practitioner_id=world.practitioner.pk,
                                appointment_type_id=cal.follow_up.pk, room_id=cal.room1.pk,
                                **kw)  # type: ignore[arg-type]


def test_it_previews_the_plan_s_sessions_twice_a_week(world: World, cal: Calendar,
                                                      plan: Plan) -> None:
    preview = services.course_preview(actor=world.front_desk,
                                      data=_input(world, cal, plan, _monday()))
    assert len(preview.sessions) == 10 and preview.ok
    assert preview.weekdays == [0, 3]
    assert {s.starts_at.astimezone(LA).time() for s in preview.sessions} == {dt.time(10)}
    assert Appointment.objects.count() == 0


def test_it_shows_the_clashes_before_saving_and_saves_nothing(world: World, cal: Calendar,
                                                              plan: Plan) -> None:
    first = _monday()
    taken = book(world.front_desk, world.patient, world.practitioner, cal.initial,
                 at(first + dt.timedelta(days=3), 9, 30))
    preview = services.course_preview(actor=world.front_desk,
                                      data=_input(world, cal, plan, first))
    assert preview.clash_count == 1
    assert preview.sessions[1].clashes[0].appointment_id == taken.pk
    with pytest.raises(services.BookingConflict) as caught:
        services.course_book(actor=world.front_desk, data=_input(world, cal, plan, first))
    assert "Session 2" in caught.value.clashes[0].message
    assert Appointment.objects.count() == 1 and AppointmentSeries.objects.count() == 0


def test_it_books_every_session_in_one_step(world: World, cal: Calendar, plan: Plan) -> None:
    series = services.course_book(actor=world.front_desk,
                                  data=_input(world, cal, plan, _monday(), weekdays=[1, 4]))
    booked = list(series.appointments.order_by("starts_at"))
    assert len(booked) == 10
    assert {a.starts_at.astimezone(LA).weekday() for a in booked} == {1, 4}
    assert all(a.episode_id == plan.episode_id and a.room_id == cal.room1.pk for a in booked)
    assert series.plan_id == plan.pk


def test_it_keeps_the_wall_clock_time_across_a_clock_change(world: World, cal: Calendar,
                                                            plan: Plan) -> None:
    change = next_change(spring=True)
    first = change - dt.timedelta(days=change.weekday() + 7)  # the Monday a week before
    series = services.course_book(actor=world.front_desk,
                                  data=_input(world, cal, plan, first, weekdays=[0], sessions=3))
    booked = list(series.appointments.order_by("starts_at"))
    times = [a.starts_at.astimezone(LA).time() for a in booked]
    gaps = {b.starts_at - a.starts_at for a, b in zip(booked, booked[1:], strict=False)}
    assert times == [dt.time(10)] * 3
    assert dt.timedelta(days=7, hours=-1) in gaps  # one week is an hour shorter


def test_it_refuses_a_course_of_another_clinic_s_plan(world: World, cal: Calendar,
                                                      plan: Plan) -> None:
    from acuback.errors import InputError

    with pytest.raises(InputError):
        services.course_preview(actor=world.outsider, data=_input(world, cal, plan, _monday()))


def test_it_warns_of_sessions_medicare_would_not_cover(world: World, cal: Calendar) -> None:
    screen(world.practitioner, world.episode)  # lumbar, M54.50, pain since January 2026
    lumbar = save(world.practitioner, world.episode, course=Course(14, 2))
    preview = services.course_preview(actor=world.front_desk,
                                      data=_input(world, cal, lumbar, _monday()))
    assert preview.coverage[0].startswith("If Medicare covers this patient: 0 visits")
    warned = [n for n in preview.coverage if n.startswith("Session")]
    assert [n.split(" (")[0] for n in warned] == ["Session 13", "Session 14"]
    assert "documented improvement" in warned[0]


def test_it_says_when_the_diagnosis_is_not_one_medicare_covers(world: World, cal: Calendar,
                                                               plan: Plan) -> None:
    preview = services.course_preview(actor=world.front_desk,
                                      data=_input(world, cal, plan, _monday()))
    [note] = preview.coverage
    assert "Not a Medicare benefit (M54.6 is not chronic low back pain" in note
    assert {w.level for w in preview.warnings} == {Level.EXCLUDED}


def test_it_counts_the_visits_already_held_this_benefit_year(world: World, cal: Calendar) -> None:
    from acuback.visits.services import visit_start

    screen(world.practitioner, world.episode)
    lumbar = save(world.practitioner, world.episode, course=Course(12, 2))
    for weeks in (3, 2):
        visit_start(actor=world.practitioner, episode=world.episode, source="blank",
                    started_at=dt.datetime.now(dt.UTC) - dt.timedelta(weeks=weeks))
    preview = services.course_preview(actor=world.front_desk,
                                      data=_input(world, cal, lumbar, _monday()))
    assert preview.coverage[0].startswith("If Medicare covers this patient: 2 visits")
    # Visits 13 and 14 of the benefit year are sessions 11 and 12 of this course.
    assert [n.split(" (")[0] for n in preview.coverage[1:]] == ["Session 11", "Session 12"]
