"""The patient record: demographics (front desk may see), health history and consent (clinical)."""

from __future__ import annotations

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


class HealthHistory(models.Model):
    """What acupuncture safety needs to know. Clinical content: never shown to front desk."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="health")
    pregnant = models.BooleanField(default=False)
    pregnancy_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    anticoagulant = models.BooleanField("takes anticoagulants", default=False)
    bleeding_disorder = models.BooleanField(default=False)
    implanted_device = models.CharField(
        max_length=20, choices=ImplantedDevice.choices, default=ImplantedDevice.NONE
    )
    needle_phobia = models.BooleanField(default=False)
    immunosuppressed = models.BooleanField(default=False)
    diabetes = models.BooleanField(default=False)
    epilepsy = models.BooleanField(default=False)
    metal_allergy = models.BooleanField(default=False)
    skin_conditions = models.CharField(max_length=300, blank=True)
    skin_lesion_regions = models.JSONField(default=list, blank=True)
    medications = models.TextField("current medications", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "health histories"

    def __str__(self) -> str:
        return f"health history of {self.patient}"


class Consent(models.Model):
    """Informed consent to acupuncture, against a versioned text. Never edited: a new consent
    is a new row."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    text_version = models.CharField(max_length=40)
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
