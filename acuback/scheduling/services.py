"""Writes to the calendar: book, move, cancel, change status, book a course, the waitlist.

Each service checks who may act, validates, checks for clashes and writes with its audit entry
in one transaction. A clash (the practitioner, the room or the patient is already taken, or the
time is outside the practitioner's working hours) raises `BookingConflict` (409) carrying every
clash found, and nothing is stored.

Two bookings racing for one slot: the practitioner's, room's and patient's rows are locked
(SELECT ... FOR UPDATE, in id order) before the clash check on PostgreSQL; SQLite's IMMEDIATE
transactions already let one writer in at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from acuback.accounts.access import AccessError, Forbidden, NotFound, membership_of
from acuback.accounts.models import STAFF_ROLES, Role, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.billing.coverage import CoverageWarning
from acuback.clinical import calendar
from acuback.episodes.models import Episode
from acuback.errors import ConflictError, InputError
from acuback.patients.models import Patient
from acuback.plans.models import Plan
from acuback.scheduling.coverage import (
    booking_notes,
    booking_warnings,
    check_confirmed,
    episode_for_booking,
)
from acuback.scheduling.models import (
    CANCELLABLE,
    HOLDS_TIME,
    MOVABLE,
    TRANSITIONS,
    Appointment,
    AppointmentSeries,
    AppointmentType,
    ClinicSchedule,
    Room,
    Source,
    Status,
    WaitlistEntry,
    WaitlistStatus,
    WorkingHours,
)

PRACTITIONER_ROLES = (Role.PRACTITIONER, Role.OWNER)
NOTE_MAX = 300


class ClashKind:
    PRACTITIONER = "practitioner"
    ROOM = "room"
    PATIENT = "patient"
    OUTSIDE_HOURS = "outside_hours"
    TIME = "time"  # the wall-clock time does not exist that day (clocks change)


@dataclass(frozen=True)
class Clash:
    kind: str
    message: str
    appointment_id: int | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message,
                "appointment_id": self.appointment_id,
                "starts_at": self.starts_at.isoformat() if self.starts_at else None,
                "ends_at": self.ends_at.isoformat() if self.ends_at else None}


class BookingConflict(ConflictError):
    """The time is taken (or outside working hours): 409 with every clash listed."""

    def __init__(self, clashes: Sequence[Clash]) -> None:
        self.clashes = list(clashes)
        super().__init__("; ".join(c.message for c in clashes) or "This time is not free.",
                         clashes=[c.as_dict() for c in self.clashes])


def schedule_of(clinic_id: int) -> ClinicSchedule:
    """The clinic's scheduling rules (the defaults when it has set none)."""
    found = ClinicSchedule.objects.filter(clinic_id=clinic_id).first()
    return found if found is not None else ClinicSchedule(clinic_id=clinic_id)


# --- who may act ---------------------------------------------------------------------------


def staff_clinic(actor: User, *, action: str, object_type: str = "appointment",
                 object_id: object = "", record_clinic_id: int | None = None) -> int:
    """The clinic of a staff actor, or an audited refusal: 404 for another clinic's record,
    403 for a role that may not. Called before the write's transaction opens, so the refusal's
    audit entry is never rolled back with it."""
    membership = membership_of(actor)
    clinic_id = membership.clinic_id if membership is not None else None
    if record_clinic_id is not None and record_clinic_id != clinic_id:
        refusal: AccessError = NotFound("appointment not found")
    elif membership is None or membership.role not in STAFF_ROLES:
        refusal = Forbidden("only clinic staff may change the calendar")
    else:
        return membership.clinic_id
    audit_record(actor=actor, action=action, object_type=object_type, object_id=object_id,
                 outcome=Outcome.NOT_FOUND if isinstance(refusal, NotFound) else Outcome.DENIED)
    raise refusal


# --- what a booking needs ------------------------------------------------------------------


@dataclass
class BookingInput:
    patient_id: int
    practitioner_id: int
    appointment_type_id: int
    starts_at: dt.datetime  # with an offset, or a wall-clock time in the clinic's zone
    room_id: int | None = None
    episode_id: int | None = None
    note: str = ""


@dataclass
class Resolved:
    """A booking's references, each checked to belong to the clinic."""

    patient: Patient
    practitioner: User
    appointment_type: AppointmentType
    room: Room | None
    episode: Episode | None
    starts_at: dt.datetime
    ends_at: dt.datetime


