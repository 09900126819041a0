"""The owners' staff pages: the clinic's people, invitations, roles, logins switched off and on,
links sent again, practitioner credentials. Thin views over accounts.staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acuback.accounts import staff
from acuback.accounts.forms import CredentialsForm, InviteForm, RoleForm
from acuback.accounts.links import LinkKind
from acuback.accounts.models import CLINICAL_ROLES
from acuback.errors import InputError


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@login_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    members = staff.staff_members(actor=request.user)
    return render(request, "accounts/staff_list.html", {"members": members})


@login_required
@require_http_methods(["GET", "POST"])
def staff_invite(request: HttpRequest) -> HttpResponse:
    staff.staff_members(actor=request.user)  # owners only, before showing the form
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = staff.staff_invite(actor=request.user, invitee=form.to_invitee(),
                                        base_url=_base_url(request))
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            messages.success(request, f"An invitation is on its way to {member.email}.")
            return redirect("staff_detail", user_id=member.pk)
    return render(request, "accounts/staff_invite.html", {"form": form})


def _detail(request: HttpRequest, member: object, **forms: object) -> HttpResponse:
    context = {"member": member, "role_form": RoleForm(initial={"role": member.membership.role}),
               "clinical": member.membership.role in CLINICAL_ROLES, **forms}
    return render(request, "accounts/staff_detail.html", context)


@login_required
@require_GET
def staff_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    member = staff.staff_member(actor=request.user, user_id=user_id)
    return _detail(request, member)


@login_required
@require_POST
def staff_role(request: HttpRequest, user_id: int) -> HttpResponse:
    member = staff.staff_member(actor=request.user, user_id=user_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            staff.staff_role_change(actor=request.user, member=member,
                                    role=form.cleaned_data["role"])
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            messages.success(request, f"{member.username} is now "
                             f"{member.membership.get_role_display().lower()}.")
            return redirect("staff_detail", user_id=member.pk)
    return _detail(request, member, role_form=form)


@login_required
@require_POST
def staff_active(request: HttpRequest, user_id: int) -> HttpResponse:
    member = staff.staff_member(actor=request.user, user_id=user_id)
    active = request.POST.get("active") == "on"
    try:
        staff.staff_active_set(actor=request.user, member=member, active=active)
    except InputError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{member.username} can log in again." if active else
                         f"{member.username} can no longer log in.")
    return redirect("staff_detail", user_id=member.pk)


@login_required
@require_POST
def staff_link(request: HttpRequest, user_id: int) -> HttpResponse:
    member = staff.staff_member(actor=request.user, user_id=user_id)
    try:
        kind = staff.link_resend(actor=request.user, member=member, base_url=_base_url(request))
    except InputError as exc:
        messages.error(request, exc.message)
    else:
        what = "A new invitation" if kind == LinkKind.INVITATION else "A password reset link"
        messages.success(request, f"{what} is on its way to {member.email}.")
    return redirect("staff_detail", user_id=member.pk)


@login_required
@require_http_methods(["GET", "POST"])
def staff_credentials(request: HttpRequest, user_id: int) -> HttpResponse:
    member = staff.staff_member(actor=request.user, user_id=user_id)
    profile = getattr(member, "practitioner", None)
    form = CredentialsForm(request.POST or None, initial=CredentialsForm.initial_from(profile))
    if request.method == "POST" and form.is_valid():
        try:
            staff.staff_credentials_set(actor=request.user, member=member, **form.values())
        except InputError as exc:
            form.show_service_errors(exc)
        else:
            messages.success(request, f"The credentials of {member.username} are saved.")
            return redirect("staff_detail", user_id=member.pk)
    return render(request, "accounts/staff_credentials.html", {"member": member, "form": form})
