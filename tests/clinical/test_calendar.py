"""Calendar rules at their boundaries: wall-clock times across daylight-saving changes,
half-open overlaps, working hours, course dates and free slots."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.clinical import calendar as cal

LA = cal.zone("America/Los_Angeles")
# 2027 in Los Angeles: clocks jump 02:00 -> 03:00 on 14 March, fall back 02:00 -> 01:00 on
# 7 November (second Sunday of March, first Sunday of November; US Energy Policy Act 2005).
SPRING = dt.date(2027, 3, 14)
AUTUMN = dt.date(2027, 11, 7)


def test_it_refuses_a_time_the_clocks_skip() -> None:
    assert not cal.exists(SPRING, dt.time(2, 30), LA)
    with pytest.raises(cal.LocalTimeError, match="does not exist"):
        cal.to_instant(SPRING, dt.time(2, 30), LA)


def test_it_accepts_the_minutes_either_side_of_the_gap() -> None:
    before = cal.to_instant(SPRING, dt.time(1, 59), LA)
    after = cal.to_instant(SPRING, dt.time(3, 0), LA)
    assert after - before == dt.timedelta(minutes=1)


def test_it_takes_the_first_of_a_repeated_time() -> None:
    first = cal.to_instant(AUTUMN, dt.time(1, 30), LA)
    assert first == dt.datetime(2027, 11, 7, 8, 30, tzinfo=dt.UTC)  # PDT, UTC-7


def test_it_keeps_an_explicit_offset_for_the_second_repeated_time() -> None:
    second = dt.datetime(2027, 11, 7, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    assert cal.aware_instant(second, LA) == dt.datetime(2027, 11, 7, 9, 30, tzinfo=dt.UTC)


def test_it_reads_a_naive_time_in_the_clinic_zone() -> None:
    naive = dt.datetime(2027, 1, 5, 9, 0)
    assert cal.aware_instant(naive, LA) == dt.datetime(2027, 1, 5, 17, 0, tzinfo=dt.UTC)


def test_it_makes_the_change_days_23_and_25_hours_long() -> None:
    start, end = cal.day_bounds(SPRING, LA)
    assert end - start == dt.timedelta(hours=23)
    start, end = cal.day_bounds(AUTUMN, LA)
    assert end - start == dt.timedelta(hours=25)


def test_it_lets_one_appointment_start_when_another_ends() -> None:
    nine = dt.datetime(2027, 1, 5, 17, tzinfo=dt.UTC)
    ten = nine + dt.timedelta(hours=1)
    assert not cal.overlaps(nine, ten, ten, ten + dt.timedelta(minutes=30))
    assert cal.overlaps(nine, ten, ten - dt.timedelta(minutes=1), ten + dt.timedelta(hours=1))
    assert cal.overlaps(nine, ten, nine + dt.timedelta(minutes=10), nine + dt.timedelta(minutes=20))


def test_it_sees_overlap_across_the_autumn_change_in_real_time() -> None:
    # 01:30 PDT for 60 minutes ends at 01:30 PST: a booking at 01:15 PST overlaps it.
    first = cal.to_instant(AUTUMN, dt.time(1, 30), LA)
    later = dt.datetime(2027, 11, 7, 1, 15, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    assert cal.overlaps(first, first + dt.timedelta(hours=1), cal.aware_instant(later, LA),
                        cal.aware_instant(later, LA) + dt.timedelta(minutes=30))


SHIFT = cal.Shift(weekday=1, start=dt.time(9), end=dt.time(17))  # Tuesdays 9-5


def test_it_checks_working_hours_at_both_ends() -> None:
    tuesday = dt.date(2027, 1, 5)
    start = cal.to_instant(tuesday, dt.time(16, 0), LA)
    assert cal.within_hours(start, start + dt.timedelta(hours=1), [SHIFT], LA)
    assert not cal.within_hours(start, start + dt.timedelta(minutes=61), [SHIFT], LA)
    early = cal.to_instant(tuesday, dt.time(8, 59), LA)
    assert not cal.within_hours(early, early + dt.timedelta(minutes=30), [SHIFT], LA)
    wednesday = cal.to_instant(dt.date(2027, 1, 6), dt.time(10), LA)
    assert not cal.within_hours(wednesday, wednesday + dt.timedelta(minutes=30), [SHIFT], LA)


def test_it_refuses_a_shift_that_ends_before_it_starts() -> None:
    with pytest.raises(ValueError, match="end after"):
        cal.Shift(0, dt.time(12), dt.time(12))


def test_it_spreads_a_course_over_the_week() -> None:
    monday = dt.date(2027, 1, 4)
    assert cal.default_weekdays(monday, 1) == [0]
    assert cal.default_weekdays(monday, 2) == [0, 3]
    assert cal.default_weekdays(monday, 3) == [0, 2, 4]
    assert cal.default_weekdays(dt.date(2027, 1, 8), 2) == [0, 4]  # Friday and Monday


def test_it_dates_a_course_of_ten_twice_a_week() -> None:
    dates = cal.course_dates(dt.date(2027, 1, 4), [0, 3], 10)
    assert len(dates) == 10
    assert dates[0] == dt.date(2027, 1, 4) and dates[-1] == dt.date(2027, 2, 4)
    assert {d.weekday() for d in dates} == {0, 3}


def test_it_starts_a_course_on_the_first_chosen_weekday_on_or_after_the_first_day() -> None:
    assert cal.course_dates(dt.date(2027, 1, 5), [0], 1) == [dt.date(2027, 1, 11)]


@pytest.mark.parametrize("weekdays, sessions", [([], 5), ([7], 5), ([0], 0), ([0], 61)])
def test_it_refuses_a_course_it_cannot_date(weekdays: list[int], sessions: int) -> None:
    with pytest.raises(ValueError):
        cal.course_dates(dt.date(2027, 1, 4), weekdays, sessions)


def test_it_keeps_a_weekly_course_at_the_same_wall_clock_time_across_the_change() -> None:
    dates = cal.course_dates(SPRING - dt.timedelta(days=7), [6], 2)
    found = cal.course_occurrences(dates, dt.time(9), 45, LA)
    assert [o.start.astimezone(LA).time() for o in found if o.start] == [dt.time(9)] * 2
    assert found[1].start - found[0].start == dt.timedelta(days=7, hours=-1)


def test_it_marks_a_course_session_whose_time_does_not_exist() -> None:
    found = cal.course_occurrences([SPRING], dt.time(2, 15), 30, LA)
    assert found[0].start is None and "does not exist" in found[0].problem


def test_it_offers_free_slots_around_what_is_busy() -> None:
    tuesday = dt.date(2027, 1, 5)
    busy = [(cal.to_instant(tuesday, dt.time(10), LA), cal.to_instant(tuesday, dt.time(11), LA))]
    shift = cal.Shift(1, dt.time(9), dt.time(12))
    slots = [s.astimezone(LA).time() for s in cal.free_slots(tuesday, [shift], busy, 30, 30, LA)]
    assert slots == [dt.time(9), dt.time(9, 30), dt.time(11), dt.time(11, 30)]


def test_it_offers_no_slot_in_the_skipped_hour() -> None:
    shift = cal.Shift(SPRING.weekday(), dt.time(1), dt.time(4))
    slots = [s.astimezone(LA).time() for s in cal.free_slots(SPRING, [shift], [], 30, 30, LA)]
    assert dt.time(2) not in slots and dt.time(2, 30) not in slots
    assert slots[0] == dt.time(1) and dt.time(3) in slots


def test_it_refuses_an_unknown_zone() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        cal.zone("Mars/Olympus_Mons")
