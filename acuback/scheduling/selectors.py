"""The one read path of the calendar, scoped to the actor's clinic and audited.

Staff (owner, practitioner, front desk) see their clinic's appointments; a patient sees their
own; anyone else nothing. Another clinic's appointment is not found (404). An appointment's
type, time, practitioner and room are not clinical content, so front desk sees them too.

A week of a busy clinic is read in a constant number of queries (appointments with their
patient, practitioner, room and type in one; working hours, practitioners, rooms and the
clinic's rules in one each), whatever the number of appointments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.models import STAFF_ROLES, USER_NAME_FIELDS, Role, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical import calendar
from acuback.patients.models import Patient
from acuback.scheduling.models import (
    HOLDS_TIME,
    Appointment,
    AppointmentType,
    ClinicSchedule,
    Room,
    Status,
    WaitlistEntry,
    WaitlistStatus,
    WorkingHours,
)
from acuback.scheduling.services import PRACTITIONER_ROLES, schedule_of
from acuback.sqlrows import Columns, fetch, marks, starts, table
from acuback.sqlrows import key as request_key

MAX_DAYS = 42  # one request reads at most six weeks


def appointment_queryset(actor: User) -> QuerySet[Appointment]:
    membership = membership_of(actor)
    if membership is None:
        return Appointment.objects.none()
    qs = Appointment.objects.filter(clinic_id=membership.clinic_id)
    if membership.role in STAFF_ROLES:
        return qs
    if membership.role == Role.PATIENT:
        return qs.filter(patient__user=actor)
    return Appointment.objects.none()


def appointment_get(*, actor: User, appointment_id: object) -> Appointment:
    pk = request_key(appointment_id)
    found = (appointment_queryset(actor).select_related(
        "patient", "practitioner", "room", "appointment_type", "episode", "series")
        .filter(pk=pk).first() if pk is not None else None)
    audit_record(actor=actor, action=Action.READ, object_type="appointment",
                 object_id=found.pk if found else appointment_id,
                 outcome=Outcome.OK if found else Outcome.NOT_FOUND,
                 clinic_id=found.clinic_id if found else None)
    if found is None:
        raise NotFound("appointment not found")
    return found


def _require_staff(actor: User, what: str = "appointment") -> int:
    membership = membership_of(actor)
    if membership is None or membership.role not in STAFF_ROLES:
        audit_record(actor=actor, action=Action.LIST, object_type=what, outcome=Outcome.DENIED)
        raise Forbidden("only clinic staff may see the calendar")
    return membership.clinic_id


def practitioners_of(clinic_id: int) -> list[User]:
    return list(User.objects.filter(
        is_active=True, membership__clinic_id=clinic_id,
        membership__role__in=PRACTITIONER_ROLES).order_by("first_name", "last_name", "username"))


def rooms_of(clinic_id: int) -> list[Room]:
    return list(Room.objects.filter(clinic_id=clinic_id, active=True))


def appointment_types_of(clinic_id: int, *, online_only: bool = False) -> list[AppointmentType]:
    qs = AppointmentType.objects.filter(clinic_id=clinic_id, active=True)
    return list(qs.filter(bookable_online=True) if online_only else qs)


# --- the calendar as pages draw it -------------------------------------------------------


@dataclass(frozen=True)
class Free:
    """A free stretch inside working hours, long enough for the shortest appointment."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    span: str = ""  # "10:30–12:00" in the clinic's zone
    is_free: bool = True


@dataclass
class Cell:
    """One column of one day: a practitioner's or a room's appointments and free time."""

    day: dt.date
    title: str
    practitioner_id: int | None
    room_id: int | None
    entries: list[Appointment | Free] = field(default_factory=list)
    working: bool = False

    @property
    def booked(self) -> int:
        return sum(1 for e in self.entries if isinstance(e, Appointment) and e.holds_time)


@dataclass
class CalendarView:
    schedule: ClinicSchedule
    days: list[dt.date]
    by: str  # "practitioner" or "room"
    cells: list[Cell]
    practitioners: list[User]
    rooms: list[Room]
    focus: User | Room | None

    @property
    def columns(self) -> list[list[Cell]]:
        """Cells grouped by day, in day order (a row of a week table)."""
        return [[c for c in self.cells if c.day == day] for day in self.days]

    @property
    def appointment_count(self) -> int:
        return sum(c.booked for c in self.cells)