def _resolve(clinic_id: int, data: BookingInput) -> Resolved:
    errors: dict[str, list[str]] = {}
    patient = Patient.objects.filter(pk=data.patient_id, clinic_id=clinic_id).first()
    if patient is None:
        errors["patient_id"] = ["Choose a patient of this clinic."]
    practitioner = clinic_practitioner(clinic_id, data.practitioner_id)
    if practitioner is None:
        errors["practitioner_id"] = ["Choose a practitioner of this clinic."]
    kind = AppointmentType.objects.filter(pk=data.appointment_type_id, clinic_id=clinic_id,
                                          active=True).first()
    if kind is None:
        errors["appointment_type_id"] = ["Choose an appointment type of this clinic."]
    room = None
    if data.room_id is not None:
        room = Room.objects.filter(pk=data.room_id, clinic_id=clinic_id, active=True).first()
        if room is None:
            errors["room_id"] = ["Choose a room of this clinic."]
    episode = None
    if data.episode_id is not None:
        episode = Episode.objects.filter(pk=data.episode_id, patient_id=data.patient_id).first()
        if episode is None:
            errors["episode_id"] = ["Choose an episode of this patient."]
    if len(data.note) > NOTE_MAX:
        errors["note"] = [f"Keep the note under {NOTE_MAX} characters."]
    starts_at = _instant(clinic_id, data.starts_at, errors)
    if errors:
        raise InputError(errors)
    assert patient and practitioner and kind and starts_at  # noqa: S101 - checked above
    ends_at = starts_at + dt.timedelta(minutes=kind.minutes)
    return Resolved(patient, practitioner, kind, room, episode, starts_at, ends_at)


def clinic_practitioner(clinic_id: int, user_id: int | None) -> User | None:
    """The clinic's active practitioner (or owner) with this id, else None."""
    return User.objects.filter(pk=user_id, is_active=True, membership__clinic_id=clinic_id,
                               membership__role__in=PRACTITIONER_ROLES).first()


def _instant(clinic_id: int, value: dt.datetime, errors: dict[str, list[str]],
             name: str = "starts_at") -> dt.datetime | None:
    try:
        return calendar.aware_instant(value, schedule_of(clinic_id).tz)
    except calendar.LocalTimeError as exc:
        errors[name] = [str(exc).capitalize() + "."]
        return None


# --- clashes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """What one appointment would hold: whose time, which room, when."""

    practitioner_id: int
    patient_id: int
    room_id: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime


def clashes_of(clinic_id: int, slots: Sequence[Slot], *, ignore: Iterable[int] = (),
               check_hours: bool = True) -> list[list[Clash]]:
    """For each slot, what it clashes with: other appointments holding the practitioner, room
    or patient, and working hours. Two queries whatever the number of slots; slots are also
    checked against each other (a course must not clash with itself)."""
    if not slots:
        return []
    taken = _taken(clinic_id, slots, ignore)
    hours = _shifts(clinic_id, {s.practitioner_id for s in slots}) if check_hours else {}
    tz = schedule_of(clinic_id).tz
    found = []
    for i, slot in enumerate(slots):
        clashes = [c for other in taken if calendar.overlaps(
            slot.starts_at, slot.ends_at, other.starts_at, other.ends_at)
            for c in _clashes_with(slot, other)]
        clashes += [_self_clash(slot) for j, other in enumerate(slots) if j < i
                    and _same_holder(slot, other) and calendar.overlaps(
                        slot.starts_at, slot.ends_at, other.starts_at, other.ends_at)]
        if check_hours and not calendar.within_hours(
                slot.starts_at, slot.ends_at, hours.get(slot.practitioner_id, []), tz):
            clashes.append(Clash(ClashKind.OUTSIDE_HOURS,
                                 "This is outside the practitioner's working hours."))
        found.append(clashes)
    return found


def _taken(clinic_id: int, slots: Sequence[Slot], ignore: Iterable[int]) -> list[Appointment]:
    start = min(s.starts_at for s in slots)
    end = max(s.ends_at for s in slots)
    holders = Q(practitioner_id__in={s.practitioner_id for s in slots}) | Q(
        patient_id__in={s.patient_id for s in slots})
    rooms = {s.room_id for s in slots if s.room_id is not None}
    if rooms:
        holders |= Q(room_id__in=rooms)
    return list(
        Appointment.objects.filter(holders, clinic_id=clinic_id, status__in=HOLDS_TIME,
                                   starts_at__lt=end, ends_at__gt=start)
        .exclude(pk__in=list(ignore)).select_related("practitioner", "room")
    )


def _shifts(clinic_id: int, practitioner_ids: set[int]) -> dict[int, list[calendar.Shift]]:
    found: dict[int, list[calendar.Shift]] = {}
    for row in WorkingHours.objects.filter(clinic_id=clinic_id,
                                           practitioner_id__in=practitioner_ids):
        found.setdefault(row.practitioner_id, []).append(row.shift())
    return found


def _same_holder(slot: Slot, other: Slot | Appointment) -> bool:
    return (other.practitioner_id == slot.practitioner_id or other.patient_id == slot.patient_id
            or (slot.room_id is not None and other.room_id == slot.room_id))


def _clashes_with(slot: Slot, other: Appointment) -> list[Clash]:
    """Each way one appointment holds what the slot needs: its practitioner, room, patient."""
    found = []
    if other.practitioner_id == slot.practitioner_id:
        found.append((ClashKind.PRACTITIONER, f"{_name(other.practitioner)} is already booked"))
    if slot.room_id is not None and other.room_id == slot.room_id:
        found.append((ClashKind.ROOM, f"{other.room} is already in use"))
    if other.patient_id == slot.patient_id:
        found.append((ClashKind.PATIENT, "The patient already has an appointment"))
    return [Clash(kind, f"{who} then (appointment #{other.pk}).", other.pk, other.starts_at,
                  other.ends_at) for kind, who in found]


