"""The audit trail in the admin: read-only for everyone (entries are append-only), an owner sees
their clinic's entries, and looking is itself audited."""

from __future__ import annotations

from django.contrib import admin

from acuback.accounts.admin import AuditedReadsAdmin
from acuback.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditedReadsAdmin):
    audit_object_type = "audit"
    clinic_path = "clinic_id"
    list_display = ("seq", "at", "actor_username", "action", "object_type", "object_id",
                    "channel", "client_addr", "outcome")
    list_filter = ("action", "outcome", "channel", "object_type")
    search_fields = ("actor_username", "object_id")
    date_hierarchy = "at"
