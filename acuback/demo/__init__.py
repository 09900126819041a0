"""The demo clinics: synthetic, deterministic, idempotent.

`demo_load()` runs every step in STEPS. Later features add a step (a function taking the
DemoContext) so a newcomer always sees a living clinic. Every step must be idempotent.

`demo_load(patients=N)` then tops each clinic up to N patients through the bulk path
(`acuback.demo.bulk`), running every step in BULK_STEPS: a later feature adds its bulk step
there too (a function taking the BulkContext), so that large demo clinics have its records.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from acuback.accounts.models import Clinic, Role, User
from acuback.accounts.services import member_create, practitioner_profile_set
from acuback.assessments.demo import bulk_assessments, demo_assessments
from acuback.audit.context import audit_context
from acuback.cohort.demo import bulk_summaries
from acuback.cohort.summaries import refresh_episode_summary, summaries_deferred
from acuback.demo.bulk import BulkStep, Progress, demo_bulk_load, no_progress
from acuback.demo.population import bulk_episodes, bulk_patients
from acuback.episodes.models import Episode, Radiation, Region, Side
from acuback.episodes.services import EpisodeInput, episode_create
from acuback.outcomes.demo import demo_history
from acuback.patients.models import AnswerSource, Patient, Sex
from acuback.patients.services import (
    HealthInput,
    PatientInput,
    consent_record,
    health_history_update,
    patient_create,
)
from acuback.plans.demo import bulk_plans, demo_plans
from acuback.scheduling.demo import demo_schedule
from acuback.screening.demo import bulk_screenings, demo_screenings
from acuback.visits.bulk import bulk_visits
from acuback.visits.demo import demo_visits

DEMO_PASSWORD = "acuback-demo-2026"  # noqa: S105 - printed to the user; demo data only
PATIENTS_PER_CLINIC = 30
NEVER_ASKED = 29  # the last patient of each clinic: health history not taken yet


@dataclass(frozen=True)
class Login:
    clinic: str
    username: str
    role: str
    name: str


@dataclass
class DemoContext:
    rng: random.Random
    today: dt.date
    clinics: dict[str, Clinic] = field(default_factory=dict)
    logins: list[Login] = field(default_factory=list)
    _password_hash: str = ""

    def password_hash(self) -> str:
        """DEMO_PASSWORD hashed once for every demo login (each hash costs Argon2's quarter
        second; the password is printed to whoever loads the demo)."""
        if not self._password_hash:
            self._password_hash = make_password(DEMO_PASSWORD)
        return self._password_hash

    def episodes(self) -> QuerySet[Episode]:
        """The usual demo's episodes, which the steps complete. Bulk patients (added after the
        usual ones, so with higher ids) get their records from the bulk steps instead. A step
        run on its own, with no clinics in the context, completes every episode."""
        if not self.clinics:
            return Episode.objects.all()
        ids = [pk for clinic in self.clinics.values()
               for pk in Patient.objects.filter(clinic=clinic).order_by("pk")
               .values_list("pk", flat=True)[:PATIENTS_PER_CLINIC]]
        return Episode.objects.filter(patient_id__in=ids)


CLINICS = [
    ("riverside", "Riverside Acupuncture", ""),
    ("hillview", "Hillview Acupuncture & Wellness", "hv-"),
]
# (username suffix, role, first, last, licence, npi)
STAFF = [
    ("owner", Role.OWNER, "Morgan", "Reyes", "AC-10231", "1234567893"),
    ("lin", Role.PRACTITIONER, "Mei", "Lin", "AC-20417", ""),
    ("patel", Role.PRACTITIONER, "Arjun", "Patel", "AC-20988", ""),
    ("desk", Role.FRONT_DESK, "Sam", "Okafor", "", ""),
]
HILLVIEW_NAMES = {"owner": ("Jordan", "Kaur"), "lin": ("Hana", "Sato"),
                  "patel": ("Tomas", "Novak"), "desk": ("Rae", "Mensah")}
GIVEN = ["Ava", "Ben", "Chloe", "Daniel", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jonah",
         "Keira", "Luis", "Maya", "Nikolai", "Olivia", "Priya", "Quentin", "Rosa", "Samir",
         "Tara", "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Aaron", "Bea", "Carlos",
         "Dana"]
FAMILY = ["Anders", "Brooks", "Castillo", "Dubois", "Evans", "Fischer", "Garcia", "Hughes",
          "Ibrahim", "Jensen", "Kowalski", "Larsen", "Moreau", "Nakamura", "O'Neill", "Petrov",
          "Quinn", "Rossi", "Schmidt", "Tanaka", "Usman", "Valdez", "Walsh", "Xu", "Young",
          "Zhang", "Abbott", "Bauer", "Chen", "Diaz"]
CODES = {
    Region.LUMBAR: ["M54.50", "M54.59", "M54.41", "M54.42", "M51.360", "S39.012A"],
    Region.LUMBOSACRAL: ["M54.17", "M47.817", "M51.370"],
    Region.THORACIC: ["M54.6"],
    Region.SACROILIAC: ["M53.3", "M46.1"],
}


def _staff(ctx: DemoContext) -> None:
    for slug, name, prefix in CLINICS:
        clinic, _ = Clinic.objects.get_or_create(slug=slug, defaults={"name": name})
        ctx.clinics[slug] = clinic
        for suffix, role, first, last, licence, npi in STAFF:
            username = f"{prefix}{suffix}"
            if prefix:  # the second clinic's staff are other people
                first, last = HILLVIEW_NAMES[suffix]
            user = User.objects.filter(username=username).first()
            if user is None:
                user = member_create(clinic=clinic, username=username, password=DEMO_PASSWORD,
                                     password_hash=ctx.password_hash(), role=role,
                                     first_name=first, last_name=last)
                if licence:
                    practitioner_profile_set(user=user, licence_number=licence,
                                             credentials="LAc", licence_state="CA", npi=npi)
            ctx.logins.append(Login(name, username, role, f"{first} {last}"))


def _patients(ctx: DemoContext) -> None:
    for slug, _, prefix in CLINICS:
        clinic = ctx.clinics[slug]
        if Patient.objects.filter(clinic=clinic).exists():
            continue
        clinician = User.objects.get(username=f"{prefix}lin")
        practitioners = list(User.objects.filter(
            membership__clinic=clinic, membership__role=Role.PRACTITIONER).order_by("username"))
        for i in range(PATIENTS_PER_CLINIC):
            _one_patient(ctx, clinic, clinician, practitioners, i)


def _one_patient(ctx: DemoContext, clinic: Clinic, clinician: User,
                 practitioners: list[User], i: int) -> None:
    rng = ctx.rng
    sex = rng.choice([Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.MALE, Sex.OTHER])
    born = ctx.today - dt.timedelta(days=rng.randint(22 * 365, 84 * 365))
    patient = patient_create(actor=clinician, data=PatientInput(
        given_name=GIVEN[(i * 7 + clinic.pk) % len(GIVEN)],
        family_name=FAMILY[(i * 11 + clinic.pk * 3) % len(FAMILY)],
        date_of_birth=born, sex=sex,
        email=f"patient{i + 1}@{clinic.slug}.example",
        phone=f"(202) 555-01{i:02d}",  # the numbers kept for fiction
        practitioner_id=practitioners[i % len(practitioners)].pk,
    ))
    pregnant = sex == Sex.FEMALE and 25 < (ctx.today - born).days / 365 < 40 and i % 9 == 0
    weeks = rng.randint(12, 30) if pregnant else None
    if i == NEVER_ASKED:
        pass  # a new patient whose health history nobody has taken yet: every answer unknown
    else:
        # Some were never asked about diabetes or a metal allergy (technique only): the chart
        # shows them amber, "not asked", and a plan can still be made.
        technique_asked = i % 7 != 6
        health_history_update(actor=clinician, patient=patient, source=AnswerSource.PATIENT,
                              data=HealthInput(
            pregnant=pregnant, pregnancy_weeks=weeks,
            anticoagulant=i % 8 == 3, bleeding_disorder=i == 17,
            implanted_device="pacemaker" if i % 13 == 5 else "none",
            needle_phobia=i % 10 == 4, epilepsy=i == 22, immunosuppressed=i == 11,
            diabetes=(i % 6 == 2) if technique_asked else None,
            metal_allergy=(i == 26) if technique_asked else None,
            skin_lesion_regions=["lower_leg"] if i == 15 else [],
            medications="ibuprofen 400 mg as needed" if i % 3 == 0 else "",
        ))
    consent_record(actor=clinician, patient=patient,
                   given_on=ctx.today - dt.timedelta(days=rng.randint(1, 200)),
                   witness="Sam Okafor")
    for _ in range(1 if i % 4 else 2):
        region = rng.choice(list(Region))
        # Opened about three months ago, so the questionnaires, screens and plans the later
        # demo steps date after opening fall inside the episode; pain began before that.
        opened = ctx.today - dt.timedelta(days=rng.randint(95, 110))
        onset = opened - dt.timedelta(days=rng.choice([10, 40, 100, 200, 400, 900]))
        episode = episode_create(actor=clinician, patient=patient, data=EpisodeInput(
            onset_date=onset, region=region,
            side=rng.choice(list(Side)),
            radiation=rng.choice([Radiation.NONE, Radiation.NONE, Radiation.POSTERIOR_LEG,
                                  Radiation.LATERAL_LEG]),
            icd10_code=rng.choice(CODES[region]),
            suspected_cause=rng.choice(["", "lifting at work", "gardening", "long drive",
                                        "no clear cause"]),
            pregnancy_associated=pregnant,
        ))
        # Synthetic history only: real episodes are opened on the day they are entered.
        Episode.objects.filter(pk=episode.pk).update(opened_on=opened)
        refresh_episode_summary(episode.pk)  # written around the service


def _patient_login(ctx: DemoContext) -> None:
    clinic = ctx.clinics["riverside"]
    patient = Patient.objects.filter(clinic=clinic).order_by("id").first()
    if patient is None:
        return
    if patient.user_id is None:
        user = member_create(clinic=clinic, username="patient", password=DEMO_PASSWORD,
                             password_hash=ctx.password_hash(), role=Role.PATIENT,
                             first_name=patient.given_name, last_name=patient.family_name)
        Patient.objects.filter(pk=patient.pk).update(user=user)
    ctx.logins.append(Login(clinic.name, "patient", Role.PATIENT, patient.full_name))


Step = Callable[[DemoContext], None]
STEPS: list[Step] = [_staff, _patients, _patient_login, demo_history, demo_assessments,
                     demo_screenings, demo_plans, demo_visits, demo_schedule]


# Run in order, once per clinic, after the usual demo (see acuback.demo.bulk).
BULK_STEPS: list[BulkStep] = [bulk_patients, bulk_episodes, bulk_assessments, bulk_screenings,
                              bulk_plans, bulk_visits, bulk_summaries]
# The steps of the visit history, left out by `acuback demo --no-visits` (`bulk_steps`).
VISIT_HISTORY_STEPS: frozenset[BulkStep] = frozenset({bulk_visits})


def bulk_steps(*, visits: bool = True) -> list[BulkStep]:
    """BULK_STEPS, or without the visit history (`acuback demo --no-visits`): the patients,
    episodes, questionnaires, screens and plans alone, their summaries counting no visits."""
    return [step for step in BULK_STEPS if visits or step not in VISIT_HISTORY_STEPS]


def demo_load(today: dt.date | None = None, *, patients: int = PATIENTS_PER_CLINIC,
              visits: bool = True, progress: Progress = no_progress) -> list[Login]:
    """Load the demo clinics; with `patients` above the usual 30, top each clinic up to that
    many through the bulk path, with their visit history unless `visits` is false (the usual
    demo's own visits are always there)."""
    rng = random.Random(20261121)  # noqa: S311 - synthetic data, not security
    ctx = DemoContext(rng=rng, today=today or timezone.localdate())
    with audit_context("cli"):
        # The summaries of what the steps write, refreshed once at the end (not per write).
        with (progress("usual demo", len(STEPS)) as advance, transaction.atomic(),
              summaries_deferred()):
            for step in STEPS:
                step(ctx)
                advance(1)
        if patients > PATIENTS_PER_CLINIC:
            demo_bulk_load(clinics=list(ctx.clinics.values()), patients=patients,
                           today=ctx.today, steps=bulk_steps(visits=visits), progress=progress)
    return ctx.logins


# The size of the largest acupuncture safety study (Witt CM et al., Forsch Komplementmed
# 2009;16:91-97: 229,230 patients, 10.2 treatments each, about 2.3 million), rounded.
REGISTRY_PATIENTS = 230_000
REGISTRY_CLINIC = ("registry", "Acupuncture Safety Registry (synthetic)")
REGISTRY_STAFF = [("owner", Role.OWNER, "Robin", "Hart"),
                  ("lin", Role.PRACTITIONER, "Ines", "Lund"),
                  ("patel", Role.PRACTITIONER, "Omar", "Said")]


def demo_registry(today: dt.date | None = None, *, patients: int = REGISTRY_PATIENTS,
                  visits: bool = True, progress: Progress = no_progress) -> list[Login]:
    """A synthetic research registry in a clinic of its own, written through the bulk path:
    patients, episodes, baseline and follow-up questionnaires, screens, plans, signed visits
    with painkillers and adverse events (no point rows or claim lines: acuback.visits.bulk).
    Idempotent, like the demo; returns the registry's logins."""
    slug, name = REGISTRY_CLINIC
    logins = []
    with audit_context("cli"):
        with transaction.atomic():
            clinic, _ = Clinic.objects.get_or_create(slug=slug, defaults={"name": name})
            for suffix, role, first, last in REGISTRY_STAFF:
                username = f"reg-{suffix}"
                if not User.objects.filter(username=username).exists():
                    user = member_create(clinic=clinic, username=username, password=DEMO_PASSWORD,
                                         role=role, first_name=first, last_name=last)
                    if role == Role.PRACTITIONER:
                        practitioner_profile_set(user=user, licence_number="AC-90000",
                                                 credentials="LAc", licence_state="CA")
                logins.append(Login(name, username, role, f"{first} {last}"))
        demo_bulk_load(clinics=[clinic], patients=patients, today=today or timezone.localdate(),
                       steps=bulk_steps(visits=visits), progress=progress, registry=True)
    return logins


def episode_count() -> int:
    return Episode.objects.count()
