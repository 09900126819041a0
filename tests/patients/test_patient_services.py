"""The patient write path: validation, clinic scoping, health history and consent."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.accounts.access import Forbidden, NotFound
from acuback.audit.models import AuditEntry
from acuback.errors import InputError
from acuback.patients.models import Consent, HealthHistory, Patient
from acuback.patients.services import (
    HealthInput,
    PatientInput,
    consent_record,
    health_history_update,
    patient_create,
    patient_update,
)
from tests.personas import World


def _data(**overrides: object) -> PatientInput:
    values = {"given_name": "Mary", "family_name": "Shelley", "date_of_birth": dt.date(1979, 8, 30),
              "sex": "female", **overrides}
    return PatientInput(**values)  # type: ignore[arg-type]


def _errors(actor, data: PatientInput) -> dict:  # noqa: ANN001
    with pytest.raises(InputError) as caught:
        patient_create(actor=actor, data=data)
    return caught.value.errors


def test_it_trims_names(world: World) -> None:
    patient = patient_create(actor=world.practitioner, data=_data(given_name="  Mary "))
    assert patient.given_name == "Mary"


def test_it_refuses_a_blank_name(world: World) -> None:
    assert list(_errors(world.practitioner, _data(family_name="   "))) == ["family_name"]


def test_it_refuses_a_birth_date_before_1900(world: World) -> None:
    assert list(_errors(world.practitioner, _data(date_of_birth=dt.date(1899, 12, 31)))) == [
        "date_of_birth"]


def test_it_refuses_a_practitioner_of_another_clinic(world: World) -> None:
    assert list(_errors(world.practitioner, _data(practitioner_id=world.outsider.pk))) == [
        "practitioner_id"]


def test_it_refuses_front_desk_as_practitioner_of_record(world: World) -> None:
    assert list(_errors(world.practitioner, _data(practitioner_id=world.front_desk.pk))) == [
        "practitioner_id"]


def test_it_accepts_a_practitioner_of_the_clinic(world: World) -> None:
    patient = patient_create(actor=world.front_desk,
                             data=_data(practitioner_id=world.practitioner.pk))
    assert patient.practitioner == world.practitioner


def test_it_refuses_a_patient_registering_patients(world: World) -> None:
    with pytest.raises(Forbidden):
        patient_create(actor=world.patient_user, data=_data())


def test_it_audits_a_refused_registration_with_the_actor(world: World) -> None:
    with pytest.raises(Forbidden):
        patient_create(actor=world.patient_user, data=_data())
    entry = AuditEntry.objects.first()
    assert (entry.action, entry.object_type, entry.outcome, entry.actor_id) == (
        "create", "patient", "denied", world.patient_user.pk)


def test_it_refuses_to_update_another_clinics_patient(world: World) -> None:
    with pytest.raises(NotFound):
        patient_update(actor=world.outsider, patient=world.patient,
                       data=_data(given_name="Forged"), version=1)
    assert Patient.objects.get(pk=world.patient.pk).given_name == "Ada"


def test_it_audits_a_refused_update_of_another_clinics_patient(world: World) -> None:
    with pytest.raises(NotFound):
        patient_update(actor=world.outsider, patient=world.patient, data=_data(), version=1)
    entry = AuditEntry.objects.first()
    assert (entry.action, entry.object_id, entry.outcome, entry.actor_id) == (
        "update", str(world.patient.pk), "not_found", world.outsider.pk)


def test_it_refuses_another_clinics_health_history(world: World) -> None:
    with pytest.raises(NotFound):
        health_history_update(actor=world.outsider, patient=world.other_patient,
                              data=HealthInput(diabetes=True))
    assert HealthHistory.objects.get(patient=world.other_patient).diabetes is False


def test_it_refuses_consent_for_another_clinics_patient(world: World) -> None:
    with pytest.raises(NotFound):
        consent_record(actor=world.outsider, patient=world.patient, given_on=dt.date(2026, 1, 5))
    assert not Consent.objects.exists()


def test_it_refuses_pregnancy_weeks_without_pregnancy(world: World) -> None:
    with pytest.raises(InputError) as caught:
        health_history_update(actor=world.practitioner, patient=world.other_patient,
                              data=HealthInput(pregnancy_weeks=12))
    assert list(caught.value.errors) == ["pregnancy_weeks"]


def test_it_refuses_an_unknown_implanted_device(world: World) -> None:
    with pytest.raises(InputError):
        health_history_update(actor=world.practitioner, patient=world.other_patient,
                              data=HealthInput(implanted_device="toaster"))


def test_it_refuses_front_desk_changing_the_health_history(world: World) -> None:
    with pytest.raises(Forbidden):
        health_history_update(actor=world.front_desk, patient=world.other_patient,
                              data=HealthInput(diabetes=True))


def test_it_records_consent_by_front_desk(world: World) -> None:
    consent = consent_record(actor=world.front_desk, patient=world.patient,
                             given_on=dt.date(2026, 1, 5), witness=" Sam ")
    assert (consent.text_version, consent.witness, consent.recorded_by) == (
        "acupuncture-v1", "Sam", world.front_desk)


def test_it_refuses_consent_dated_in_the_future(world: World) -> None:
    with pytest.raises(InputError):
        consent_record(actor=world.practitioner, patient=world.patient,
                       given_on=dt.date.today() + dt.timedelta(days=2))
    assert not Consent.objects.exists()


def test_it_refuses_an_unknown_consent_text(world: World) -> None:
    with pytest.raises(InputError):
        consent_record(actor=world.practitioner, patient=world.patient,
                       given_on=dt.date(2026, 1, 5), text_version="acupuncture-v0")