def _self_clash(slot: Slot) -> Clash:
    return Clash(ClashKind.PATIENT, "Two sessions of this course overlap.", None,
                 slot.starts_at, slot.ends_at)


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def lock_booking(practitioner_ids: Iterable[int], room_ids: Iterable[int | None],
                 patient_ids: Iterable[int]) -> None:
    """Serialise bookings of the same practitioner, room or patient (PostgreSQL). Public for
    the appointment import (scheduling.imports), which books through the same locks."""
    list(User.objects.select_for_update().filter(pk__in=set(practitioner_ids)).order_by("pk")
         .values_list("pk", flat=True))
    rooms = {r for r in room_ids if r is not None}
    if rooms:
        list(Room.objects.select_for_update().filter(pk__in=rooms).order_by("pk")
             .values_list("pk", flat=True))
    list(Patient.objects.select_for_update().filter(pk__in=set(patient_ids)).order_by("pk")
         .values_list("pk", flat=True))


def refuse_clashes(clashes: list[Clash], allow_outside_hours: bool) -> None:
    """Raise BookingConflict for the clashes that stop a booking (outside hours may be allowed)."""
    real = [c for c in clashes if not (allow_outside_hours and c.kind == ClashKind.OUTSIDE_HOURS)]
    if real:
        raise BookingConflict(real)


# --- book, move, cancel, status ----------------------------------------------------------


def _not_before_today(clinic_id: int, starts_at: dt.datetime, field_name: str = "starts_at",
                      ) -> None:
    tz = schedule_of(clinic_id).tz
    today_start, _ = calendar.day_bounds(timezone.now().astimezone(tz).date(), tz)
    if starts_at < today_start:
        raise InputError({field_name: ["Choose a time from today on."]})


def appointment_book(*, actor: User, data: BookingInput, allow_outside_hours: bool = False,
                     waitlist_entry: WaitlistEntry | None = None,
                     coverage_confirmed: bool = False) -> Appointment:
    """Book one appointment (staff). Raises InputError, BookingConflict, CoverageNotConfirmed
    (a visit Medicare is expected not to pay, unless `coverage_confirmed`); nothing stored."""
    clinic_id = staff_clinic(actor, action=Action.CREATE)
    with transaction.atomic():
        resolved = _resolve(clinic_id, data)
        _not_before_today(clinic_id, resolved.starts_at)
        _check_coverage(clinic_id, resolved.episode, resolved.patient.pk, resolved.starts_at,
                        coverage_confirmed)
        appointment = _create(actor, clinic_id, resolved, data.note, allow_outside_hours,
                              Source.STAFF, Status.BOOKED)
        if waitlist_entry is not None:
            _waitlist_booked(actor, waitlist_entry, appointment)
        return appointment


def _create(actor: User, clinic_id: int, r: Resolved, note: str, allow_outside_hours: bool,
            source: str, status: str, series: AppointmentSeries | None = None) -> Appointment:
    lock_booking([r.practitioner.pk], [r.room.pk if r.room else None], [r.patient.pk])
    slot = Slot(r.practitioner.pk, r.patient.pk, r.room.pk if r.room else None, r.starts_at,
                r.ends_at)
    refuse_clashes(clashes_of(clinic_id, [slot])[0], allow_outside_hours)
    appointment = Appointment.objects.create(
        clinic_id=clinic_id, patient=r.patient, practitioner=r.practitioner, room=r.room,
        appointment_type=r.appointment_type, episode=r.episode, series=series,
        starts_at=r.starts_at, ends_at=r.ends_at, status=status, source=source,
        note=note.strip(), created_by=actor, status_changed_at=timezone.now(),
    )
    audit_record(actor=actor, action=Action.CREATE, object_type="appointment",
                 object_id=appointment.pk, outcome=Outcome.OK, clinic_id=clinic_id,
                 detail={"patient": r.patient.pk, "starts_at": r.starts_at.isoformat(),
                         "status": status, "source": source})
    if status == Status.BOOKED:
        confirm_after_commit(appointment.pk)
    return appointment


def _check_coverage(clinic_id: int, episode: Episode | None, patient_id: int,
                    starts_at: dt.datetime, confirmed: bool, ignore: int | None = None) -> None:
    """The coverage warning before a booking is saved (`acuback.scheduling.coverage`).
    Confirmed already: nothing to judge."""
    if confirmed:
        return
    judged = episode_for_booking(episode, patient_id)
    if judged is not None:
        day = starts_at.astimezone(schedule_of(clinic_id).tz).date()
        check_confirmed(booking_warnings(judged, [day], ignore=ignore), confirmed)


def offer_after_commit(freed_id: int, starts_at: dt.datetime,
                       practitioner_id: int | None = None) -> None:
    """Offer a freed time to the waitlist once the cancel or move is committed (the
    reminders worker sends the messages: `reminders.services.waitlist_offers_send`).
    `practitioner_id`: whose time it was, when a move gave the appointment to someone else."""
    from acuback.reminders.tasks import offer_later

    transaction.on_commit(lambda: offer_later(freed_id, starts_at.isoformat(), practitioner_id))


def confirm_after_commit(appointment_id: int) -> None:
    """Queue the patient's confirmation (with its .ics) once the booking is committed."""
    from acuback.reminders.tasks import confirm_later

    transaction.on_commit(lambda: confirm_later(appointment_id))


