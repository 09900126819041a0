"""The people every test plays: two clinics, each role, and an outsider.

Clinic A (Riverside): owner, practitioner, front desk, and a patient with a portal login.
Clinic B (Hillview): a practitioner who must never see anything of clinic A.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client

from acuback.accounts.models import CLINICAL_ROLES, Clinic, Role, User
from acuback.accounts.services import member_create, practitioner_profile_set
from acuback.episodes.models import Episode
from acuback.episodes.services import EpisodeInput, episode_create
from acuback.patients.models import Patient
from acuback.patients.services import (
    HealthInput,
    PatientInput,
    health_history_update,
    patient_create,
)

PASSWORD = "correct-horse-battery-9"


@dataclass
class World:
    clinic_a: Clinic
    clinic_b: Clinic
    owner: User
    practitioner: User
    front_desk: User
    patient_user: User
    outsider: User  # practitioner of clinic B
    outsider_owner: User
    patient: Patient  # clinic A, linked to patient_user
    other_patient: Patient  # clinic A, not linked to anyone
    patient_b: Patient  # clinic B
    episode: Episode  # of `patient`
    other_episode: Episode  # of `other_patient`
    episode_b: Episode  # of `patient_b`

    def persona(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


# Every health-history question answered "no": the personas' patients were asked everything
# (a test of "not asked" makes its own patient with `asked=False`).
ANSWERED_NO: dict[str, object] = {
    "pregnant": False, "anticoagulant": False, "bleeding_disorder": False,
    "implanted_device": "none", "needle_phobia": False, "immunosuppressed": False,
    "diabetes": False, "epilepsy": False, "metal_allergy": False, "skin_lesion_regions": [],
}


def make_patient(actor: User, given: str, family: str, born: dt.date = dt.date(1970, 5, 17),
                 *, asked: bool = True, **health: object) -> Patient:
    """A patient whose health history was taken: every question "no" except those given.
    `asked=False` leaves the history as a new patient's: nothing asked."""
    patient = patient_create(actor=actor, data=PatientInput(
        given_name=given, family_name=family, date_of_birth=born, sex="female"))
    answers = {**ANSWERED_NO, **health} if asked else health
    if answers:
        clinician = actor if actor.membership.role in CLINICAL_ROLES else User.objects.filter(
            membership__clinic_id=patient.clinic_id, membership__role__in=CLINICAL_ROLES,
        ).order_by("id").first()  # front desk registers; a clinician takes the history
        health_history_update(actor=clinician, patient=patient, data=HealthInput(**answers))  # type: ignore[arg-type]
    return patient


def make_episode(actor: User, patient: Patient, **overrides: object) -> Episode:
    data = {"onset_date": dt.date(2026, 1, 5), "region": "lumbar", "side": "bilateral",
            "icd10_code": "M54.50", **overrides}
    return episode_create(actor=actor, patient=patient, data=EpisodeInput(**data))  # type: ignore[arg-type]


def build_world() -> World:
    a = Clinic.objects.create(name="Riverside Acupuncture", slug="riverside")
    b = Clinic.objects.create(name="Hillview Acupuncture", slug="hillview")
    owner = member_create(clinic=a, username="owner", password=PASSWORD, role=Role.OWNER,
                          first_name="Olive", last_name="Owner")
    practitioner = member_create(clinic=a, username="prac", password=PASSWORD,
                                 role=Role.PRACTITIONER, first_name="Pat", last_name="Lin")
    practitioner_profile_set(user=practitioner, licence_number="AC-1", npi="1234567893")
    desk = member_create(clinic=a, username="desk", password=PASSWORD, role=Role.FRONT_DESK)
    patient_user = member_create(clinic=a, username="pt", password=PASSWORD, role=Role.PATIENT)
    outsider = member_create(clinic=b, username="outsider", password=PASSWORD,
                             role=Role.PRACTITIONER)
    outsider_owner = member_create(clinic=b, username="b-owner", password=PASSWORD,
                                   role=Role.OWNER)
    patient = make_patient(practitioner, "Ada", "Lovelace", pregnant=True, pregnancy_weeks=20,
                           implanted_device="pacemaker")
    Patient.objects.filter(pk=patient.pk).update(user=patient_user)
    patient.refresh_from_db()
    other = make_patient(practitioner, "Grace", "Hopper", dt.date(1961, 12, 9))
    patient_b = make_patient(outsider, "Hedy", "Lamarr", dt.date(1964, 11, 9))
    return World(
        clinic_a=a, clinic_b=b, owner=owner, practitioner=practitioner, front_desk=desk,
        patient_user=patient_user, outsider=outsider, outsider_owner=outsider_owner,
        patient=patient, other_patient=other, patient_b=patient_b,
        episode=make_episode(practitioner, patient),
        other_episode=make_episode(practitioner, other, region="thoracic", icd10_code="M54.6"),
        episode_b=make_episode(outsider, patient_b),
    )


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def client_for(world: World):  # noqa: ANN201 - returns a factory
    """client_for("practitioner") -> a Django test Client logged in as that persona."""

    def make(name: str) -> Client:
        client = Client()
        user = world.persona(name)
        if user is not None:
            client.force_login(user)
        return client

    return make
