"""An appointment in FHIR R4: the Appointment, its patient and practitioner as participants
(the room by name: rooms are not exported as Locations), its visit once charted.

Status mapping (R4 Appointment.status, required binding appointmentstatus):
a request from the portal that the clinic has not confirmed is `pending` with the practitioner
`needs-action`; booked is `booked`; arrived is `arrived`; in treatment and completed are
`fulfilled` (the Encounter carries what happened); a no-show is `noshow`; a cancellation, late
or not, is `cancelled` with its reason. acuback's own status is kept in the extension
`appointment-status` (so an import tells a late cancel from a cancellation). Appointment type:
HL7 v2 table 0276 (FOLLOWUP for a follow-up, ROUTINE otherwise).
"""

from __future__ import annotations

from acuback.interop.resources.common import (
    Identities,
    Json,
    concept,
    extension,
    reference,
    without_empty,
)
from acuback.scheduling.models import Appointment, AppointmentKind, Status

KIND_APPOINTMENT = "appointment"
V2_0276 = "http://terminology.hl7.org/CodeSystem/v2-0276"
FHIR_STATUS = {
    Status.REQUESTED: "pending",
    Status.BOOKED: "booked",
    Status.ARRIVED: "arrived",
    Status.IN_TREATMENT: "fulfilled",
    Status.COMPLETED: "fulfilled",
    Status.NO_SHOW: "noshow",
    Status.CANCELLED: "cancelled",
    Status.LATE_CANCEL: "cancelled",
}
APPOINTMENT_TYPE = {
    AppointmentKind.FOLLOW_UP: ("FOLLOWUP", "A follow up visit from a previous appointment"),
}
ROUTINE = ("ROUTINE", "Routine appointment - default if not valued")


def _participants(a: Appointment, status: str) -> list[Json]:
    declined = "declined" if status == "cancelled" else None
    practitioner = ("needs-action" if status == "pending" else
                    declined if a.cancelled_by_clinic and declined else "accepted")
    patient = declined if declined and not a.cancelled_by_clinic else "accepted"
    found = [{"actor": reference("Patient", a.patient_id), "required": "required",
              "status": patient},
             {"actor": reference("Practitioner", a.practitioner_id), "required": "required",
              "status": practitioner}]
    if a.room_id is not None:
        found.append({"actor": {"display": a.room.name}, "required": "required",
                      "status": "accepted"})
    return found


def appointment(a: Appointment, ids: Identities) -> Json:
    status = FHIR_STATUS[Status(a.status)]
    code, display = APPOINTMENT_TYPE.get(AppointmentKind(a.appointment_type.kind), ROUTINE)
    minutes = round((a.ends_at - a.starts_at).total_seconds() / 60)
    return without_empty({
        "resourceType": "Appointment",
        "id": str(a.pk),
        # acuback's own status beside FHIR's, which folds some together (completed and in
        # treatment are both fulfilled, a late cancel is cancelled): an import keeps it.
        "extension": [extension("appointment-source", "Code", a.source),
                      extension("appointment-status", "Code", a.status)],
        "identifier": ids.identifiers(KIND_APPOINTMENT, a.clinic_id, a.pk),
        "status": status,
        "cancelationReason": ({"text": a.cancel_reason or Status(a.status).label}
                              if status == "cancelled" else None),
        "appointmentType": concept(V2_0276, code, display, a.appointment_type.name),
        "reasonReference": ([reference("Condition", a.episode_id)] if a.episode_id else []),
        "supportingInformation": ([reference("Encounter", a.visit_id)] if a.visit_id else []),
        "start": a.starts_at.isoformat(),
        "end": a.ends_at.isoformat(),
        "minutesDuration": minutes if minutes > 0 else None,
        "created": a.created_at.isoformat(),
        "participant": _participants(a, status),
    })
