"""Fixtures shared by the cohort tests."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.accounts.models import Role
from acuback.accounts.services import member_create
from acuback.assessments.models import TimePoint
from acuback.cohort.summaries import refresh_patient_summaries
from acuback.patients.models import Patient
from tests.cohort.data import at, record
from tests.personas import PASSWORD, World, make_episode, make_patient


@pytest.fixture
def measured(world: World) -> World:
    """The world's episodes with an NRS baseline and follow-up each (8 -> 4, 6 -> 6), and one
    patient of another practitioner (9 -> 3)."""
    day = dt.date(2026, 3, 1)
    for episode, later in ((world.episode, 4), (world.other_episode, 6)):
        record(world, episode, "nrs", [8 if later == 4 else 6], at(day), TimePoint.BASELINE)
        record(world, episode, "nrs", [later], at(day + dt.timedelta(days=40)))
    colleague = member_create(clinic=world.clinic_a, username="colleague", password=PASSWORD,
                              role=Role.PRACTITIONER)
    theirs = make_episode(colleague, make_patient(colleague, "Theo", "Theirs"))
    record(world, theirs, "nrs", [9], at(day), TimePoint.BASELINE)
    record(world, theirs, "nrs", [3], at(day + dt.timedelta(days=40)))
    # Practitioners of record: the world's two patients are the practitioner's.
    Patient.objects.filter(pk__in=[world.patient.pk, world.other_patient.pk]).update(
        practitioner=world.practitioner)
    Patient.objects.filter(pk=theirs.patient_id).update(practitioner=colleague)
    for patient_id in (world.patient.pk, world.other_patient.pk, theirs.patient_id):
        refresh_patient_summaries(patient_id)  # practitioners set around the service
    world.colleague = colleague  # type: ignore[attr-defined]
    return world
