"""Django admin for clinic owners (who are `is_staff`) and the site's superusers.

An owner sees only their own clinic's rows, read-only: patient records, episodes, people and
the audit trail all have their one write path in the services, which validate and audit
(DESIGN.md); people are managed on the staff pages. Superusers may create clinics. Reading
patient data in the admin is audited like any other read. The admin has no login of its own
(acuback.accounts.admin_site).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from acuback.accounts.access import membership_of
from acuback.accounts.models import ApiToken, Clinic, Membership, PractitionerProfile, Role, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record


def owner_clinic_id(request: HttpRequest) -> int | None:
    membership = membership_of(request.user)
    if membership is None or membership.role != Role.OWNER or not request.user.is_staff:
        return None
    return membership.clinic_id


class ClinicScopedAdmin(admin.ModelAdmin):
    """Rows of the owner's clinic only; superusers see all; other staff see nothing.

    `clinic_path` is the lookup from the model to its clinic's id. Owners never write here;
    superusers only where a subclass allows it (clinics)."""

    clinic_path = "clinic"
    superusers_may_write = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        clinic_id = owner_clinic_id(request)
        return qs.none() if clinic_id is None else qs.filter(**{self.clinic_path: clinic_id})

    def _may_view(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or owner_clinic_id(request) is not None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_view(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_view(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser and self.superusers_may_write

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser and self.superusers_may_write

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser and self.superusers_may_write


class AuditedReadsAdmin(ClinicScopedAdmin):
    """Read-only, and each list or record viewed leaves an audit entry."""

    audit_object_type = ""

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        audit_record(actor=request.user, action=Action.LIST, object_type=self.audit_object_type,
                     outcome=Outcome.OK if response.status_code == 200 else Outcome.DENIED,
                     detail={"via": "admin", "query": request.GET.urlencode()[:500]})
        return response

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: Any = None) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        found = response.status_code == 200
        audit_record(actor=request.user, action=Action.READ, object_type=self.audit_object_type,
                     object_id=object_id, outcome=Outcome.OK if found else Outcome.NOT_FOUND,
                     detail={"via": "admin"})
        return response


@admin.register(Clinic)
class ClinicAdmin(ClinicScopedAdmin):
    clinic_path = "pk"
    superusers_may_write = True
    list_display = ("name", "slug", "region", "created_at")
    search_fields = ("name", "slug")


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    extra = 0
    fields = ("clinic", "role")

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return True


@admin.register(User)
class UserAdmin(ClinicScopedAdmin, DjangoUserAdmin):
    """Read-only here, for everyone. People are invited, given a role, switched off and sent a
    password reset link on the staff pages (/staff/), where every change is audited; nobody
    sets or sees another person's password, so the admin's password page answers 403."""

    clinic_path = "membership__clinic"
    inlines = (MembershipInline,)
    list_display = ("username", "first_name", "last_name", "role_name", "is_active", "last_login")
    list_filter = ("is_active", "membership__role")
    fieldsets = ((None, {"fields": ("username", "first_name", "last_name", "email", "is_active",
                                    "last_login", "failed_logins", "locked_until")}),)

    @admin.display(description="role")
    def role_name(self, user: User) -> str:
        membership = getattr(user, "membership", None)
        return membership.get_role_display() if membership else "-"

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return self.fieldsets

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = ""
                             ) -> HttpResponse:
        raise PermissionDenied("passwords are set by their owner, through a link")


@admin.register(Membership)
class MembershipAdmin(ClinicScopedAdmin):
    list_display = ("user", "clinic", "role", "created_at")
    list_filter = ("role",)


@admin.register(PractitionerProfile)
class PractitionerProfileAdmin(ClinicScopedAdmin):
    clinic_path = "user__membership__clinic"
    list_display = ("user", "credentials", "licence_number", "licence_state", "npi")


@admin.register(ApiToken)
class ApiTokenAdmin(ClinicScopedAdmin):
    clinic_path = "user__membership__clinic"
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("digest",)