def calendar_view(*, actor: User, first_day: dt.date, days: int, by: str = "practitioner",
                  practitioner_id: int | None = None, room_id: int | None = None,
                  ) -> CalendarView:
    """`days` days from `first_day`, one cell per day for each practitioner (or room), or
    only for the one asked for. Audited as one list of the appointments shown."""
    clinic_id = _require_staff(actor)
    days = max(1, min(days, MAX_DAYS))
    schedule = schedule_of(clinic_id)
    tz = schedule.tz
    practitioners, rooms = practitioners_of(clinic_id), rooms_of(clinic_id)
    focus = _focus(by, practitioner_id, room_id, practitioners, rooms)
    dates = [first_day + dt.timedelta(days=i) for i in range(days)]
    start, _ = calendar.day_bounds(dates[0], tz)
    _, end = calendar.day_bounds(dates[-1], tz)
    qs = Appointment.objects.filter(clinic_id=clinic_id, starts_at__lt=end, ends_at__gt=start)
    if isinstance(focus, User):
        qs = qs.filter(practitioner=focus)
    elif isinstance(focus, Room):
        qs = qs.filter(room=focus)
    shown = list(qs.select_related("patient", "practitioner", "room", "appointment_type")
                 .only(*CALENDAR_FIELDS))
    for a in shown:
        a.span = _span(a.starts_at, a.ends_at, tz)  # type: ignore[attr-defined]
    hours = _hours(clinic_id) if by == "practitioner" else {}
    shortest = min((t.minutes for t in appointment_types_of(clinic_id)), default=30)
    cells = _cells(dates, by, focus, practitioners, rooms, shown, hours, shortest, tz)
    audit_record(actor=actor, action=Action.LIST, object_type="appointment", outcome=Outcome.OK,
                 clinic_id=clinic_id, detail={"from": dates[0], "days": days, "by": by,
                                              "ids": [a.pk for a in shown]})
    return CalendarView(schedule, dates, by, cells, practitioners, rooms, focus)


# What a calendar cell shows: enough to draw an entry and link it, nothing clinical.
CALENDAR_FIELDS = (
    "id", "clinic_id", "starts_at", "ends_at", "status", "version", "patient_id",
    "practitioner_id", "room_id", "appointment_type_id", "patient__given_name",
    "patient__family_name", "practitioner__first_name", "practitioner__last_name",
    "practitioner__username", "room__name", "appointment_type__name",
)


def _span(start: dt.datetime, end: dt.datetime, tz: calendar.ZoneInfo) -> str:
    return f"{start.astimezone(tz):%H:%M}–{end.astimezone(tz):%H:%M}"


def appointments_between(*, actor: User, first_day: dt.date, days: int,
                         practitioner_id: int | None = None, room_id: int | None = None,
                         ) -> list[Appointment]:
    """Every appointment of `days` local days from `first_day` (staff), in time order."""
    clinic_id = _require_staff(actor)
    days = max(1, min(days, MAX_DAYS))
    tz = schedule_of(clinic_id).tz
    start, _ = calendar.day_bounds(first_day, tz)
    _, end = calendar.day_bounds(first_day + dt.timedelta(days=days - 1), tz)
    qs = Appointment.objects.filter(clinic_id=clinic_id, starts_at__lt=end, ends_at__gt=start)
    if practitioner_id is not None:
        qs = qs.filter(practitioner_id=practitioner_id)
    if room_id is not None:
        qs = qs.filter(room_id=room_id)
    found = list(qs.select_related("patient", "practitioner", "room", "appointment_type"))
    audit_record(actor=actor, action=Action.LIST, object_type="appointment", outcome=Outcome.OK,
                 clinic_id=clinic_id, detail={"from": first_day, "days": days,
                                              "ids": [a.pk for a in found]})
    return found


