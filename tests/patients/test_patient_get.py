"""patient_get reads one patient of the actor's scope with its practitioner, login and clinic in
one hand-written statement (selectors._patient_read): the same rows and related objects as the
ORM's select_related, and nothing outside the scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Model

from acuback.accounts.access import NotFound
from acuback.patients.models import Patient
from acuback.patients.selectors import patient_get
from tests.personas import World


def _fields(row: Model | None) -> dict[str, object] | None:
    return None if row is None else {f.attname: getattr(row, f.attname)
                                     for f in row._meta.concrete_fields}


def _as_the_orm_reads(pk: int) -> Patient:
    return Patient.objects.select_related("practitioner", "user", "clinic").get(pk=pk)


@pytest.mark.parametrize("persona", ["owner", "practitioner", "front_desk"])
def test_it_reads_the_patient_with_practitioner_login_and_clinic_as_the_orm_does(
        world: World, persona: str, django_assert_num_queries) -> None:  # noqa: ANN001
    # One patient with a practitioner and a login, one with neither.
    Patient.objects.filter(pk=world.patient.pk).update(practitioner=world.practitioner)
    Patient.objects.filter(pk=world.other_patient.pk).update(practitioner=None)
    for patient in (world.patient, world.other_patient):
        expected = _as_the_orm_reads(patient.pk)
        found = patient_get(actor=getattr(world, persona), patient_id=str(patient.pk))
        with django_assert_num_queries(0):  # every relation came with the read
            assert _fields(found) == _fields(expected)
            assert _fields(found.clinic) == _fields(expected.clinic)
            assert _fields(found.practitioner) == _fields(expected.practitioner)
            assert _fields(found.user) == _fields(expected.user)
            if found.user is not None:  # the login knows its patient, as select_related leaves it
                assert found.user.patient_record is found
        assert (found.practitioner is None) == (found.user is None) == (
            patient == world.other_patient)


def test_it_finds_a_patient_only_in_the_actors_clinic(world: World) -> None:
    assert patient_get(actor=world.outsider, patient_id=world.patient_b.pk) == world.patient_b
    with pytest.raises(NotFound):
        patient_get(actor=world.outsider, patient_id=world.patient.pk)
    with pytest.raises(NotFound):
        patient_get(actor=world.practitioner, patient_id=world.patient_b.pk)


def test_it_finds_a_patient_only_themself(world: World) -> None:
    assert patient_get(actor=world.patient_user, patient_id=world.patient.pk) == world.patient
    with pytest.raises(NotFound):
        patient_get(actor=world.patient_user, patient_id=world.other_patient.pk)


def test_the_latest_consent_is_the_newest_given_of_this_patient_with_who_recorded_it(
        world: World, django_assert_num_queries) -> None:  # noqa: ANN001
    from acuback.patients.selectors import latest_consent
    from acuback.patients.services import consent_record

    assert latest_consent(world.patient) is None
    newest = consent_record(actor=world.front_desk, patient=world.patient,
                            given_on=dt.date(2026, 3, 1), witness="Newest")
    # Recorded later but given earlier; the other patient's is newer still.
    consent_record(actor=world.owner, patient=world.patient, given_on=dt.date(2026, 2, 1))
    consent_record(actor=world.owner, patient=world.other_patient, given_on=dt.date(2026, 4, 1))
    with django_assert_num_queries(1):
        found = latest_consent(world.patient)
        assert (found.pk, found.witness, found.recorded_by.username) == (
            newest.pk, "Newest", world.front_desk.username)
    assert _fields(found) == _fields(world.patient.consents.first())


def test_the_health_history_row_is_this_patients(world: World) -> None:
    from acuback.patients.models import HealthHistory
    from acuback.patients.selectors import health_history_row

    for patient in (world.patient, world.other_patient):
        assert _fields(health_history_row(patient.pk)) == _fields(
            HealthHistory.objects.get(patient=patient))
    HealthHistory.objects.filter(patient=world.other_patient).delete()
    assert health_history_row(world.other_patient.pk) is None
