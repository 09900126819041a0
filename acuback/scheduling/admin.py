"""The calendar's settings in the admin, for owners: rooms, appointment types, working hours,
the clinic's scheduling rules. These are not patient data, so owners add and change them here
(scoped to their clinic, which is filled in for them). Appointments are read-only here: their
write path is the services, which check clashes and audit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey, Model
from django.forms import ModelChoiceField, ModelForm
from django.http import HttpRequest

from acuback.accounts.admin import AuditedReadsAdmin, ClinicScopedAdmin, owner_clinic_id
from acuback.accounts.models import User
from acuback.scheduling.models import (
    Appointment,
    AppointmentType,
    ClinicSchedule,
    Room,
    WorkingHours,
)
from acuback.scheduling.services import PRACTITIONER_ROLES


class OwnerSettingsAdmin(ClinicScopedAdmin):
    """Owners add and change their own clinic's rows; the clinic is theirs, never chosen."""

    owners_may_change = True
    exclude = ("clinic",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return owner_clinic_id(request) is not None

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return owner_clinic_id(request) is not None and self.owners_may_delete

    owners_may_delete = False

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        clinic_id = owner_clinic_id(request)
        if clinic_id is not None and not change:
            obj.clinic_id = clinic_id
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field: ForeignKey, request: HttpRequest,
                                 **kwargs: Any) -> ModelChoiceField:
        clinic_id = owner_clinic_id(request)
        if db_field.name == "practitioner" and clinic_id is not None:
            kwargs["queryset"] = User.objects.filter(membership__clinic_id=clinic_id,
                                                     membership__role__in=PRACTITIONER_ROLES)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ClinicSchedule)
class ClinicScheduleAdmin(OwnerSettingsAdmin):
    list_display = ("clinic", "time_zone", "reminder_hours", "late_cancel_hours",
                    "requests_need_approval")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        clinic_id = owner_clinic_id(request)
        return clinic_id is not None and not ClinicSchedule.objects.filter(
            clinic_id=clinic_id).exists()


@admin.register(Room)
class RoomAdmin(OwnerSettingsAdmin):
    list_display = ("name", "position", "active")


@admin.register(AppointmentType)
class AppointmentTypeAdmin(OwnerSettingsAdmin):
    list_display = ("name", "kind", "minutes", "bookable_online", "active")


@admin.register(WorkingHours)
class WorkingHoursAdmin(OwnerSettingsAdmin):
    owners_may_delete = True
    list_display = ("practitioner", "weekday", "start", "end")
    list_filter = ("practitioner", "weekday")


@admin.register(Appointment)
class AppointmentAdmin(AuditedReadsAdmin):
    audit_object_type = "appointment"
    list_display = ("starts_at", "patient", "practitioner", "room", "appointment_type", "status")
    list_filter = ("status",)
