"""Visits in the admin: read-only and scoped to the owner's clinic, every read audited.
Visits are written, signed and amended only through the services, which hold the lock."""

from __future__ import annotations

from django.contrib import admin

from acuback.accounts.admin import AuditedReadsAdmin
from acuback.visits.models import AdverseEvent, Amendment, PainkillerUse, Visit


@admin.register(Visit)
class VisitAdmin(AuditedReadsAdmin):
    audit_object_type = "visit"
    list_display = ("id", "episode", "number", "practitioner", "started_at", "status",
                    "needles_in", "needles_out")
    list_filter = ("status", "practitioner")
    exclude = ("clinic",)


@admin.register(Amendment)
class AmendmentAdmin(AuditedReadsAdmin):
    audit_object_type = "amendment"
    clinic_path = "visit__clinic"
    list_display = ("id", "visit", "kind", "section", "author", "at")
    list_filter = ("kind",)


@admin.register(AdverseEvent)
class AdverseEventAdmin(AuditedReadsAdmin):
    audit_object_type = "adverse_event"
    list_display = ("id", "visit", "kind", "severity", "serious", "causality", "outcome",
                    "onset_at")
    list_filter = ("kind", "severity", "serious")
    exclude = ("clinic",)


@admin.register(PainkillerUse)
class PainkillerUseAdmin(AuditedReadsAdmin):
    audit_object_type = "painkiller"
    list_display = ("id", "episode", "visit", "name", "dose", "unit", "times_a_day",
                    "mme_per_day")
    exclude = ("clinic",)
