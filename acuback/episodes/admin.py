"""Episodes of care in the admin: read-only, scoped to the owner's clinic, every view audited."""

from __future__ import annotations

from django.contrib import admin

from acuback.accounts.admin import AuditedReadsAdmin
from acuback.episodes.models import Episode


@admin.register(Episode)
class EpisodeAdmin(AuditedReadsAdmin):
    audit_object_type = "episode"
    list_display = ("patient", "region", "side", "icd10_code", "status", "opened_on")
    list_filter = ("status", "region")
    exclude = ("clinic",)