def _focus(by: str, practitioner_id: int | None, room_id: int | None,
           practitioners: list[User], rooms: list[Room]) -> User | Room | None:
    if by == "room":
        return next((r for r in rooms if r.pk == room_id), None) if room_id else None
    if practitioner_id:
        found = next((p for p in practitioners if p.pk == practitioner_id), None)
        if found is None:
            raise NotFound("practitioner not found")
        return found
    return None


def _hours(clinic_id: int) -> dict[int, list[calendar.Shift]]:
    found: dict[int, list[calendar.Shift]] = {}
    for row in WorkingHours.objects.filter(clinic_id=clinic_id):
        found.setdefault(row.practitioner_id, []).append(row.shift())
    return found


def _cells(dates: list[dt.date], by: str, focus: User | Room | None, practitioners: list[User],
           rooms: list[Room], shown: list[Appointment],
           hours: dict[int, list[calendar.Shift]], shortest: int,
           tz: calendar.ZoneInfo) -> list[Cell]:
    holders: Sequence[User | Room] = [focus] if focus is not None else (
        practitioners if by == "practitioner" else rooms)
    by_key: dict[tuple[dt.date, int], list[Appointment]] = {}
    for a in shown:
        key = a.practitioner_id if by == "practitioner" else a.room_id
        if key is not None:
            by_key.setdefault((a.starts_at.astimezone(tz).date(), key), []).append(a)
    cells = []
    for day in dates:
        for holder in holders:
            title = _title(holder)
            cell = Cell(day, title, holder.pk if isinstance(holder, User) else None,
                        holder.pk if isinstance(holder, Room) else None)
            booked = by_key.get((day, holder.pk), [])
            shifts = [s for s in hours.get(holder.pk, []) if s.weekday == day.weekday()] \
                if isinstance(holder, User) else []
            cell.working = bool(shifts)
            cell.entries = _entries(day, booked, shifts, shortest, tz)
            cells.append(cell)
    return cells


def _title(holder: User | Room) -> str:
    if isinstance(holder, Room):
        return holder.name
    return holder.get_full_name() or holder.username


def _entries(day: dt.date, booked: list[Appointment], shifts: list[calendar.Shift],
             shortest: int, tz: calendar.ZoneInfo) -> list[Appointment | Free]:
    """The day's appointments in time order with the free stretches of its shifts between."""
    busy = sorted((a.starts_at, a.ends_at) for a in booked if a.holds_time)
    free: list[Appointment | Free] = []
    for shift in sorted(shifts, key=lambda s: s.start):
        if not (calendar.exists(day, shift.start, tz) and calendar.exists(day, shift.end, tz)):
            continue
        cursor = calendar.to_instant(day, shift.start, tz)
        shift_end = calendar.to_instant(day, shift.end, tz)
        for b_start, b_end in busy:
            if b_end <= cursor or b_start >= shift_end:
                continue
            _add_free(free, cursor, min(b_start, shift_end), shortest, tz)
            cursor = max(cursor, b_end)
        _add_free(free, cursor, shift_end, shortest, tz)
    entries: list[Appointment | Free] = [*booked, *free]
    return sorted(entries, key=lambda e: (e.starts_at, isinstance(e, Free)))


def _add_free(found: list[Appointment | Free], start: dt.datetime, end: dt.datetime,
              shortest: int, tz: calendar.ZoneInfo) -> None:
    """A free stretch, from now on only (the past is not bookable), on a 5-minute grid."""
    now = timezone.now()
    if start < now:
        start = now + dt.timedelta(minutes=-now.minute % 5, seconds=-now.second,
                                   microseconds=-now.microsecond)
    if end - start >= dt.timedelta(minutes=shortest):
        found.append(Free(start, end, _span(start, end, tz)))


# --- day lists ------------------------------------------------------------------------------


def day_list(*, actor: User, day: dt.date, practitioner: User | None = None,
             tz: calendar.ZoneInfo | None = None) -> list[Appointment]:
    """The day's appointments of the clinic (front desk) or of one practitioner, in order,
    cancelled ones included (the desk needs to see them)."""
    clinic_id = _require_staff(actor)
    tz = tz or schedule_of(clinic_id).tz
    start, end = calendar.day_bounds(day, tz)
    qs = Appointment.objects.filter(clinic_id=clinic_id, starts_at__gte=start, starts_at__lt=end)
    if practitioner is not None:
        qs = qs.filter(practitioner=practitioner)
    found = list(qs.select_related("patient", "practitioner", "room", "appointment_type"))
    audit_record(actor=actor, action=Action.LIST, object_type="appointment", outcome=Outcome.OK,
                 clinic_id=clinic_id, detail={"day": day, "ids": [a.pk for a in found]})
    return found


