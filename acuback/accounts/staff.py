"""Staff management for clinic owners: invite a colleague by a one-time link, change a role,
switch a login off and on, send the invitation again or a password reset link. Owners never set
or see anyone's password. Each change is audited in the same transaction.

Reads and writes are scoped: an owner manages their own clinic's staff only (anyone else's
answers NotFound); any other role is refused (Forbidden, audited).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.links import LinkKind, link_send, void_links
from acuback.accounts.models import CLINICAL_ROLES, STAFF_ROLES, Clinic, Membership, Role, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.errors import InputError


@dataclass(frozen=True)
class Invitee:
    username: str
    email: str
    role: str
    first_name: str = ""
    last_name: str = ""


def _owned_clinic(actor: User, what: str) -> Clinic:
    membership = membership_of(actor)
    if membership is None or membership.role != Role.OWNER:
        audit_record(actor=actor, action=Action.UPDATE, object_type=what, outcome=Outcome.DENIED)
        raise Forbidden("only the clinic's owners manage its staff")
    return membership.clinic


def staff_members(*, actor: User) -> list[User]:
    """The clinic's staff (owners, practitioners, front desk), by name; owners only."""
    clinic = _owned_clinic(actor, "staff")
    return list(User.objects.filter(membership__clinic=clinic, membership__role__in=STAFF_ROLES)
                .select_related("membership", "practitioner")
                .order_by("last_name", "first_name", "username"))


def staff_member(*, actor: User, user_id: int) -> User:
    """One member of the owner's clinic staff; anyone else is NotFound."""
    clinic = _owned_clinic(actor, "staff")
    member = (User.objects.select_related("membership", "practitioner")
              .filter(pk=user_id, membership__clinic=clinic,
                      membership__role__in=STAFF_ROLES).first())
    if member is None:
        raise NotFound("no such member of your clinic")
    return member


def _check_invitee(invitee: Invitee, roles: frozenset[str]) -> None:
    errors: dict[str, list[str]] = {}
    username = invitee.username.strip()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        errors["username"] = list(exc.messages)
    if not username or len(username) > 150:
        errors["username"] = ["Give a username of 1 to 150 characters."]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["This username is taken; choose another."]
    try:
        validate_email(invitee.email.strip())
    except ValidationError:
        errors["email"] = ["Give an e-mail address: the invitation is sent there."]
    if invitee.role not in roles:
        errors["role"] = [f"Choose one of: {', '.join(sorted(roles))}."]
    if errors:
        raise InputError(errors)


@transaction.atomic
def account_invite(*, clinic: Clinic, invitee: Invitee, actor: User | None, base_url: str,
                   roles: frozenset[str] = STAFF_ROLES, object_type: str = "staff",
                   about: dict[str, object] | None = None) -> User:
    """Make a login without a usable password in `clinic` and e-mail its invitation link.

    The caller has checked that `actor` may do this (staff_invite: an owner; the patient
    chart: the patient's clinic staff; the command line: whoever runs it)."""
    _check_invitee(invitee, roles)
    user = User(username=invitee.username.strip(), email=invitee.email.strip(),
                first_name=invitee.first_name.strip(), last_name=invitee.last_name.strip(),
                is_staff=invitee.role == Role.OWNER)
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, clinic=clinic, role=invitee.role)
    audit_record(actor=actor, action=Action.CREATE, object_type=object_type, object_id=user.pk,
                 outcome=Outcome.OK, clinic_id=clinic.pk,
                 detail={"username": user.username, "role": invitee.role, "invited": True,
                         **(about or {})})
    link_send(user=user, kind=LinkKind.INVITATION, clinic_name=clinic.name, base_url=base_url)
    return user


def staff_invite(*, actor: User, invitee: Invitee, base_url: str) -> User:
    clinic = _owned_clinic(actor, "staff")
    return account_invite(clinic=clinic, invitee=invitee, actor=actor, base_url=base_url)


def staff_credentials_set(*, actor: User, member: User, **values: object) -> None:
    """An owner records a practitioner's credentials (accounts.services, audited there)."""
    from acuback.accounts.services import practitioner_profile_set

    _owned_clinic(actor, "practitioner_profile")
    if member.membership.role not in CLINICAL_ROLES:
        raise InputError({"__all__": ["Credentials are for practitioners and owners who treat."]})
    practitioner_profile_set(user=member, actor=actor, **values)  # type: ignore[arg-type]


def _keep_an_owner(member: User, what: str) -> None:
    """A clinic always keeps one active owner: someone must be able to manage it."""
    if member.membership.role != Role.OWNER or not member.is_active:
        return
    others = Membership.objects.filter(clinic_id=member.membership.clinic_id, role=Role.OWNER,
                                       user__is_active=True).exclude(user=member)
    if not others.exists():
        raise InputError({"__all__": [f"{member.username} is the clinic's only active owner: "
                                      f"make someone else an owner before you {what}."]})


@transaction.atomic
def staff_role_change(*, actor: User, member: User, role: str) -> None:
    if role not in STAFF_ROLES:
        raise InputError({"role": [f"Choose one of: {', '.join(sorted(STAFF_ROLES))}."]})
    old = member.membership.role
    if old == role:
        return
    if role != Role.OWNER:
        _keep_an_owner(member, "change this role")
    Membership.objects.filter(pk=member.membership.pk).update(role=role)
    User.objects.filter(pk=member.pk).update(is_staff=role == Role.OWNER)
    member.membership.role, member.is_staff = role, role == Role.OWNER
    audit_record(actor=actor, action=Action.UPDATE, object_type="membership",
                 object_id=member.pk, outcome=Outcome.OK, detail={"from": old, "to": role})


@transaction.atomic
def staff_active_set(*, actor: User, member: User, active: bool) -> None:
    """Switch a login off (someone left: sessions, tokens and links stop working at once) or
    on again. Nothing they recorded is touched. The caller found `member` through a scoped
    read (staff_member, or the patient chart for a portal login)."""
    if member.is_active == active:
        return
    if not active:
        if member.pk == actor.pk:
            raise InputError({"__all__": ["You cannot switch off your own login."]})
        _keep_an_owner(member, "switch this login off")
    User.objects.filter(pk=member.pk).update(is_active=active)
    member.is_active = active
    void_links(member)
    audit_record(actor=actor, action=Action.UPDATE, object_type="user", object_id=member.pk,
                 outcome=Outcome.OK, detail={"active": active})


@transaction.atomic
def link_resend(*, actor: User | None, member: User, base_url: str) -> LinkKind:
    """A new link by e-mail, voiding the ones sent before: the invitation again while no
    password has been chosen, else a password reset link. The password is not touched."""
    if not member.is_active:
        raise InputError({"__all__": ["This login is switched off; switch it on first."]})
    if not member.email:
        raise InputError({"__all__": [f"{member.username} has no e-mail address to send to."]})
    kind = LinkKind.INVITATION if member.invitation_pending else LinkKind.PASSWORD_RESET
    void_links(member)
    clinic = member.membership.clinic
    audit_record(actor=actor, action=Action.CREATE, object_type=str(kind), object_id=member.pk,
                 outcome=Outcome.OK, clinic_id=clinic.pk, detail={"to": member.username})
    link_send(user=member, kind=kind, clinic_name=clinic.name, base_url=base_url)
    return kind