def _check_version(appointment: Appointment, version: int) -> None:
    if appointment.version != version:
        raise ConflictError("This appointment was changed by someone else; reload and try again.")


def _save(appointment: Appointment, version: int, **values: Any) -> Appointment:
    updated = Appointment.objects.filter(pk=appointment.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values)
    if not updated:
        raise ConflictError("This appointment was changed by someone else; reload and try again.")
    appointment.refresh_from_db()
    return appointment


def appointment_move(*, actor: User, appointment: Appointment, starts_at: dt.datetime,
                     version: int, practitioner_id: int | None = None,
                     room_id: int | None | bool = False,
                     allow_outside_hours: bool = False,
                     coverage_confirmed: bool = False) -> Appointment:
    """Move to another time (and optionally practitioner or room; room_id=None clears it,
    False keeps it). Only a requested or booked appointment moves; a move to a day Medicare
    would not pay for asks for `coverage_confirmed` as booking does."""
    clinic_id = staff_clinic(actor, action=Action.UPDATE, object_id=appointment.pk,
                             record_clinic_id=appointment.clinic_id)
    with transaction.atomic():
        if appointment.status not in MOVABLE:
            raise ConflictError(f"A {appointment.get_status_display().lower()} appointment "
                                "cannot be moved.")
        _check_version(appointment, version)
        data = BookingInput(
            patient_id=appointment.patient_id,
            practitioner_id=practitioner_id or appointment.practitioner_id,
            appointment_type_id=appointment.appointment_type_id, starts_at=starts_at,
            room_id=appointment.room_id if room_id is False else room_id or None,
            episode_id=appointment.episode_id,
        )
        r = _resolve(clinic_id, data)
        _not_before_today(clinic_id, r.starts_at)
        _check_coverage(clinic_id, r.episode, r.patient.pk, r.starts_at, coverage_confirmed,
                        ignore=appointment.pk)
        lock_booking([r.practitioner.pk], [r.room.pk if r.room else None], [r.patient.pk])
        slot = Slot(r.practitioner.pk, r.patient.pk, r.room.pk if r.room else None,
                    r.starts_at, r.ends_at)
        refuse_clashes(clashes_of(clinic_id, [slot], ignore=[appointment.pk])[0],
                        allow_outside_hours)
        before, before_practitioner = appointment.starts_at, appointment.practitioner_id
        moved = _save(appointment, version, starts_at=r.starts_at, ends_at=r.ends_at,
                      practitioner=r.practitioner, room=r.room)
        audit_record(actor=actor, action=Action.UPDATE, object_type="appointment",
                     object_id=appointment.pk, outcome=Outcome.OK, clinic_id=clinic_id,
                     detail={"moved_from": before.isoformat(), "to": r.starts_at.isoformat()})
        if moved.status == Status.BOOKED:
            confirm_after_commit(moved.pk)
        if (before, before_practitioner) != (moved.starts_at, moved.practitioner_id):
            offer_after_commit(moved.pk, before, before_practitioner)
        return moved


def is_late(appointment: Appointment, schedule: ClinicSchedule, now: dt.datetime) -> bool:
    """A cancellation closer to the start than the clinic's notice period is a late cancel."""
    return appointment.starts_at - now < dt.timedelta(hours=schedule.late_cancel_hours)


def appointment_cancel(*, actor: User, appointment: Appointment, version: int, reason: str = "",
                       by_clinic: bool = False, now: dt.datetime | None = None) -> Appointment:
    """Cancel. Inside the clinic's notice period it is a late cancel (with the clinic's fee),
    unless the clinic cancels. Staff here; the portal has `portal_cancel`."""
    clinic_id = staff_clinic(actor, action=Action.UPDATE, object_id=appointment.pk,
                             record_clinic_id=appointment.clinic_id)
    with transaction.atomic():
        return _cancel(actor, clinic_id, appointment, version, reason, by_clinic,
                       now or timezone.now())


def _cancel(actor: User, clinic_id: int, appointment: Appointment, version: int, reason: str,
            by_clinic: bool, now: dt.datetime) -> Appointment:
    if appointment.status not in CANCELLABLE:
        raise ConflictError(f"A {appointment.get_status_display().lower()} appointment "
                            "cannot be cancelled.")
    if len(reason) > NOTE_MAX:
        raise InputError({"reason": [f"Keep the reason under {NOTE_MAX} characters."]})
    _check_version(appointment, version)
    schedule = schedule_of(clinic_id)
    late = (not by_clinic and appointment.status != Status.REQUESTED
            and is_late(appointment, schedule, now))
    status = Status.LATE_CANCEL if late else Status.CANCELLED
    cancelled = _save(appointment, version, status=status, status_changed_at=now,
                      cancel_reason=reason.strip(), cancelled_by_clinic=by_clinic,
                      fee_due=schedule.late_cancel_fee if late else None)
    audit_record(actor=actor, action=Action.UPDATE, object_type="appointment",
                 object_id=appointment.pk, outcome=Outcome.OK, clinic_id=clinic_id,
                 detail={"status": status, "by_clinic": by_clinic})
    if cancelled.status != Status.REQUESTED and appointment.starts_at > now:
        offer_after_commit(cancelled.pk, cancelled.starts_at)
    return cancelled


