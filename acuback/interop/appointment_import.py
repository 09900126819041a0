"""Appointments from a FHIR Bundle, recorded by the scheduling app's import service
(acuback.scheduling.imports: the clinic scoping, audit and clash rules of a booking).

- The status: acuback's own (extension appointment-status) when the file has it, else read
  from FHIR's (`fulfilled` is completed, `cancelled` a cancellation, `pending` a request);
  times as the file gives them, past or future.
- The practitioner: the clinician of this clinic with the Practitioner's NPI, else the
  importing user with a warning naming the source's practitioner (as for visits).
- The appointment type and the room: the clinic's of that name, else created (the importer
  is told which). The visit: the Encounter of this Bundle (or of the clinic) it names.
- Idempotent by identifier; an appointment refused refuses the whole Bundle.
"""

from __future__ import annotations

from typing import Any

from acuback.episodes.selectors import episode_get
from acuback.interop.bundle import Bundle, Entry, existing_patient, guarded, known_record, remember
from acuback.interop.parsing import Problems, extension, instant
from acuback.interop.resources.appointments import KIND_APPOINTMENT
from acuback.interop.resources.common import Json
from acuback.interop.resources.outcome import Issue
from acuback.interop.visit_import import _person, _ref
from acuback.scheduling.imports import ImportedAppointment, appointment_record_imported
from acuback.scheduling.models import AppointmentKind, Source, Status
from acuback.visits.models import Visit

# FHIR R4 appointmentstatus -> acuback, for a file without acuback's own status.
FROM_FHIR = {"pending": Status.REQUESTED, "proposed": Status.REQUESTED,
             "booked": Status.BOOKED, "arrived": Status.ARRIVED,
             "checked-in": Status.ARRIVED, "fulfilled": Status.COMPLETED,
             "noshow": Status.NO_SHOW, "cancelled": Status.CANCELLED}


def _actor(resource: Json, resource_type: str) -> str:
    return next((r for p in resource.get("participant") or []
                 if (r := _ref(p.get("actor"))).startswith(f"{resource_type}/")
                 or f"/{resource_type}/" in r), "")


def _status(entry: Entry, problems: Problems) -> str | None:
    ours = extension(entry.resource, "appointment-status")
    if ours is not None:
        if ours in Status.values:
            return str(ours)
        problems.error(f"{entry.where}.extension", f"{ours!r} is no acuback appointment "
                                                   "status.", "value")
        return None
    theirs = FROM_FHIR.get(str(entry.resource.get("status")))
    if theirs is None:
        problems.error(f"{entry.where}.status", f"an appointment {entry.resource.get('status')!r}"
                                                " cannot be imported.", "value")
    return theirs


def check_appointments(state: Bundle, problems: Problems) -> None:
    for entry in state.of_type("Appointment"):
        r = entry.resource
        _status(entry, problems)
        start = instant(r.get("start"), f"{entry.where}.start", problems, required=True)
        end = instant(r.get("end"), f"{entry.where}.end", problems, required=True)
        if start and end and end <= start:
            problems.error(f"{entry.where}.end", "must be after the start.", "value")
        patient = _actor(r, "Patient")
        if state.target(patient, "Patient") is None and existing_patient(state, patient) is None:
            problems.error(f"{entry.where}.participant", "must name a Patient in this Bundle or "
                                                         "of your clinic.", "not-found")
        if not _actor(r, "Practitioner"):
            problems.error(f"{entry.where}.participant", "must name its Practitioner.",
                           "required")
        if not _type_name(r):
            problems.error(f"{entry.where}.appointmentType", "must name the appointment type "
                                                             "(its text).", "required")


def write_appointments(state: Bundle, problems: Problems) -> None:
    for entry in state.of_type("Appointment"):
        guarded(state, entry, problems, _import_appointment)


def _type_name(resource: Json) -> str:
    concept = resource.get("appointmentType") or {}
    coding = next(iter(concept.get("coding") or []), {})
    return str(concept.get("text") or coding.get("display") or "").strip()


def _made_or_known(state: Bundle, reference: str, resource_type: str) -> Any:
    target = state.target(reference, resource_type)
    return state.made.get(target.index) if target is not None else None


def _episode(state: Bundle, resource: Json) -> Any:
    reference = _ref(next(iter(resource.get("reasonReference") or []), {}))
    if not reference:
        return None
    found = _made_or_known(state, reference, "Condition")
    if found is None and reference.startswith("Condition/"):
        found = episode_get(actor=state.actor, episode_id=reference.split("/", 1)[1])
    return found


def _visit(state: Bundle, resource: Json) -> Visit | None:
    reference = _ref(next(iter(resource.get("supportingInformation") or []), {}))
    if not reference:
        return None
    found = _made_or_known(state, reference, "Encounter")
    if found is None and reference.startswith("Encounter/"):
        found = Visit.objects.filter(pk=reference.split("/", 1)[1],
                                     clinic=state.membership.clinic).first()
    return found


def _import_appointment(state: Bundle, entry: Entry, problems: Problems) -> None:
    known = known_record(state, entry, KIND_APPOINTMENT)
    if known is not None:
        state.result.existing.append(f"Appointment/{known}")
        return
    r = entry.resource
    patient = _made_or_known(state, _actor(r, "Patient"), "Patient") or existing_patient(
        state, _actor(r, "Patient"))
    practitioner, _ = _person(state, _actor(r, "Practitioner"), f"{entry.where}.participant",
                              problems, "appointment")
    room = next((str(p["actor"]["display"]) for p in r.get("participant") or []
                 if isinstance(p.get("actor"), dict) and "reference" not in p["actor"]
                 and p["actor"].get("display")), "")
    status = _status(entry, problems)
    code = next(iter((r.get("appointmentType") or {}).get("coding") or []), {}).get("code")
    declined = {_ref(p.get("actor")).split("/")[0] for p in r.get("participant") or []
                if p.get("status") == "declined"}
    recorded = appointment_record_imported(actor=state.actor, data=ImportedAppointment(
        patient=patient, practitioner=practitioner, type_name=_type_name(r),
        type_kind=AppointmentKind.FOLLOW_UP if code == "FOLLOWUP" else AppointmentKind.OTHER,
        starts_at=instant(r.get("start"), "", Problems(), required=True),  # type: ignore[arg-type]
        ends_at=instant(r.get("end"), "", Problems(), required=True),  # type: ignore[arg-type]
        status=status or "", created_at=instant(r.get("created"), "", Problems(),
                                                required=False),
        source=str(extension(r, "appointment-source") or Source.STAFF), room_name=room,
        episode=_episode(state, r), visit=_visit(state, r),
        cancel_reason=_cancel_reason(r, status),
        cancelled_by_clinic=status in (Status.CANCELLED, Status.LATE_CANCEL)
        and "Practitioner" in declined))
    for what in recorded.created:
        problems.append(Issue("information", "informational",
                              f"{what} was not in your clinic: created.", entry.where))
    remember(state, entry, KIND_APPOINTMENT, recorded.appointment)


def _cancel_reason(resource: Json, status: str | None) -> str:
    """The reason as written; the export writes the status's name when there was none."""
    text = str((resource.get("cancelationReason") or {}).get("text") or "")
    return "" if status is None or text == Status(status).label else text
