"""Assessments in the admin: read-only and scoped to the owner's clinic (writes go through the
services), every patient-data view audited. Licensed wording is loaded with
`acuback instruments load-wording`, so it is read-only here too."""

from __future__ import annotations

from django.contrib import admin

from acuback.accounts.admin import AuditedReadsAdmin, ClinicScopedAdmin
from acuback.assessments.models import Assessment, LicensedWording, SafetyAlert


@admin.register(Assessment)
class AssessmentAdmin(AuditedReadsAdmin):
    audit_object_type = "assessment"
    list_display = ("id", "episode", "instrument", "time_point", "total", "band",
                    "administered_at", "entered_by")
    list_filter = ("instrument", "time_point", "entered_by")
    exclude = ("clinic",)


@admin.register(SafetyAlert)
class SafetyAlertAdmin(AuditedReadsAdmin):
    audit_object_type = "safety_alert"
    list_display = ("id", "patient", "kind", "raised_at", "raised_by", "acknowledged_at",
                    "acknowledged_by")
    list_filter = ("kind",)


@admin.register(LicensedWording)
class LicensedWordingAdmin(ClinicScopedAdmin):
    list_display = ("instrument", "language", "clinic", "loaded_at", "loaded_by")
    list_filter = ("instrument",)
