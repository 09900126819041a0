"""Patient records in the admin: read-only (writes go through the services), scoped to the
owner's clinic, and every view audited."""

from __future__ import annotations

from django.contrib import admin

from acuback.accounts.admin import AuditedReadsAdmin
from acuback.patients.models import Consent, HealthHistory, Patient


@admin.register(Patient)
class PatientAdmin(AuditedReadsAdmin):
    audit_object_type = "patient"
    list_display = ("family_name", "given_name", "date_of_birth", "sex", "practitioner")
    search_fields = ("family_name", "given_name")
    list_filter = ("sex",)
    exclude = ("clinic",)


@admin.register(HealthHistory)
class HealthHistoryAdmin(AuditedReadsAdmin):
    audit_object_type = "health_history"
    clinic_path = "patient__clinic"
    list_display = ("patient", "pregnant", "anticoagulant", "implanted_device", "updated_at")


@admin.register(Consent)
class ConsentAdmin(AuditedReadsAdmin):
    audit_object_type = "consent"
    clinic_path = "patient__clinic"
    list_display = ("patient", "text_version", "given_on", "witness", "recorded_by")
