"""Bulk demo steps for patients (with health history and consent) and their episodes of care.

See `acuback.demo.bulk` for the bulk path and how steps share what they made.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from typing import Any

from acuback.accounts.models import Role, User
from acuback.bulk import (
    BATCH,
    db_date,
    db_json,
    db_time,
    insert_rows,
    next_id,
    reset_sequences,
)
from acuback.demo.bulk import BulkContext, BulkEpisode, BulkPatient
from acuback.episodes.models import Episode, EpisodeStatus, Radiation, Region, Side
from acuback.patients import search
from acuback.patients.consent import CURRENT_VERSION
from acuback.patients.models import (
    HEALTH_QUESTIONS,
    AnswerSource,
    Consent,
    HealthHistory,
    ImplantedDevice,
    Patient,
    PatientSearchTerm,
    Sex,
)

# --- patients -------------------------------------------------------------------------------

# Synthetic names from many languages and alphabets, so search is tried on what clinics meet.
GIVEN = [
    "Ava", "Ben", "Chloe", "Daniel", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jonah", "Keira",
    "Luis", "Maya", "Nikolai", "Olivia", "Priya", "Quentin", "Rosa", "Samir", "Tara", "Uma",
    "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Aaron", "Bea", "Carlos", "Dana", "Émile", "Zoë",
    "Søren", "Łukasz", "Chloé", "José", "Mélanie", "Björn", "Siobhán", "Oğuz", "Ana", "Kai",
    "Leila", "Mateo", "Noor", "Omar", "Pilar", "Ravi", "Sofia", "Théo", "Yara", "Inès", "Hamid",
    "Ingrid", "Jana", "Kofi", "Lars", "Mira", "Nadia", "Otto", "Paulo", "Rhea", "Sven", "Tomás",
    "Uri", "Vera", "Wiktor", "Yuki", "Zainab", "Ольга", "Иван", "Σοφία", "Νίκος", "Amara",
    "Bashir", "Céline", "Dmitri", "Esther", "Fatima", "Gustav", "Hannah", "Ibrahim", "Jürgen",
    "Katarzyna", "Lucía", "Magnus", "Nour", "Oskar", "Paloma", "Renée", "Stefan", "Tariq",
]
FAMILY = [
    "Anders", "Brooks", "Castillo", "Dubois", "Evans", "Fischer", "Garcia", "Hughes", "Ibrahim",
    "Jensen", "Kowalski", "Larsen", "Moreau", "Nakamura", "O'Neill", "Petrov", "Quinn", "Rossi",
    "Schmidt", "Tanaka", "Usman", "Valdez", "Walsh", "Xu", "Young", "Zhang", "Abbott", "Bauer",
    "Chen", "Diaz", "Öztürk", "García", "Müller", "Nguyen", "Kim", "Park", "Singh", "Kumar",
    "Haddad", "Novák", "Dvořák", "Núñez", "Pérez", "Sørensen", "Åberg", "O'Connor", "Murphy",
    "Kelly", "Lindqvist", "Kowalczyk", "Wiśniewski", "Ivanova", "Смирнов", "Кузнецова",
    "Παπαδόπουλος", "Γεωργίου", "Lee", "Cohen", "Levi", "Mizrahi", "Rahman", "Hossain",
    "Okonkwo", "Mensah", "Adeyemi", "Mwangi", "Silva", "Santos", "Ferreira", "Costa",
    "Rodrigues", "Ramos", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno",
    "Gallo", "Conti", "Dupont", "Lefebvre", "Leroy", "Roux", "Fournier", "Girard", "Bonnet",
    "Weber", "Wagner", "Becker", "Hoffmann", "Schulz", "Koch", "Richter", "Klein", "Wolf",
    "Neumann", "Schwarz", "Zimmermann", "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Arslan",
    "Morgan", "Ellis", "Foster", "Grant", "Harper", "Jordan", "Lawson", "Mitchell", "Palmer",
    "Reed", "Shaw", "Turner", "Warren", "Hale", "Sato", "Novak", "Mensah-Bonsu", "Ahmed",
]
PHONE_FORMATS = ("({a}) {b}-{c}", "{a}-{b}-{c}", "+1 {a} {b} {c}", "{a}.{b}.{c}", "{a}{b}{c}")


def _phone(rng: random.Random, i: int) -> str:
    area = 200 + (i // 10_000) % 800
    exchange = 100 + (i // 100) % 900
    line = (i * 37) % 10_000
    fmt = rng.choice(PHONE_FORMATS)
    return fmt.format(a=f"{area:03d}", b=f"{exchange:03d}", c=f"{line:04d}")


def _health(i: int, sex: str, age: float, rng: random.Random) -> tuple[bool, dict[str, Any]]:
    """Mostly healthy patients, with the contraindications clinics meet at realistic rates."""
    pregnant = sex == Sex.FEMALE and 25 < age < 40 and i % 23 == 0
    return pregnant, {
        "pregnant": pregnant, "pregnancy_weeks": rng.randint(12, 30) if pregnant else None,
        "anticoagulant": i % 17 == 3, "bleeding_disorder": i % 997 == 17,
        "implanted_device": ImplantedDevice.PACEMAKER if i % 89 == 5 else ImplantedDevice.NONE,
        "needle_phobia": i % 19 == 4, "diabetes": i % 11 == 2, "epilepsy": i % 211 == 22,
        "immunosuppressed": i % 149 == 11, "metal_allergy": i % 307 == 26,
        "medications": "ibuprofen 400 mg as needed" if i % 5 == 0 else "",
    }


PATIENT_COLUMNS = ("id", "clinic", "given_name", "family_name", "date_of_birth", "sex", "email",
                   "phone", "address", "practitioner", "version", "created_at", "updated_at")
HEALTH_COLUMNS = ("patient", "pregnant", "pregnancy_weeks", "anticoagulant", "bleeding_disorder",
                  "implanted_device", "needle_phobia", "immunosuppressed", "diabetes", "epilepsy",
                  "metal_allergy", "skin_conditions", "skin_lesion_regions", "medications",
                  "version", "answered", "updated_at")
HEALTH_FLAGS = HEALTH_COLUMNS[1:11]
CONSENT_COLUMNS = ("patient", "text_version", "given_on", "witness", "recorded_by",
                   "recorded_at")


def bulk_patients(ctx: BulkContext) -> None:
    """Patients with a health history, a consent and their search terms each."""
    now = db_time(ctx.now)
    with ctx.progress("patients", ctx.count) as advance:
        rows = _patient_rows(ctx)
        for start in range(0, len(rows), BATCH):
            advance(insert_rows(Patient, PATIENT_COLUMNS, rows[start:start + BATCH]))
        # Every question asked at intake (patient-reported; [] = no broken skin), version 1.
        answered = db_json({q: {"by": ctx.clinician.pk, "name": ctx.clinician.get_full_name(),
                                "at": ctx.now.isoformat(), "source": AnswerSource.PATIENT}
                            for q in HEALTH_QUESTIONS})
        insert_rows(HealthHistory, HEALTH_COLUMNS, (
            (p.id, *(p.health[c] for c in HEALTH_FLAGS), "", "[]", p.health["medications"], 1,
             answered, now)
            for p in ctx.patients
        ))
        insert_rows(Consent, CONSENT_COLUMNS, (
            (p.id, CURRENT_VERSION,
             db_date(ctx.today - dt.timedelta(days=ctx.rng.randint(1, 900))), "",
             ctx.clinician.pk, now)
            for p in ctx.patients
        ))
    # The terms the patient services would index (acuback.patients.search).
    with ctx.progress("search index", ctx.count) as advance:
        terms = [(ctx.clinic.pk, row[0], kind, term) for row in rows
                 for kind, term in sorted(search.terms(row[2], row[3], row[7], row[6]))]
        insert_rows(PatientSearchTerm, ("clinic", "patient", "kind", "term"), terms)
        advance(len(rows))
    reset_sequences(Patient, HealthHistory, Consent, PatientSearchTerm)
    ctx.audit("patient", ctx.patients[0].id if ctx.patients else 0, ctx.count)


def _patient_rows(ctx: BulkContext) -> list[tuple[Any, ...]]:
    """The patients' rows (PATIENT_COLUMNS), each also kept in ctx.patients for later steps."""
    rng, first = ctx.rng, next_id(Patient)
    practitioners = list(User.objects.filter(
        membership__clinic=ctx.clinic, membership__role=Role.PRACTITIONER).order_by("username")
        .values_list("pk", flat=True))
    now = db_time(ctx.now)
    rows = []
    for i in range(ctx.count):
        sex = rng.choice([Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.MALE, Sex.OTHER])
        born = ctx.today - dt.timedelta(days=rng.randint(18 * 365, 90 * 365))
        pregnant, health = _health(i, sex, (ctx.today - born).days / 365.25, rng)
        patient = BulkPatient(first + i, i, born, sex, pregnant, health,
                              practitioners[i % len(practitioners)] if practitioners else None)
        ctx.patients.append(patient)
        rows.append((
            patient.id, ctx.clinic.pk, rng.choice(GIVEN), rng.choice(FAMILY), db_date(born), sex,
            f"p{patient.id}@{ctx.clinic.slug}.example", _phone(rng, patient.id), "",
            patient.practitioner, 1, now, now,
        ))
    return rows


