"""Appointments imported from a FHIR Bundle: through the scheduling app's import service
(clinic scoping, clashes, audit), each status kept, the practitioner by NPI (else the importer,
named), idempotent by identifier, all or nothing. The round trip is in test_import.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from acuback.audit.models import AuditEntry
from acuback.errors import InputError
from acuback.interop.importer import ImportRefused, bundle_import
from acuback.interop.resources.common import EXTENSION, NPI
from acuback.scheduling.imports import ImportedAppointment, appointment_record_imported
from acuback.scheduling.models import Appointment, AppointmentType, Status
from tests.interop.conftest import Json
from tests.personas import World

START = (timezone.now() - dt.timedelta(days=30)).replace(microsecond=0)


def _appointment(world: World, n: int, status: str, *, npi: str = "1234567893",
                 start: dt.datetime = START, ours: str | None = None, **extra: Any) -> Json:
    return {"resourceType": "Appointment", "id": f"a{n}",
            "identifier": [{"system": "https://elsewhere.example/appointment", "value": str(n)}],
            "status": status,
            "extension": [{"url": f"{EXTENSION}/appointment-status", "valueCode": ours}]
            if ours else [],
            "appointmentType": {"text": "Long follow-up"},
            "start": start.isoformat(), "end": (start + dt.timedelta(minutes=45)).isoformat(),
            "participant": [
                {"actor": {"reference": f"Patient/{world.patient.pk}"}, "status": "accepted"},
                {"actor": {"reference": f"Practitioner/p-{npi}"}, "status": "accepted"},
                {"actor": {"display": "Garden room"}, "status": "accepted"}],
            **extra}


def _bundle(*resources: Json) -> Json:
    npis = {r["participant"][1]["actor"]["reference"] for r in resources}
    practitioners = [{"resourceType": "Practitioner", "id": ref.split("/")[1],
                      "identifier": [{"system": NPI, "value": ref.split("-")[1]}],
                      "name": [{"text": "Sam Far"}]} for ref in sorted(npis)]
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": r} for r in [*practitioners, *resources]]}


def test_it_keeps_each_status_with_its_times_once(world: World) -> None:
    bundle = _bundle(_appointment(world, 1, "fulfilled"),
                     _appointment(world, 2, "noshow", start=START + dt.timedelta(hours=2)),
                     _appointment(world, 3, "cancelled", ours=Status.LATE_CANCEL,
                                  start=START + dt.timedelta(days=1),
                                  cancelationReason={"text": "Car broke down"}),
                     _appointment(world, 4, "booked", start=START + dt.timedelta(days=60)))
    result = bundle_import(actor=world.owner, bundle=bundle)
    made = {a.pk: a for a in Appointment.objects.filter(clinic=world.clinic_a)}
    assert sorted((a.status, a.starts_at, a.cancel_reason) for a in made.values()) == [
        (Status.BOOKED, START + dt.timedelta(days=60), ""),
        (Status.COMPLETED, START, ""),
        (Status.LATE_CANCEL, START + dt.timedelta(days=1), "Car broke down"),
        (Status.NO_SHOW, START + dt.timedelta(hours=2), "")]
    assert {a.practitioner for a in made.values()} == {world.practitioner}  # by NPI
    assert {(a.room.name, a.appointment_type.minutes) for a in made.values()} == {
        ("Garden room", 45)}
    assert [i.diagnostics for i in result.issues if "created" in i.diagnostics] == [
        "appointment type 'Long follow-up' (45 min) was not in your clinic: created.",
        "room 'Garden room' was not in your clinic: created."]
    assert AuditEntry.objects.filter(object_type="appointment", action="create",
                                     object_id__in=[str(pk) for pk in made]).count() == 4
    again = bundle_import(actor=world.owner, bundle=bundle)
    assert again.created == [] and len(again.existing) == 4
    assert Appointment.objects.filter(clinic=world.clinic_a).count() == 4


def test_it_books_an_unknown_practitioners_time_to_the_importer_and_says_so(
        world: World) -> None:
    result = bundle_import(actor=world.owner, bundle=_bundle(
        _appointment(world, 1, "fulfilled", npi="1999999992")))
    assert Appointment.objects.get(clinic=world.clinic_a).practitioner == world.owner
    assert any("Sam Far (NPI 1999999992)" in i.diagnostics and i.severity == "warning"
               for i in result.issues)


def test_it_refuses_the_whole_bundle_for_a_clash_or_a_bad_status(world: World) -> None:
    clash = _bundle(_appointment(world, 1, "fulfilled"), _appointment(world, 2, "booked"))
    with pytest.raises(ImportRefused) as refused:
        bundle_import(actor=world.owner, bundle=clash)
    assert any("already" in i.diagnostics for i in refused.value.issues)
    with pytest.raises(ImportRefused) as refused:
        bundle_import(actor=world.owner, bundle=_bundle(
            _appointment(world, 3, "fulfilled"), _appointment(world, 4, "entered-in-error",
                                                              start=START + dt.timedelta(1))))
    assert [i.expression for i in refused.value.issues] == ["Bundle.entry[2].resource.status"]
    assert not Appointment.objects.exists()
    assert not AppointmentType.objects.filter(name="Long follow-up").exists()


def test_it_cannot_reach_another_clinics_patient(world: World) -> None:
    stranger = _appointment(world, 1, "booked")
    stranger["participant"][0]["actor"]["reference"] = f"Patient/{world.patient_b.pk}"
    with pytest.raises(ImportRefused) as refused:
        bundle_import(actor=world.owner, bundle=_bundle(stranger))
    assert refused.value.issues[0].expression == "Bundle.entry[1].resource.participant"
    # The service itself refuses it too, whoever calls it.
    with pytest.raises(InputError) as error:
        appointment_record_imported(actor=world.owner, data=ImportedAppointment(
            patient=world.patient_b, practitioner=world.practitioner, type_name="Follow-up",
            type_kind="follow_up", starts_at=START, ends_at=START + dt.timedelta(minutes=30),
            status=Status.COMPLETED))
    assert set(error.value.errors) == {"patient"}
    assert not Appointment.objects.exists()