def appointment_set_status(*, actor: User, appointment: Appointment, status: str,
                           version: int, coverage_confirmed: bool = False) -> Appointment:
    """Check in (arrived), start treatment, complete, mark a no-show, approve a request
    (approving warns about coverage as booking does)."""
    clinic_id = staff_clinic(actor, action=Action.UPDATE, object_id=appointment.pk,
                             record_clinic_id=appointment.clinic_id)
    with transaction.atomic():
        if status not in Status.values:
            raise InputError({"status": [f"Choose one of: {', '.join(Status.values)}."]})
        if status in (Status.CANCELLED, Status.LATE_CANCEL):
            raise InputError({"status": ["Cancel an appointment with its cancel action."]})
        if status not in TRANSITIONS[appointment.status]:
            raise ConflictError(f"A {appointment.get_status_display().lower()} appointment "
                                f"cannot become {Status(status).label.lower()}.")
        _check_version(appointment, version)
        if appointment.status == Status.REQUESTED and status == Status.BOOKED:
            _check_coverage(clinic_id, appointment.episode, appointment.patient_id,
                            appointment.starts_at, coverage_confirmed, ignore=appointment.pk)
        values: dict[str, Any] = {"status": status, "status_changed_at": timezone.now()}
        if status == Status.NO_SHOW:
            values["fee_due"] = schedule_of(clinic_id).no_show_fee
        elif appointment.status == Status.NO_SHOW:
            values["fee_due"] = None
        was = appointment.status
        changed = _save(appointment, version, **values)
        audit_record(actor=actor, action=Action.UPDATE, object_type="appointment",
                     object_id=appointment.pk, outcome=Outcome.OK, clinic_id=clinic_id,
                     detail={"status": status})
        if was == Status.REQUESTED and status == Status.BOOKED:
            confirm_after_commit(changed.pk)
        return changed


def appointment_start_visit(*, actor: User, appointment: Appointment) -> Any:
    """The practitioner starts treating: a draft visit of the appointment's episode (its points
    from the current plan, if any), linked to the appointment, which becomes "in treatment".
    Starting again opens the same visit."""
    from acuback.plans.selectors import plan_current
    from acuback.visits.models import StartedFrom
    from acuback.visits.services import visit_start

    if appointment.visit_id is not None:
        return appointment.visit
    episode = appointment.episode or _only_active_episode(appointment)
    with transaction.atomic():
        source = StartedFrom.PLAN if plan_current(episode) is not None else StartedFrom.BLANK
        visit = visit_start(actor=actor, episode=episode, source=source,
                            room=appointment.room.name if appointment.room else "")
        values: dict[str, Any] = {"visit": visit, "episode": episode}
        if appointment.status in (Status.BOOKED, Status.ARRIVED):
            values.update(status=Status.IN_TREATMENT, status_changed_at=timezone.now())
        _save(appointment, appointment.version, **values)
        audit_record(actor=actor, action=Action.UPDATE, object_type="appointment",
                     object_id=appointment.pk, outcome=Outcome.OK,
                     clinic_id=appointment.clinic_id,
                     detail={"visit": visit.pk, "status": appointment.status})
        return visit


def _only_active_episode(appointment: Appointment) -> Episode:
    from acuback.episodes.models import EpisodeStatus

    active = list(Episode.objects.filter(patient_id=appointment.patient_id,
                                         status=EpisodeStatus.ACTIVE)[:2])
    if len(active) != 1:
        raise InputError({"episode_id": [
            "Choose the episode this appointment treats first." if active else
            "This patient has no open episode of care: open one first."]})
    return active[0]


# --- a course from the plan ----------------------------------------------------------------


@dataclass
class CourseInput:
    plan_id: int
    first_day: dt.date
    at: dt.time
    practitioner_id: int
    appointment_type_id: int
    room_id: int | None = None
    weekdays: list[int] = field(default_factory=list)  # empty: spread from per_week
    sessions: int | None = None  # empty: the plan's remaining sessions


@dataclass(frozen=True)
class PlannedSession:
    number: int
    day: dt.date
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    clashes: list[Clash]
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.starts_at is not None and not self.clashes


@dataclass(frozen=True)
class CoursePreview:
    plan: Plan
    sessions: list[PlannedSession]
    weekdays: list[int]
    warnings: list[CoverageWarning]  # each session's Medicare judgement, in order

    @property
    def coverage(self) -> list[str]:
        return booking_notes(self.warnings)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.sessions)

    @property
    def clash_count(self) -> int:
        return sum(1 for s in self.sessions if not s.ok)


def course_preview(*, actor: User, data: CourseInput) -> CoursePreview:
    """The course as it would be booked, each session with its clashes; nothing is saved."""
    clinic_id = staff_clinic(actor, action=Action.READ, object_type="course")
    return _preview(clinic_id, data)