# --- episodes ----------------------------------------------------------------------------------

CODES = {
    Region.LUMBAR: ["M54.50", "M54.59", "M54.41", "M54.42", "M51.360", "S39.012A"],
    Region.LUMBOSACRAL: ["M54.17", "M47.817", "M51.370"],
    Region.THORACIC: ["M54.6"],
    Region.SACROILIAC: ["M53.3", "M46.1"],
}
ACTIVE_SHARE = 0.3  # of each patient's latest episode; the rest were discharged
EPISODE_COLUMNS = ("id", "clinic", "patient", "onset_date", "region", "side", "radiation",
                   "suspected_cause", "icd10_code", "icd10_version", "surgery_associated",
                   "pregnancy_associated", "status", "opened_on", "closed_on", "created_by",
                   "version", "created_at", "updated_at")


def _episode_count(index: int) -> int:
    """Episodes of the patient at `index` in the load: two for every fourth one."""
    return 2 if index % 4 == 0 else 1


def _episodes_of(ctx: BulkContext, patient: BulkPatient, next_pk: int) -> list[BulkEpisode]:
    rng, found = ctx.rng, []
    count = _episode_count(patient.index)
    for n in range(count):
        latest = n == count - 1
        active = latest and rng.random() < ACTIVE_SHARE
        opened = ctx.today - dt.timedelta(
            days=rng.randint(20, 120) if active else rng.randint(150, 1800))
        onset = opened - dt.timedelta(days=rng.choice([10, 40, 100, 200, 400, 900]))
        region = rng.choice(list(Region))
        found.append(BulkEpisode(
            id=next_pk + n, patient=patient, region=region, side=rng.choice(list(Side)),
            radiation=rng.choice([Radiation.NONE, Radiation.NONE, Radiation.POSTERIOR_LEG,
                                  Radiation.LATERAL_LEG]),
            onset=onset, opened=opened,
            status=EpisodeStatus.ACTIVE if active else EpisodeStatus.DISCHARGED,
            closed=None if active else min(opened + dt.timedelta(days=rng.randint(30, 90)),
                                          ctx.today),
        ))
    return found


