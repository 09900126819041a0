"""Assessments (scored questionnaires of an episode), safety alerts, licensed wording.

A stored assessment is never edited and never deleted: a correction is a new assessment.
`save()` and `delete()` refuse both, as the audit trail does, so a slip in later code fails loudly
instead of rewriting a clinical record.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from acuback.accounts.models import Clinic
from acuback.episodes.models import Episode


class ImmutableRecordError(RuntimeError):
    """Raised on any attempt to change or delete a stored assessment through the ORM."""


class TimePoint(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    BEFORE_VISIT = "before_visit", "Before a visit"
    DISCHARGE = "discharge", "Discharge"
    FOLLOW_UP = "follow_up", "Follow-up"


class EnteredBy(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    PATIENT = "patient", "Patient"


class AlertKind(models.TextChoices):
    PHQ9_ITEM9 = "phq9_item9", "PHQ-9 item 9: thoughts of death or self-harm"
    # An urgent or emergency red-flag screen: the patient must be referred before any needling
    # (DOMAIN.md Part 1, red-flag screening decisions).
    RED_FLAG_REFERRAL = "red_flag_referral", "Red flags: referral needed before treatment"


class LicensedWording(models.Model):
    """A clinic's licensed wording for an instrument, as loaded from its file (already checked
    against the instrument's structure by the core's `parse_wording`). Never edited: loading
    again adds a newer row, and the newest one is used."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="wordings")
    instrument = models.CharField(max_length=20)
    language = models.CharField(max_length=35)
    source = models.CharField(max_length=2000)
    content = models.JSONField()
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="empty when loaded from the command line without --user",
    )

    class Meta:
        ordering = ["-loaded_at", "-id"]
        indexes = [models.Index(fields=["clinic", "instrument"])]

    def __str__(self) -> str:
        return f"{self.instrument} wording ({self.language}) for {self.clinic}"


class Assessment(models.Model):
    # clinic is the episode's clinic, stored again so that every scoped query is one index away.
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="assessments")
    instrument = models.CharField(max_length=20)
    # DESIGN.md: each stored result records the version of the definition that computed it.
    definition_version = models.CharField(max_length=60)
    answers = models.JSONField(help_text="item codes in published order; null for a skipped item")
    results = models.JSONField(help_text="the core's Result.as_dict()")
    total = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=60, blank=True)
    time_point = models.CharField(max_length=20, choices=TimePoint.choices)
    visit_number = models.PositiveSmallIntegerField(null=True, blank=True)
    administered_at = models.DateTimeField()
    entered_by = models.CharField(max_length=20, choices=EnteredBy.choices)
    entered_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    wording = models.ForeignKey(
        LicensedWording, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="the clinic's licensed wording shown, if any",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-administered_at", "-id"]
        indexes = [
            models.Index(fields=["episode", "instrument", "administered_at"]),
            models.Index(fields=["clinic", "instrument"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="assessment_visit_number_only_before_visit",
                condition=(
                    models.Q(time_point="before_visit", visit_number__isnull=False)
                    | (~models.Q(time_point="before_visit") & models.Q(visit_number__isnull=True))
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.get_time_point_display().lower()} #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableRecordError("a stored assessment is never edited; record a new one")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRecordError("a stored assessment is never deleted")

    @property
    def time_point_label(self) -> str:
        label = self.get_time_point_display()
        return f"Before visit {self.visit_number}" if self.visit_number else label


class SafetyAlert(models.Model):
    """Something a clinician must see and act on: an answer to a questionnaire (PHQ-9 item 9)
    or a red-flag screen that needs referral. Open until a clinician acknowledges it with a
    note of what was done. `patient` and `clinic` are stored again (they are the source's) so
    that the patient list and the start page find open alerts in one indexed query."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="safety_alerts"
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    screening = models.ForeignKey(
        "screening.Screening", on_delete=models.PROTECT, null=True, blank=True,
        related_name="alerts",
    )
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    raised_at = models.DateTimeField(auto_now_add=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        help_text="who entered the answers that raised it (the patient, or a clinician)",
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "kind"], name="one_alert_per_kind"),
            models.UniqueConstraint(fields=["screening", "kind"],
                                    name="one_alert_per_screening_kind"),
            models.CheckConstraint(
                name="alert_has_one_source",
                condition=(
                    models.Q(assessment__isnull=False, screening__isnull=True)
                    | models.Q(assessment__isnull=True, screening__isnull=False)
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "acknowledged_at"]),
            models.Index(fields=["clinic", "acknowledged_at"]),
        ]

    def __str__(self) -> str:
        source = (f"assessment #{self.assessment_id}" if self.assessment_id
                  else f"screen #{self.screening_id}")
        return f"{self.get_kind_display()} ({source})"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def episode_id(self) -> int:
        source = self.assessment if self.assessment_id else self.screening
        assert source is not None  # noqa: S101 - the check constraint guarantees one source
        return source.episode_id