def _preview(clinic_id: int, data: CourseInput) -> CoursePreview:
    plan = Plan.objects.select_related("episode__patient").filter(
        pk=data.plan_id, clinic_id=clinic_id).first()
    if plan is None:
        raise InputError({"plan_id": ["Choose a plan of this clinic."]})
    sessions = data.sessions or plan.sessions
    try:
        weekdays = data.weekdays or calendar.default_weekdays(data.first_day, plan.per_week)
        dates = calendar.course_dates(data.first_day, weekdays, sessions)
    except ValueError as exc:
        raise InputError({"weekdays": [str(exc).capitalize() + "."]}) from None
    booking = BookingInput(plan.episode.patient_id, data.practitioner_id,
                           data.appointment_type_id,
                           dt.datetime.combine(data.first_day, dt.time(12)),
                           data.room_id, plan.episode_id)
    r = _resolve(clinic_id, booking)
    tz = schedule_of(clinic_id).tz
    occurrences = calendar.course_occurrences(dates, data.at, r.appointment_type.minutes, tz)
    slots = [Slot(r.practitioner.pk, r.patient.pk, data.room_id, o.start, o.end)
             for o in occurrences if o.start and o.end]
    found = iter(clashes_of(clinic_id, slots))
    planned = [
        PlannedSession(n, o.day, o.start, o.end, next(found) if o.start else [], o.problem)
        for n, o in enumerate(occurrences, start=1)
    ]
    return CoursePreview(plan, planned, sorted(weekdays), booking_warnings(plan.episode, dates))


def course_book(*, actor: User, data: CourseInput,
                coverage_confirmed: bool = False) -> AppointmentSeries:
    """Book every session of the course in one step, or none: any clash raises
    BookingConflict with each clashing session listed; a session Medicare is expected not to
    pay raises CoverageNotConfirmed unless `coverage_confirmed`."""
    clinic_id = staff_clinic(actor, action=Action.CREATE, object_type="course")
    with transaction.atomic():
        preview = _preview(clinic_id, data)
        _not_before_today(clinic_id, preview.sessions[0].starts_at or timezone.now(),
                          "first_day")
        if not preview.ok:
            raise BookingConflict(_course_clashes(preview))
        check_confirmed(preview.warnings, coverage_confirmed)
        return _book_series(actor, clinic_id, data, preview)


def _course_clashes(preview: CoursePreview) -> list[Clash]:
    """Every problem of every session, each message saying which session it is."""
    found = []
    for s in preview.sessions:
        for c in s.clashes or ([Clash(ClashKind.TIME, s.problem)] if s.problem else []):
            found.append(Clash(c.kind, f"Session {s.number} on {s.day:%a %d %b}: {c.message}",
                               c.appointment_id, c.starts_at or s.starts_at,
                               c.ends_at or s.ends_at))
    return found


def _book_series(actor: User, clinic_id: int, data: CourseInput,
                 preview: CoursePreview) -> AppointmentSeries:
    patient = preview.plan.episode.patient
    lock_booking([data.practitioner_id], [data.room_id], [patient.pk])
    series = AppointmentSeries.objects.create(clinic_id=clinic_id, patient=patient,
                                              plan=preview.plan, created_by=actor)
    kind = AppointmentType.objects.get(pk=data.appointment_type_id)
    rows = [Appointment(
        clinic_id=clinic_id, patient=patient, practitioner_id=data.practitioner_id,
        room_id=data.room_id, appointment_type=kind, episode=preview.plan.episode,
        series=series, starts_at=s.starts_at, ends_at=s.ends_at, status=Status.BOOKED,
        source=Source.STAFF, created_by=actor, status_changed_at=timezone.now(),
    ) for s in preview.sessions]
    created = Appointment.objects.bulk_create(rows)
    if not all(a.pk for a in created):  # SQLite < 3.35 cannot return ids
        created = list(series.appointments.order_by("starts_at"))
    audit_record(actor=actor, action=Action.CREATE, object_type="appointment_series",
                 object_id=series.pk, outcome=Outcome.OK, clinic_id=clinic_id,
                 detail={"patient": patient.pk, "plan": preview.plan.pk,
                         "ids": [a.pk for a in created]})
    if created:  # one message for the course: its first session, each with its reminder later
        confirm_after_commit(created[0].pk)
    return series


# --- the portal: requests and cancellations by the patient ---------------------------------


def portal_request(*, actor: User, appointment_type_id: int, practitioner_id: int,
                   starts_at: dt.datetime, now: dt.datetime | None = None) -> Appointment:
    """A patient asks for a time: booked at once, or held as a request for the clinic to
    confirm, as the clinic's rules say. Only types bookable online, in the future and within
    the clinic's horizon, inside working hours."""
    patient = _own_patient(actor, Action.CREATE)
    schedule = schedule_of(patient.clinic_id)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if not schedule.portal_requests:
        raise Forbidden("this clinic takes appointments by phone only")
    kind = AppointmentType.objects.filter(pk=appointment_type_id, clinic_id=patient.clinic_id,
                                          active=True, bookable_online=True).first()
    if kind is None:
        errors["appointment_type_id"] = ["Choose one of the appointments offered online."]
    with transaction.atomic():
        data = BookingInput(patient.pk, practitioner_id, appointment_type_id, starts_at)
        if errors:
            raise InputError(errors)
        r = _resolve(patient.clinic_id, data)
        if r.starts_at <= now:
            raise InputError({"starts_at": ["Choose a time in the future."]})
        if r.starts_at > now + dt.timedelta(days=schedule.portal_book_days):
            raise InputError({"starts_at": [
                f"Choose a time in the next {schedule.portal_book_days} days."]})
        status = Status.REQUESTED if schedule.requests_need_approval else Status.BOOKED
        asked = _create(actor, patient.clinic_id, r, "", False, Source.PORTAL, status)
        _take_waiting(actor, asked)
        return asked


