"""What interoperability must remember: the identifiers records arrived with, and bulk exports.

An imported record keeps the identifier it came with (an `ExternalIdentifier` row), so that
importing the same file again creates nothing twice, and exporting it again gives the same
identifier back: a record has one identity wherever it travels.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from acuback.accounts.models import Clinic


class ExternalIdentifier(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    # The acuback record kind ("patient", "episode", "assessment"), not a FHIR type: one
    # episode is both an EpisodeOfCare and a Condition.
    kind = models.CharField(max_length=20)
    system = models.CharField(max_length=255)
    value = models.CharField(max_length=255)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "kind", "system", "value"],
                                    name="one_record_per_external_identifier"),
        ]
        indexes = [models.Index(fields=["clinic", "kind", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} = {self.system}|{self.value}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class ExportJob(models.Model):
    """One FHIR Bulk Data export: what was asked, by whom, and the NDJSON files it wrote."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    request_url = models.CharField(max_length=2000)
    types = models.JSONField(default=list, help_text="resource types asked for; empty = all")
    since = models.DateTimeField(null=True, blank=True)
    patient_ids = models.JSONField(null=True, blank=True, help_text="a group's members; null = all")
    status = models.CharField(max_length=20, choices=ExportStatus.choices,
                              default=ExportStatus.QUEUED)
    progress = models.CharField(max_length=200, blank=True)
    output = models.JSONField(default=list, help_text="[{type, count, file}]")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"export {self.id} ({self.status})"