def bulk_episodes(ctx: BulkContext) -> None:
    """One episode of care per patient, two for a quarter of them; about a third of the latest
    ones still active."""
    from acuback.clinical import icd10

    first = next_pk = next_id(Episode)
    total = sum(_episode_count(i) for i in range(ctx.count))
    with ctx.progress("episodes of care", total) as advance:
        for patient in ctx.patients:
            made = _episodes_of(ctx, patient, next_pk)
            ctx.episodes.extend(made)
            next_pk += len(made)
        version, now = icd10.code_list().version, db_time(ctx.now)
        # Codes by the episode's place in this load, never its id (ids differ between
        # databases).
        ctx.episodes[:] = [replace(e, icd10_code=CODES[Region(e.region)][
            place % len(CODES[Region(e.region)])]) for place, e in enumerate(ctx.episodes)]
        rows = (
            (e.id, ctx.clinic.pk, e.patient.id, db_date(e.onset), e.region, e.side, e.radiation,
             "", e.icd10_code, version, False, e.patient.pregnant, e.status, db_date(e.opened),
             db_date(e.closed) if e.closed else None, ctx.clinician.pk, 1, now, now)
            for e in ctx.episodes
        )
        advance(insert_rows(Episode, EPISODE_COLUMNS, rows))
    reset_sequences(Episode)
    ctx.audit("episode", first, len(ctx.episodes))


