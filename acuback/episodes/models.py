"""An episode of care: one back-pain problem from intake to discharge (FHIR EpisodeOfCare)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from acuback.accounts.models import Clinic
from acuback.clinical.chronicity import Chronicity, chronicity
from acuback.patients.models import Patient


class Region(models.TextChoices):
    LUMBAR = "lumbar", "Lumbar"
    LUMBOSACRAL = "lumbosacral", "Lumbosacral"
    THORACIC = "thoracic", "Thoracic"
    SACROILIAC = "sacroiliac", "Sacroiliac"


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BILATERAL = "bilateral", "Both sides"
    MIDLINE = "midline", "Midline"


class Radiation(models.TextChoices):
    NONE = "none", "None"
    POSTERIOR_LEG = "posterior_leg", "Down the back of the leg"
    LATERAL_LEG = "lateral_leg", "Down the side of the leg"


class EpisodeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DISCHARGED = "discharged", "Discharged"
    REFERRED_OUT = "referred_out", "Referred out"


class Episode(models.Model):
    # clinic is the patient's clinic, stored again so that every scoped query is one index away.
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="episodes")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="episodes")
    onset_date = models.DateField()
    region = models.CharField(max_length=20, choices=Region.choices)
    side = models.CharField(max_length=20, choices=Side.choices)
    radiation = models.CharField(max_length=20, choices=Radiation.choices, default=Radiation.NONE)
    suspected_cause = models.CharField(max_length=300, blank=True)
    icd10_code = models.CharField("ICD-10-CM code", max_length=10)
    icd10_version = models.CharField(max_length=10)
    surgery_associated = models.BooleanField(default=False)
    pregnancy_associated = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20, choices=EpisodeStatus.choices, default=EpisodeStatus.ACTIVE
    )
    opened_on = models.DateField(default=timezone.localdate)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["clinic", "status"])]

    def __str__(self) -> str:
        return f"{self.get_region_display()} back pain from {self.onset_date} ({self.icd10_code})"

    def chronicity_on(self, day: object = None) -> Chronicity:
        on = day if day is not None else timezone.localdate()
        return chronicity(self.onset_date, min(on, self.closed_on or on))  # type: ignore[arg-type]

    @property
    def chronicity(self) -> Chronicity:
        return self.chronicity_on()