def today(clinic_id: int) -> dt.date:
    return timezone.now().astimezone(schedule_of(clinic_id).tz).date()


def appointments_of_patient(*, actor: User, patient: Patient, upcoming_only: bool = False,
                            ) -> list[Appointment]:
    """A patient's appointments, for staff of their clinic or the patient (who holds the
    patient from the scoped selector)."""
    qs = _of_patient(actor, patient)
    if upcoming_only:
        qs = qs.filter(_upcoming(timezone.now()))
    found = list(qs)
    _audit_listed(actor, patient, found)
    return found


def _of_patient(actor: User, patient: Patient) -> QuerySet[Appointment]:
    """The patient's appointments as a page lists them, or an audited refusal."""
    _may_list(actor, patient)
    return Appointment.objects.filter(patient=patient).select_related(
        "practitioner", "room", "appointment_type")


def _may_list(actor: User, patient: Patient) -> None:
    """Staff of the patient's clinic and the patient may list their appointments; anyone else
    gets an audited refusal."""
    membership = membership_of(actor)
    allowed = membership is not None and membership.clinic_id == patient.clinic_id and (
        membership.role in STAFF_ROLES or patient.user_id == actor.pk)
    if not allowed:
        audit_record(actor=actor, action=Action.LIST, object_type="appointment",
                     outcome=Outcome.DENIED, detail={"patient": patient.pk})
        raise Forbidden("this role may not see these appointments")


def _upcoming(now: dt.datetime) -> Q:
    """Not over yet, and still holding its time."""
    return Q(ends_at__gt=now, status__in=HOLDS_TIME)


def _audit_listed(actor: User, patient: Patient, found: list[Appointment]) -> None:
    audit_record(actor=actor, action=Action.LIST, object_type="appointment", outcome=Outcome.OK,
                 clinic_id=patient.clinic_id,
                 detail={"patient": patient.pk, "ids": [a.pk for a in found]})


@dataclass(frozen=True)
class Attendance:
    """No-shows and late cancels of a patient, with what the clinic's policy charges."""

    no_shows: int
    late_cancels: int
    policy: str

    @property
    def any(self) -> bool:
        return bool(self.no_shows or self.late_cancels)


_SCHEDULE = Columns(ClinicSchedule, "cs")
_APPOINTMENT = Columns(Appointment, "a")
_TYPE = Columns(AppointmentType, "t")
# Of the practitioner, only the name is shown (accounts.models.beyond_name).
_PRACTITIONER = Columns(User, "u", USER_NAME_FIELDS)


