"""Appointments that happened (or were booked) in another system, recorded here as they were.

The same clinic scoping, audit and clash rules as a booking (`services`), with what an import
needs instead of a booking's: any status (a completed, no-show or cancelled appointment keeps
its status and its times), a time in the past, the appointment's creation time from the file.
Left out on purpose, because the source already did them or they judge a booking being made:
working hours (the importing clinic's hours are not the source's), the coverage warning, the
patient's confirmation message, and a no-show or late-cancel fee (the source's fee is not in
the file; the clinic's own policy may differ).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from acuback.accounts.models import User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.episodes.models import Episode
from acuback.errors import ConflictError, InputError
from acuback.patients.models import Patient
from acuback.scheduling.models import (
    HOLDS_TIME,
    Appointment,
    AppointmentKind,
    AppointmentType,
    Room,
    Source,
    Status,
)
from acuback.scheduling.services import (
    NOTE_MAX,
    Slot,
    clashes_of,
    clinic_practitioner,
    lock_booking,
    refuse_clashes,
    staff_clinic,
)
from acuback.visits.models import Visit


@dataclass
class ImportedAppointment:
    patient: Patient
    practitioner: User
    type_name: str
    type_kind: str  # AppointmentKind, for a type the clinic does not have yet
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    created_at: dt.datetime | None = None
    source: str = Source.STAFF
    room_name: str = ""
    episode: Episode | None = None
    visit: Visit | None = None
    cancel_reason: str = ""
    cancelled_by_clinic: bool = False


@dataclass
class RecordedAppointment:
    appointment: Appointment
    created: list[str]  # what the clinic did not have: "appointment type 'Follow-up'", ...


def appointment_record_imported(*, actor: User, data: ImportedAppointment) -> RecordedAppointment:
    """Record one imported appointment. The appointment type and the room are the clinic's of
    that name, created (type: the file's duration; room: active) when it has none. Raises
    InputError (another clinic's patient, practitioner, episode or visit; bad times or status),
    BookingConflict (it would hold a practitioner, room or patient already taken then),
    ConflictError (its visit already has an appointment); nothing stored."""
    clinic_id = staff_clinic(actor, action=Action.CREATE)
    with transaction.atomic():
        _check(clinic_id, data)
        created: list[str] = []
        kind = _appointment_type(clinic_id, data, created)
        room = _room(clinic_id, data.room_name, created)
        if data.status in HOLDS_TIME:
            lock_booking([data.practitioner.pk], [room.pk if room else None], [data.patient.pk])
            slot = Slot(data.practitioner.pk, data.patient.pk, room.pk if room else None,
                        data.starts_at, data.ends_at)
            refuse_clashes(clashes_of(clinic_id, [slot], check_hours=False)[0], False)
        appointment = Appointment.objects.create(
            clinic_id=clinic_id, patient=data.patient, practitioner=data.practitioner, room=room,
            appointment_type=kind, episode=data.episode, visit=data.visit,
            starts_at=data.starts_at, ends_at=data.ends_at, status=data.status,
            source=data.source, cancel_reason=data.cancel_reason.strip(),
            cancelled_by_clinic=data.cancelled_by_clinic, created_by=actor,
        )
        if data.created_at is not None:  # auto_now_add sets it on create: the file's time
            Appointment.objects.filter(pk=appointment.pk).update(created_at=data.created_at)
            appointment.created_at = data.created_at
        audit_record(actor=actor, action=Action.CREATE, object_type="appointment",
                     object_id=appointment.pk, outcome=Outcome.OK, clinic_id=clinic_id,
                     detail={"patient": data.patient.pk, "starts_at": data.starts_at.isoformat(),
                             "status": data.status, "imported": True, "created": created})
        return RecordedAppointment(appointment, created)


def _check(clinic_id: int, data: ImportedAppointment) -> None:
    errors: dict[str, list[str]] = {}
    if data.patient.clinic_id != clinic_id:
        errors["patient"] = ["Choose a patient of this clinic."]
    if clinic_practitioner(clinic_id, data.practitioner.pk) is None:
        errors["practitioner"] = ["Choose a practitioner of this clinic."]
    if data.episode is not None and data.episode.patient_id != data.patient.pk:
        errors["episode"] = ["Choose an episode of this patient."]
    if data.visit is not None and data.visit.episode.patient_id != data.patient.pk:
        errors["visit"] = ["Choose a visit of this patient."]
    if data.status not in Status.values:
        errors["status"] = [f"Choose one of: {', '.join(Status.values)}."]
    if data.source not in Source.values:
        errors["source"] = [f"Choose one of: {', '.join(Source.values)}."]
    if data.starts_at.tzinfo is None or data.ends_at.tzinfo is None:
        errors["starts_at"] = ["Give the times with their zone."]
    elif data.ends_at <= data.starts_at:
        errors["ends_at"] = ["The appointment must end after it starts."]
    elif not 5 <= (data.ends_at - data.starts_at) / dt.timedelta(minutes=1) <= 480:
        errors["ends_at"] = ["An appointment lasts 5 to 480 minutes."]
    if not data.type_name.strip() or len(data.type_name) > 80:
        errors["appointment_type"] = ["Name the appointment type (up to 80 characters)."]
    if len(data.cancel_reason) > NOTE_MAX or len(data.room_name) > 60:
        errors["cancel_reason"] = [f"Keep the reason under {NOTE_MAX} characters and the room's "
                                   "name under 60."]
    if errors:
        raise InputError(errors)
    if data.visit is not None and Appointment.objects.filter(visit=data.visit).exists():
        raise ConflictError(f"Visit {data.visit.pk} already has an appointment.")


def _appointment_type(clinic_id: int, data: ImportedAppointment,
                      created: list[str]) -> AppointmentType:
    name = data.type_name.strip()
    found = AppointmentType.objects.filter(clinic_id=clinic_id, name=name).first()
    if found is not None:
        return found
    minutes = round((data.ends_at - data.starts_at) / dt.timedelta(minutes=1))
    created.append(f"appointment type {name!r} ({minutes} min)")
    # Not offered online until the clinic says so: an imported type is the source's, not yet
    # a choice the clinic made for its portal.
    return AppointmentType.objects.create(
        clinic_id=clinic_id, name=name, minutes=minutes, bookable_online=False,
        kind=data.type_kind if data.type_kind in AppointmentKind.values
        else AppointmentKind.OTHER)


def _room(clinic_id: int, name: str, created: list[str]) -> Room | None:
    if not name.strip():
        return None
    room, made = Room.objects.get_or_create(clinic_id=clinic_id, name=name.strip())
    if made:
        created.append(f"room {room.name!r}")
    return room