def _take_waiting(actor: User, appointment: Appointment) -> None:
    """A patient who books from the waitlist's offer (or any earlier time that fits what they
    waited for) leaves the waitlist: their first fitting waiting entry is booked."""
    from acuback.scheduling.selectors import fitting_entries

    day = appointment.starts_at.astimezone(schedule_of(appointment.clinic_id).tz).date()
    mine = [e for e in fitting_entries(_as_freed(appointment), day)
            if e.patient_id == appointment.patient_id]
    if mine:
        _waitlist_booked(actor, mine[0], appointment)


def _as_freed(appointment: Appointment) -> Appointment:
    """The appointment as a time on offer to its own patient (`_fits` skips the patient
    whose appointment freed it)."""
    offered = Appointment(pk=appointment.pk, clinic_id=appointment.clinic_id,
                          practitioner_id=appointment.practitioner_id, patient_id=0,
                          starts_at=appointment.starts_at, ends_at=appointment.ends_at)
    return offered


def portal_cancel(*, actor: User, appointment: Appointment,
                  now: dt.datetime | None = None) -> Appointment:
    """A patient cancels their own appointment, up to the clinic's portal notice period."""
    patient = _own_patient(actor, Action.UPDATE)
    if appointment.patient_id != patient.pk:
        audit_record(actor=actor, action=Action.UPDATE, object_type="appointment",
                     object_id=appointment.pk, outcome=Outcome.NOT_FOUND)
        raise NotFound("appointment not found")
    schedule = schedule_of(patient.clinic_id)
    now = now or timezone.now()
    if (appointment.status != Status.REQUESTED
            and appointment.starts_at - now < dt.timedelta(hours=schedule.portal_cancel_hours)):
        raise InputError(f"Appointments can be cancelled online up to "
                         f"{schedule.portal_cancel_hours} hours before; please call the clinic.")
    with transaction.atomic():
        return _cancel(actor, patient.clinic_id, appointment, appointment.version,
                       "cancelled by the patient in the portal", False, now)


def _own_patient(actor: User, action: str) -> Patient:
    membership = membership_of(actor)
    patient = (Patient.objects.filter(user=actor, clinic_id=membership.clinic_id).first()
               if membership is not None and membership.role == Role.PATIENT else None)
    if patient is None:
        audit_record(actor=actor, action=action, object_type="appointment",
                     outcome=Outcome.DENIED)
        raise Forbidden("only a patient with a portal login may do this")
    return patient


# --- waitlist ------------------------------------------------------------------------------


def waitlist_add(*, actor: User, patient: Patient, appointment_type_id: int,
                 practitioner_id: int | None = None, earliest: dt.date | None = None,
                 latest: dt.date | None = None, note: str = "") -> WaitlistEntry:
    clinic_id = staff_clinic(actor, action=Action.CREATE, object_type="waitlist",
                             record_clinic_id=patient.clinic_id)
    errors: dict[str, list[str]] = {}
    if not AppointmentType.objects.filter(pk=appointment_type_id, clinic_id=clinic_id).exists():
        errors["appointment_type_id"] = ["Choose an appointment type of this clinic."]
    if practitioner_id is not None and clinic_practitioner(clinic_id, practitioner_id) is None:
        errors["practitioner_id"] = ["Choose a practitioner of this clinic."]
    if earliest and latest and latest < earliest:
        errors["latest"] = ["The latest day must not be before the earliest."]
    if len(note) > 200:
        errors["note"] = ["Keep the note under 200 characters."]
    if errors:
        raise InputError(errors)
    with transaction.atomic():
        entry = WaitlistEntry.objects.create(
            clinic_id=clinic_id, patient=patient, practitioner_id=practitioner_id,
            appointment_type_id=appointment_type_id, earliest=earliest, latest=latest,
            note=note.strip(), created_by=actor)
        audit_record(actor=actor, action=Action.CREATE, object_type="waitlist",
                     object_id=entry.pk, outcome=Outcome.OK, clinic_id=clinic_id,
                     detail={"patient": patient.pk})
        return entry


def waitlist_remove(*, actor: User, entry: WaitlistEntry) -> WaitlistEntry:
    clinic_id = staff_clinic(actor, action=Action.UPDATE, object_type="waitlist",
                             object_id=entry.pk, record_clinic_id=entry.clinic_id)
    with transaction.atomic():
        WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistStatus.REMOVED)
        audit_record(actor=actor, action=Action.UPDATE, object_type="waitlist",
                     object_id=entry.pk, outcome=Outcome.OK, clinic_id=clinic_id,
                     detail={"status": WaitlistStatus.REMOVED})
    entry.refresh_from_db()
    return entry