def upcoming_and_attendance(*, actor: User, patient: Patient,
                            ) -> tuple[list[Appointment], Attendance, ClinicSchedule]:
    """The chart's appointments panel from one read: the patient's upcoming appointments (as
    `appointments_of_patient(upcoming_only=True)` lists and audits them, with their type and
    practitioner), how many of their appointments were no-shows and late cancels (the read
    takes the rows that are either), and the clinic's rules (`schedule_of`), in one
    hand-written statement: the chart reads it on every open, and compiling the ORM's
    queries cost more than running them."""
    _may_list(actor, patient)
    now = timezone.now()
    holds, missed = list(HOLDS_TIME), [Status.NO_SHOW, Status.LATE_CANCEL]
    parts = (_SCHEDULE, _APPOINTMENT, _TYPE, _PRACTITIONER)
    # The clinic's row (when it has set rules) joined to each appointment of the patient
    # still to come or missed, in Appointment.Meta.ordering; one row with no appointment
    # when there is none.
    rows = fetch(
        f"SELECT {', '.join(c.sql() for c in parts)} FROM (SELECT %s AS id) k "  # noqa: S608
        f"LEFT JOIN {table(ClinicSchedule)} cs ON cs.clinic_id = k.id "
        f"LEFT JOIN {table(Appointment)} a ON a.patient_id = %s AND ((a.ends_at > %s AND "
        f"a.status IN ({marks(holds)})) OR a.status IN ({marks(missed)})) "
        f"LEFT JOIN {table(AppointmentType)} t ON t.id = a.appointment_type_id "
        f"LEFT JOIN {table(User)} u ON u.id = a.practitioner_id "
        "ORDER BY a.starts_at, a.id",
        [patient.clinic_id, patient.pk, connection.ops.adapt_datetimefield_value(now),
         *holds, *missed])
    (_, at_schedule), (_, at_appointment), (_, at_type), (_, at_practitioner) = starts(parts)
    schedule = (_SCHEDULE.build(rows[0]) if rows[0][at_schedule] is not None
                else ClinicSchedule(clinic_id=patient.clinic_id))
    found = []
    for row in rows:
        if row[at_appointment] is None:
            continue
        appointment = _APPOINTMENT.build(row, at_appointment)
        Appointment.appointment_type.field.set_cached_value(
            appointment, _TYPE.build(row, at_type))
        Appointment.practitioner.field.set_cached_value(
            appointment, _PRACTITIONER.build(row, at_practitioner))
        found.append(appointment)
    # Every row is either to come or missed, and a missed one holds no time.
    upcoming = [a for a in found if a.status in HOLDS_TIME]
    _audit_listed(actor, patient, upcoming)
    return upcoming, Attendance(sum(a.status == Status.NO_SHOW for a in found),
                                sum(a.status == Status.LATE_CANCEL for a in found),
                                schedule.fee_policy), schedule


# --- availability ---------------------------------------------------------------------------


def availability(*, actor: User, practitioner_id: int, appointment_type_id: int,
                 date_from: dt.date, date_to: dt.date, room_id: int | None = None,
                 ) -> list[dt.datetime]:
    """Start times at which the appointment type fits the practitioner's working hours and
    clashes with nothing of theirs (nor the room's, when given). Staff, and patients of the
    clinic for the types offered online (times only: no one else's appointment shows)."""
    membership = membership_of(actor)
    if membership is None or membership.role not in (*STAFF_ROLES, Role.PATIENT):
        raise Forbidden("log in as clinic staff or a patient")
    clinic_id = membership.clinic_id
    kinds = AppointmentType.objects.filter(pk=appointment_type_id, clinic_id=clinic_id,
                                           active=True)
    if membership.role == Role.PATIENT:
        kinds = kinds.filter(bookable_online=True)
    kind = kinds.first()
    practitioner = User.objects.filter(pk=practitioner_id, membership__clinic_id=clinic_id,
                                       membership__role__in=PRACTITIONER_ROLES).first()
    if kind is None or practitioner is None:
        raise NotFound("no such practitioner or appointment type")
    days = (date_to - date_from).days + 1
    if not 1 <= days <= MAX_DAYS:
        from acuback.errors import InputError

        raise InputError({"date_to": [f"Ask for 1 to {MAX_DAYS} days from date_from."]})
    return _free_starts(clinic_id, practitioner.pk, room_id, kind.minutes, date_from, days)


def _free_starts(clinic_id: int, practitioner_id: int, room_id: int | None, minutes: int,
                 first: dt.date, days: int) -> list[dt.datetime]:
    schedule = schedule_of(clinic_id)
    tz = schedule.tz
    start, _ = calendar.day_bounds(first, tz)
    _, end = calendar.day_bounds(first + dt.timedelta(days=days - 1), tz)
    holders = Q(practitioner_id=practitioner_id)
    if room_id is not None:
        holders |= Q(room_id=room_id)
    busy = list(Appointment.objects.filter(holders, clinic_id=clinic_id, status__in=HOLDS_TIME,
                                           starts_at__lt=end, ends_at__gt=start)
                .values_list("starts_at", "ends_at"))
    shifts = [w.shift() for w in WorkingHours.objects.filter(practitioner_id=practitioner_id)]
    now = timezone.now()
    found: list[dt.datetime] = []
    for i in range(days):
        day = first + dt.timedelta(days=i)
        found += [s for s in calendar.free_slots(day, shifts, busy, minutes,
                                                 schedule.slot_minutes, tz) if s > now]
    return found


