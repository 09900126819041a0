"""An appointment in FHIR: the Appointment, each status mapped, its participants and visit;
valid, scoped (front desk reads it, another clinic does not)."""

from __future__ import annotations

import pytest

from acuback.scheduling.models import Status
from acuback.scheduling.services import (
    appointment_cancel,
    appointment_set_status,
    appointment_start_visit,
)
from tests.interop import validators
from tests.interop.conftest import ClientFor, Json, entries, fhir_get
from tests.personas import World
from tests.scheduling.factories import at, book, local_day, make_calendar
from tests.visits.factories import ready


@pytest.fixture
def booked(world: World) -> World:
    """Clinic A's calendar: one appointment in each state a clinic reaches, one with its visit
    started, and clinic B's own appointment."""
    cal = make_calendar(world)
    desk, who = world.front_desk, world.practitioner
    day = local_day(3)
    book(desk, world.patient, who, cal.follow_up, at(day, 9), cal.room1)
    gone = book(desk, world.patient, who, cal.follow_up, at(day, 10), cal.room1)
    appointment_cancel(actor=desk, appointment=gone, version=gone.version, reason="Flu",
                       by_clinic=True)
    missed = book(desk, world.patient, who, cal.initial, at(day, 11))
    appointment_set_status(actor=desk, appointment=missed, status=Status.NO_SHOW,
                           version=missed.version)
    ready(world)
    treated = book(desk, world.other_patient, who, cal.follow_up, at(day, 13), cal.room2)
    appointment_start_visit(actor=who, appointment=treated)
    theirs = make_calendar(world, clinic=world.clinic_b, practitioners=[world.outsider])
    book(world.outsider, world.patient_b, world.outsider, theirs.follow_up, at(day, 9))
    return world


def _appointments(client_for: ClientFor) -> list[Json]:
    return entries(fhir_get(client_for("owner"), "/fhir/Appointment?_count=50"))


def test_it_maps_each_status_and_passes_every_validator(client_for: ClientFor,
                                                        booked: World) -> None:
    found = _appointments(client_for)
    assert sorted(a["status"] for a in found) == ["booked", "cancelled", "fulfilled", "noshow"]
    assert validators.problems(found) == {}
    cancelled = next(a for a in found if a["status"] == "cancelled")
    assert cancelled["cancelationReason"] == {"text": "Flu"}
    assert [p["status"] for p in cancelled["participant"]] == ["accepted", "declined",
                                                               "accepted"]


def test_it_names_the_patient_practitioner_room_and_visit(client_for: ClientFor,
                                                          booked: World) -> None:
    treated = next(a for a in _appointments(client_for) if a["status"] == "fulfilled")
    actors = [p["actor"] for p in treated["participant"]]
    assert actors == [{"reference": f"Patient/{booked.other_patient.pk}"},
                      {"reference": f"Practitioner/{booked.practitioner.pk}"},
                      {"display": "Room 2"}]
    visit = booked.other_patient.appointments.get().visit
    assert treated["supportingInformation"] == [{"reference": f"Encounter/{visit.pk}"}]
    assert treated["minutesDuration"] == 30
    assert treated["appointmentType"]["coding"][0]["code"] == "FOLLOWUP"


def test_it_searches_by_patient_and_date(client_for: ClientFor, booked: World) -> None:
    client = client_for("owner")
    mine = entries(fhir_get(client, f"/fhir/Appointment?patient={booked.patient.pk}"))
    assert len(mine) == 3
    later = local_day(10).isoformat()
    assert entries(fhir_get(client, f"/fhir/Appointment?date=ge{later}")) == []


@pytest.mark.parametrize(("persona", "status"), [("front_desk", 200), ("outsider", 404)])
def test_it_lets_the_front_desk_read_it_and_not_another_clinic(
        client_for: ClientFor, booked: World, persona: str, status: int) -> None:
    one = _appointments(client_for)[0]
    fhir_get(client_for(persona), f"/fhir/Appointment/{one['id']}", status)


def test_it_exports_the_appointments_in_bulk(client_for: ClientFor, booked: World) -> None:
    from tests.interop.test_bulk_export import _kick_off, _manifest

    client = client_for("owner")
    manifest = _manifest(client, _kick_off(client, "/fhir/$export"))
    counts = {o["type"]: o["count"] for o in manifest["output"]}
    assert counts["Appointment"] == 4
