"""Read-only admin views: screens and referral outcomes are written only by the services, so
that every change is validated and audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from acuback.screening.models import Referral, Screening


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Screening)
class ScreeningAdmin(ReadOnlyAdmin):
    list_display = ("id", "episode", "screened_on", "decision", "nonspecific", "recorded_by")
    list_filter = ("decision", "nonspecific")


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("id", "screening", "outcome", "recorded_by", "recorded_at")
    list_filter = ("outcome",)
