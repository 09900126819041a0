"""Who may reach appointments and availability through the JSON API, every persona against
every endpoint, expected statuses written out by hand (as in test_api_matrix.py).

Targets of the id-bound endpoints, in this order:
  A-own    an appointment of clinic A's patient with a portal login (`world.patient`)
  A-other  an appointment of another clinic A patient
  B        an appointment of clinic B's patient

Rules: an appointment is not clinical content, so all staff of the clinic read and change it;
a patient reads only their own (other ids 404), and changes nothing here (403: the portal has
its own rules); another clinic's are 404 to everyone; anonymous is 401.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from acuback.audit.models import AuditEntry
from acuback.scheduling.models import Appointment
from tests.access.test_api_matrix import Cell
from tests.personas import World
from tests.scheduling.factories import Calendar, at, book, local_day, make_calendar

PERSONAS = ["owner", "practitioner", "front_desk", "patient_user", "outsider",
            "outsider_owner", "anonymous"]
TARGETS = ["A-own", "A-other", "B"]
STAFF_A = (200, 200, 404)
STAFF_B = (404, 404, 200)

MATRIX: dict[str, dict[str, Any]] = {
    "appointment_list": {
        "owner": 200, "practitioner": 200, "front_desk": 200, "patient_user": 403,
        "outsider": 200, "outsider_owner": 200, "anonymous": 401,
    },
    "appointment_create": {
        "owner": 201, "practitioner": 201, "front_desk": 201, "patient_user": 403,
        "outsider": 201, "outsider_owner": 201, "anonymous": 401,
    },
    "availability": {
        "owner": 200, "practitioner": 200, "front_desk": 200, "patient_user": 200,
        "outsider": 200, "outsider_owner": 200, "anonymous": 401,
    },
    "appointment_detail": {
        "owner": STAFF_A, "practitioner": STAFF_A, "front_desk": STAFF_A,
        "patient_user": (200, 404, 404), "outsider": STAFF_B, "outsider_owner": STAFF_B,
        "anonymous": (401, 401, 401),
    },
    "appointment_status": {
        "owner": STAFF_A, "practitioner": STAFF_A, "front_desk": STAFF_A,
        "patient_user": (403, 404, 404), "outsider": STAFF_B, "outsider_owner": STAFF_B,
        "anonymous": (401, 401, 401),
    },
    "appointment_cancel": {
        "owner": STAFF_A, "practitioner": STAFF_A, "front_desk": STAFF_A,
        "patient_user": (403, 404, 404), "outsider": STAFF_B, "outsider_owner": STAFF_B,
        "anonymous": (401, 401, 401),
    },
}


def _cells() -> list[Cell]:
    cells = []
    for endpoint, row in MATRIX.items():
        assert set(row) == set(PERSONAS), endpoint
        for persona, expected in ((p, row[p]) for p in PERSONAS):
            targets = zip(TARGETS, expected, strict=True) if isinstance(expected, tuple) else [
                (None, expected)]
            cells += [Cell(endpoint, persona, t, status) for t, status in targets]
    return cells


CELLS = _cells()


@dataclass
class Booked:
    a: Calendar
    b: Calendar
    appointments: dict[str, Appointment]


@pytest.fixture
def booked(world: World) -> Booked:
    a = make_calendar(world)
    b = make_calendar(world, clinic=world.clinic_b, practitioners=[world.outsider])
    day = local_day(3)
    return Booked(a, b, {
        "A-own": book(world.front_desk, world.patient, world.practitioner, a.initial,
                      at(day, 9)),
        "A-other": book(world.front_desk, world.other_patient, world.practitioner, a.initial,
                        at(day, 11)),
        "B": book(world.outsider, world.patient_b, world.outsider, b.initial, at(day, 9)),
    })


def request(client: Client, world: World, booked: Booked, cell: Cell) -> Any:
    json = "application/json"
    in_b = cell.persona.startswith("outsider")
    cal, who, patient = ((booked.b, world.outsider, world.patient_b) if in_b
                         else (booked.a, world.practitioner, world.other_patient))
    appointment = booked.appointments[cell.target or "A-own"]
    url = f"/api/appointments/{appointment.pk}"
    match cell.endpoint:
        case "appointment_list":
            return client.get(f"/api/appointments?date_from={local_day(0)}")
        case "appointment_create":
            return client.post("/api/appointments", {
                "patient_id": patient.pk, "practitioner_id": who.pk,
                "appointment_type_id": cal.follow_up.pk,
                "starts_at": f"{local_day(4)}T10:00"}, content_type=json)
        case "availability":
            return client.get(f"/api/availability?practitioner_id={who.pk}&appointment_type_id="
                              f"{cal.follow_up.pk}&date_from={local_day(1)}&date_to={local_day(2)}")
        case "appointment_detail":
            return client.get(url)
        case "appointment_status":
            return client.post(f"{url}/status", {"version": 1, "status": "arrived"},
                               content_type=json)
        case "appointment_cancel":
            return client.post(f"{url}/cancel", {"version": 1}, content_type=json)
    raise AssertionError(cell.endpoint)


def test_it_covers_every_persona_and_endpoint() -> None:
    assert {c.persona for c in CELLS} == set(PERSONAS)
    assert len(CELLS) == 7 * (3 + 3 * 3)


@pytest.mark.parametrize("cell", CELLS, ids=lambda c: c.id)
def test_it_answers_as_the_table_says(world: World, booked: Booked, client_for,  # noqa: ANN001
                                      cell: Cell) -> None:
    response = request(client_for(cell.persona), world, booked, cell)
    assert response.status_code == cell.expected, response.content


REFUSALS = [c for c in CELLS if c.expected in (403, 404)]


@pytest.mark.parametrize("cell", REFUSALS, ids=lambda c: c.id)
def test_it_audits_every_refusal_with_the_actor(world: World, booked: Booked, client_for,  # noqa: ANN001
                                                cell: Cell) -> None:
    last = AuditEntry.objects.order_by("-seq").first().seq
    request(client_for(cell.persona), world, booked, cell)
    outcome = {403: "denied", 404: "not_found"}[cell.expected]
    assert AuditEntry.objects.filter(seq__gt=last, outcome=outcome,
                                     actor_id=world.persona(cell.persona).pk).exists()