# --- waitlist -------------------------------------------------------------------------------


def waitlist(*, actor: User) -> list[WaitlistEntry]:
    clinic_id = _require_staff(actor, "waitlist")
    found = list(WaitlistEntry.objects.filter(clinic_id=clinic_id, status=WaitlistStatus.WAITING)
                 .select_related("patient", "practitioner", "appointment_type"))
    audit_record(actor=actor, action=Action.LIST, object_type="waitlist", outcome=Outcome.OK,
                 clinic_id=clinic_id, detail={"ids": [e.pk for e in found]})
    return found


def waitlist_get(*, actor: User, entry_id: object) -> WaitlistEntry:
    clinic_id = _require_staff(actor, "waitlist")
    found = WaitlistEntry.objects.filter(pk=request_key(entry_id), clinic_id=clinic_id).first()
    audit_record(actor=actor, action=Action.READ, object_type="waitlist", object_id=entry_id,
                 outcome=Outcome.OK if found else Outcome.NOT_FOUND, clinic_id=clinic_id)
    if found is None:
        raise NotFound("waitlist entry not found")
    return found


def waitlist_offers(*, actor: User, freed: Appointment) -> list[WaitlistEntry]:
    """Who to offer a freed time, first come first: waiting for this practitioner (or any),
    for a type that fits the freed time, with the day inside what they asked for."""
    entries = waitlist(actor=actor)
    tz = schedule_of(freed.clinic_id).tz
    day = freed.starts_at.astimezone(tz).date()
    return [e for e in entries if _fits(e, freed, day)]


def fitting_entries(freed: Appointment, day: dt.date) -> list[WaitlistEntry]:
    """The waiting entries a freed time fits, in the order they joined (for the offers sent
    by the worker: no actor, no audit of a read; the messages are audited)."""
    entries = (WaitlistEntry.objects.filter(clinic_id=freed.clinic_id,
                                            status=WaitlistStatus.WAITING)
               .select_related("patient", "appointment_type").order_by("created_at", "id"))
    return [e for e in entries if _fits(e, freed, day)]


def _fits(entry: WaitlistEntry, freed: Appointment, day: dt.date) -> bool:
    return (entry.patient_id != freed.patient_id
            and entry.practitioner_id in (None, freed.practitioner_id)
            and entry.appointment_type.minutes <= freed.minutes
            and (entry.earliest is None or entry.earliest <= day)
            and (entry.latest is None or day <= entry.latest))


def today_section(actor: User) -> dict[str, object] | None:
    """The start page's "today": a practitioner's own appointments, the whole clinic's for
    front desk (and owners, who run the day). Names, times and types only."""
    membership = membership_of(actor)
    if membership is None:
        return None
    clinic_id = membership.clinic_id
    schedule = schedule_of(clinic_id)
    day = timezone.now().astimezone(schedule.tz).date()
    own = membership.role == Role.PRACTITIONER
    rows = day_list(actor=actor, day=day, practitioner=actor if own else None, tz=schedule.tz)
    return {"rows": rows, "own": own, "tz": schedule.tz,
            "waiting": sum(1 for a in rows if a.status == Status.ARRIVED)}


# --- working hours ---------------------------------------------------------------------------


def working_weeks(clinic_id: int) -> dict[int, list[calendar.Shift]]:
    """Each practitioner's shifts (not patient data: no audit), in weekday order."""
    return {pk: sorted(shifts, key=lambda s: (s.weekday, s.start))
            for pk, shifts in _hours(clinic_id).items()}


def practitioner_get(*, actor: User, practitioner_id: object) -> User:
    """A practitioner of the actor's clinic; another clinic's (or nobody) is not found."""
    clinic_id = _require_staff(actor, "working_hours")
    pk = request_key(practitioner_id)
    found = next((p for p in practitioners_of(clinic_id) if p.pk == pk), None)
    if found is None:
        audit_record(actor=actor, action=Action.READ, object_type="working_hours",
                     object_id=practitioner_id, outcome=Outcome.NOT_FOUND)
        raise NotFound("practitioner not found")
    return found
