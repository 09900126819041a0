"""The patient record: demographics (front desk may see), health history and consent (clinical)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from acuback.accounts.models import Clinic


class Sex(models.TextChoices):
    # FHIR AdministrativeGender values, so export needs no mapping.
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class ImplantedDevice(models.TextChoices):
    NONE = "none", "None"
    PACEMAKER = "pacemaker", "Pacemaker"
    ICD = "icd", "Implantable defibrillator (ICD)"
    PUMP = "pump", "Medication pump"
    STIMULATOR = "stimulator", "Nerve or spinal cord stimulator"
    OTHER = "other", "Other electrical device"


class Patient(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patients_of_record",
        help_text="practitioner of record",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient_record",
        help_text="the patient's own portal login",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            # The list's order, with the id that breaks ties, so a page deep in the list is an
            # index range (keyset pagination), never an OFFSET.
            models.Index(fields=["clinic", "family_name", "given_name", "id"],
                         name="patient_list_order"),
            models.Index(fields=["clinic", "date_of_birth"]),
            models.Index(fields=["clinic", "created_at", "id"], name="patient_registered"),
        ]

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class TermKind(models.IntegerChoices):
    NAME = 1, "a word of the name"
    NAME_VARIANT = 2, "a word of the name with one letter left out"
    PHONE = 3, "the phone number's digits"
    EMAIL = 4, "the email address"


class PatientSearchTerm(models.Model):
    """What a patient is found by, folded for search (`acuback.patients.search`). Written by the
    patient services with every change of name, phone or email; never edited by hand."""

    # The patient's clinic, stored again so that a search is one index range per word.
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+",
                               db_index=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="search_terms")
    kind = models.PositiveSmallIntegerField(choices=TermKind.choices)
    term = models.CharField(max_length=254)

    class Meta:
        indexes = [
            # A search word is a range (prefix) or a lookup of `term` within the clinic; kind
            # and patient complete the index, so the database never reads the table itself.
            # On PostgreSQL the pattern operator class lets LIKE 'word%' use the index whatever
            # the database's collation.
            models.Index(fields=["clinic", "term", "kind", "patient"], name="patient_search",
                         opclasses=["int8_ops", "varchar_pattern_ops", "int2_ops", "int8_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.term}"


class AnswerSource(models.TextChoices):
    PATIENT = "patient", "Patient-reported"
    CLINICIAN = "clinician", "Clinician-reported"


# The yes / no / not-asked questions of the health history, as model fields. None (and "" for the
# implanted device) means "not asked": never read it as "no".
HEALTH_QUESTIONS: tuple[str, ...] = (
    "pregnant", "anticoagulant", "bleeding_disorder", "implanted_device", "needle_phobia",
    "immunosuppressed", "diabetes", "epilepsy", "metal_allergy", "skin_lesion_regions",
)
# Everything a full replacement (PUT) must send: the questions and the details that go with them.
HEALTH_KEYS: tuple[str, ...] = (
    *HEALTH_QUESTIONS, "pregnancy_weeks", "skin_conditions", "medications",
)


class HealthHistory(models.Model):
    """What acupuncture safety needs to know. Clinical content: never shown to front desk.

    Each question is tri-state: True (yes), False (no), None (not asked). For the implanted
    device, "" is not asked and "none" is no; for broken skin, None is not asked and [] is none.
    `version` rises with every write (a stale one is refused); `answered` says, per question,
    who answered it, when, and whether the patient or a clinician gave the answer; every write
    also leaves a `HealthHistoryVersion`."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="health")
    pregnant = models.BooleanField(null=True, default=None)
    pregnancy_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    anticoagulant = models.BooleanField("takes anticoagulants", null=True, default=None)
    bleeding_disorder = models.BooleanField(null=True, default=None)
    implanted_device = models.CharField(
        max_length=20, choices=ImplantedDevice.choices, blank=True, default="",
        help_text="empty: not asked; 'none': asked, no device",
    )
    needle_phobia = models.BooleanField(null=True, default=None)
    immunosuppressed = models.BooleanField(null=True, default=None)
    diabetes = models.BooleanField(null=True, default=None)
    epilepsy = models.BooleanField(null=True, default=None)
    metal_allergy = models.BooleanField(null=True, default=None)
    skin_conditions = models.CharField(max_length=300, blank=True)
    skin_lesion_regions = models.JSONField(
        null=True, default=None, blank=True,
        help_text="regions with broken or infected skin; [] none; null not asked",
    )
    medications = models.TextField("current medications", blank=True)
    version = models.PositiveIntegerField(default=1)
    answered = models.JSONField(
        default=dict, blank=True,
        help_text='per question: {"by": user id, "name": ..., "at": ISO time, "source": ...}',
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "health histories"

    def __str__(self) -> str:
        return f"health history of {self.patient}"

    def answer(self, key: str) -> object:
        """The stored answer in the API's terms: None for "not asked" on every question."""
        value = getattr(self, key)
        return None if key == "implanted_device" and value == "" else value

    def answers(self) -> dict[str, object]:
        return {key: self.answer(key) for key in HEALTH_KEYS}

    @property
    def taken(self) -> bool:
        """Whether anyone has answered anything here. Not the version alone: the bulk demo and
        the tri-state migration leave answered histories at version 1."""
        return self.version > 1 or any(self.answer(key) not in (None, "") for key in HEALTH_KEYS)

    @property
    def not_asked(self) -> list[str]:
        return [key for key in HEALTH_QUESTIONS if self.answer(key) is None]

    def confirmed(self, key: str) -> bool:
        """False only for an answer the patient gave themself (the portal's pre-visit intake)
        that no clinician has confirmed since."""
        return (self.answered or {}).get(key, {}).get("confirmed", True) is not False

    @property
    def unconfirmed(self) -> list[str]:
        """The questions the patient answered themself, not yet confirmed by a clinician."""
        return [key for key in HEALTH_QUESTIONS
                if self.answer(key) is not None and not self.confirmed(key)]

    def care_answer(self, key: str) -> Any:
        """The answer that safety checks and the prescriber may rely on. A patient's own "yes"
        counts at once (a concern is never set aside); a patient's own "no" (or "none", or no
        broken skin) is not known until a clinician confirms it, as a question never asked
        (issue 7: unknown is not no; a patient may not know that aspirin thins the blood)."""
        value = self.answer(key)
        if self.confirmed(key) or key not in HEALTH_QUESTIONS:
            return value
        saying_no = value in (False, ImplantedDevice.NONE) or value == []
        return None if saying_no else value


class HealthHistoryVersion(models.Model):
    """One write of a health history, kept for ever: who, when, from whom the answers came, the
    answers after the write, and what changed (old and new value of each key that did)."""

    history = models.ForeignKey(HealthHistory, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    answers = models.JSONField(help_text="every answer after this write")
    asked = models.JSONField(default=list, help_text="the keys this write sent")
    changed = models.JSONField(default=dict, help_text="{key: [old, new]} for keys that changed")
    source = models.CharField(max_length=20, choices=AnswerSource.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="empty for the version a migration made",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["history", "version"], name="health_version_once"),
        ]

    def __str__(self) -> str:
        return f"version {self.version} of {self.history}"


class ConsentMethod(models.TextChoices):
    RECORDED = "recorded", "Recorded by the clinic"
    ELECTRONIC = "electronic", "Signed by the patient in the portal"


class Consent(models.Model):
    """Informed consent to acupuncture, against a versioned text. Never edited: a new consent
    is a new row. An electronic consent keeps the name the patient typed as their signature
    and the SHA-256 of the very text they were shown."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    text_version = models.CharField(max_length=40)
    # Defaults in the database too: the bulk demo writes consents with plain INSERT / COPY.
    method = models.CharField(max_length=20, choices=ConsentMethod.choices,
                              db_default=ConsentMethod.RECORDED)
    signature = models.CharField(max_length=200, blank=True, db_default="",
                                 help_text="the full name the patient typed to sign")
    text_sha256 = models.CharField(max_length=64, blank=True, db_default="",
                                   help_text="SHA-256 of the consent text that was signed")
    given_on = models.DateField()
    witness = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"consent {self.text_version} on {self.given_on}"