def _waitlist_booked(actor: User, entry: WaitlistEntry, appointment: Appointment) -> None:
    if entry.clinic_id != appointment.clinic_id or entry.patient_id != appointment.patient_id:
        raise InputError({"waitlist_entry": ["That waitlist entry is for another patient."]})
    WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistStatus.BOOKED,
                                                     booked=appointment)
    audit_record(actor=actor, action=Action.UPDATE, object_type="waitlist", object_id=entry.pk,
                 outcome=Outcome.OK, clinic_id=entry.clinic_id,
                 detail={"status": WaitlistStatus.BOOKED, "appointment": appointment.pk})


# --- settings an owner keeps ---------------------------------------------------------------


HOURS_EDITORS = (Role.OWNER, Role.FRONT_DESK)  # anyone's hours; a practitioner their own


class HoursLeaveAppointments(ConflictError):
    """New working hours would leave booked appointments outside them: 409 with each one,
    until saved again with `keep_appointments` (the appointments stay; nothing is moved)."""

    def __init__(self, appointments: Sequence[Appointment]) -> None:
        self.appointments = list(appointments)
        super().__init__(
            f"{len(self.appointments)} booked appointment"
            f"{'s' if len(self.appointments) != 1 else ''} would be outside the new hours.",
            code="hours_leave_appointments",
            appointments=[{"id": a.pk, "starts_at": a.starts_at.isoformat()}
                          for a in self.appointments])


def may_edit_hours(actor: User, practitioner: User) -> bool:
    """Owners and front desk keep everyone's working hours; a practitioner keeps their own."""
    membership = membership_of(actor)
    return membership is not None and (membership.role in HOURS_EDITORS
                                       or actor.pk == practitioner.pk)


def shift_problems(shifts: Sequence[calendar.Shift]) -> dict[str, list[str]]:
    """Two shifts of one weekday that overlap, keyed `day_<weekday>`."""
    errors: dict[str, list[str]] = {}
    ordered = sorted(shifts, key=lambda s: (s.weekday, s.start))
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.weekday == b.weekday and b.start < a.end:
            errors.setdefault(f"day_{a.weekday}", []).append(
                f"The shifts {a.start:%H:%M}-{a.end:%H:%M} and {b.start:%H:%M}-{b.end:%H:%M} "
                "overlap.")
    return errors


def working_hours_set(*, actor: User, practitioner: User, shifts: Sequence[calendar.Shift],
                      keep_appointments: bool = False,
                      now: dt.datetime | None = None) -> list[WorkingHours]:
    """Replace a practitioner's working week (owner, front desk, or the practitioner
    themself). Overlapping shifts of one day are refused (InputError keyed `day_<weekday>`);
    booked appointments from now on that the change leaves outside the hours raise
    HoursLeaveAppointments unless `keep_appointments`."""
    clinic_id = staff_clinic(actor, action=Action.UPDATE, object_type="working_hours",
                             object_id=practitioner.pk)
    if clinic_practitioner(clinic_id, practitioner.pk) is None:
        audit_record(actor=actor, action=Action.UPDATE, object_type="working_hours",
                     object_id=practitioner.pk, outcome=Outcome.NOT_FOUND)
        raise NotFound("practitioner not found")
    if not may_edit_hours(actor, practitioner):
        audit_record(actor=actor, action=Action.UPDATE, object_type="working_hours",
                     object_id=practitioner.pk, outcome=Outcome.DENIED, clinic_id=clinic_id)
        raise Forbidden("only the owner, the front desk or the practitioner may change "
                        "working hours")
    errors = shift_problems(shifts)
    if errors:
        raise InputError(errors)
    ordered = sorted(shifts, key=lambda s: (s.weekday, s.start))
    with transaction.atomic():
        left_out = _outside_hours(clinic_id, practitioner, ordered, now or timezone.now())
        if left_out and not keep_appointments:
            raise HoursLeaveAppointments(left_out)
        WorkingHours.objects.filter(practitioner=practitioner).delete()
        rows = WorkingHours.objects.bulk_create([
            WorkingHours(clinic_id=clinic_id, practitioner=practitioner, weekday=s.weekday,
                         start=s.start, end=s.end) for s in ordered])
        audit_record(actor=actor, action=Action.UPDATE, object_type="working_hours",
                     object_id=practitioner.pk, outcome=Outcome.OK, clinic_id=clinic_id,
                     detail={"shifts": [f"{s.weekday} {s.start:%H:%M}-{s.end:%H:%M}"
                                        for s in ordered],
                             "left_outside": [a.pk for a in left_out]})
        return rows


def _outside_hours(clinic_id: int, practitioner: User, shifts: Sequence[calendar.Shift],
                   now: dt.datetime) -> list[Appointment]:
    tz = schedule_of(clinic_id).tz
    booked = Appointment.objects.filter(practitioner=practitioner, clinic_id=clinic_id,
                                        status__in=HOLDS_TIME, ends_at__gt=now).select_related(
        "patient", "appointment_type").order_by("starts_at")
    before = _shifts(clinic_id, {practitioner.pk}).get(practitioner.pk, [])
    # Only those the change leaves out: one booked outside the hours on purpose stays as it was.
    return [a for a in booked
            if calendar.within_hours(a.starts_at, a.ends_at, before, tz)
            and not calendar.within_hours(a.starts_at, a.ends_at, shifts, tz)]
