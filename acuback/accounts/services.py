"""Writes for accounts: the one way to check a password (logins, and asking again), with its
lockout and audit; password changes; clinic members and practitioner profiles.

Every password check in acuback goes through `_password_attempt`: the login page, the admin
(whose login page sends people to ours), `django.contrib.auth.authenticate()` from anywhere
(settings.AUTHENTICATION_BACKENDS is `LockoutBackend`, which calls `user_login_check`), and
`reauthenticate` when a page asks a logged-in user for their password again. So the five
failures that lock an account are counted the same everywhere, and every attempt is audited.

Why not django-axes: it would be a second lockout beside this one, keyed on addresses and
usernames in its own tables and writing its own log; ours lives on the user row (shared by all
processes), writes the audit trail, and is the one mechanism every way in already calls.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from acuback.accounts.links import LinkKind, link_send
from acuback.accounts.models import (
    Clinic,
    Membership,
    PractitionerProfile,
    ProviderKind,
    Role,
    SupervisorKind,
    User,
)
from acuback.accounts.tokens import api_token_create, api_token_user  # noqa: F401 (moved)
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical.identifiers import npi_is_valid
from acuback.errors import InputError


class LoginRefused(Exception):
    """Wrong credentials, or a locked account. The message never says which username exists."""


LOGIN_REFUSED = "Username or password is not correct, or the account is locked for a while."
PASSWORD_NOT_CONFIRMED = "That password is not correct, or the account is locked for a while."  # noqa: S105


class ReauthenticationFailed(InputError):
    """`reauthenticate` refused: an InputError on the `password` field (shown beside it on a
    page, 422 from the API); str() is the plain message."""

    def __init__(self) -> None:
        super().__init__({"password": [PASSWORD_NOT_CONFIRMED]})

    def __str__(self) -> str:
        return PASSWORD_NOT_CONFIRMED


def _password_attempt(user: User | None, password: str, *, object_type: str,
                      detail: dict[str, str]) -> bool:
    """Check `password` for `user` (None: no such username) under the lockout, and audit the
    attempt. LOCKOUT_THRESHOLD failures in a row lock the account for LOCKOUT_MINUTES, during
    which even the right password is refused. Each path hashes exactly once, so that neither a
    locked account nor an unknown username answers faster than a wrong password."""
    now = timezone.now()
    if user is None:
        make_password(password)
        audit_record(actor=None, action=Action.LOGIN, object_type=object_type,
                     outcome=Outcome.DENIED, detail=detail)
        return False
    if user.is_locked:
        user.check_password(password)
        audit_record(actor=user, action=Action.LOGIN, object_type=object_type,
                     outcome=Outcome.DENIED, detail={**detail, "reason": "locked"})
        return False
    if user.check_password(password) and user.is_active:
        if user.failed_logins:
            User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            user.failed_logins, user.locked_until = 0, None
        audit_record(actor=user, action=Action.LOGIN, object_type=object_type,
                     outcome=Outcome.OK, detail=detail)
        return True
    _count_failure(user, now, object_type=object_type, detail=detail)
    return False


def _count_failure(user: User, now: dt.datetime, *, object_type: str,
                   detail: dict[str, str]) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins"])
        locked = user.failed_logins >= settings.LOCKOUT_THRESHOLD
        if locked:
            user.failed_logins = 0
            user.locked_until = now + dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
            User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=user.locked_until)
        reason = "locked now" if locked else "bad password" if user.is_active else "inactive"
        audit_record(actor=user, action=Action.LOGIN, object_type=object_type,
                     outcome=Outcome.DENIED, detail={**detail, "reason": reason})


def user_login_check(*, username: str, password: str) -> User:
    """A login: the user whose username (in any case) and password these are, or LoginRefused."""
    known = User.objects.filter(username__iexact=username.strip()).first()
    detail = {} if known else {"username": username[:150]}
    if not _password_attempt(known, password, object_type="session", detail=detail):
        raise LoginRefused(LOGIN_REFUSED)
    assert known is not None  # noqa: S101 - _password_attempt refuses an unknown username
    return known


def reauthenticate(*, user: User, password: str, purpose: str = "confirm",
                   request: HttpRequest | None = None) -> None:
    """Ask a logged-in user for their password again (to sign a visit, change the password...).

    The same lockout and audit as a login: a wrong password counts toward the five failures,
    and a locked account is refused. When the account is locked and `request` is given, its
    session ends too: whoever is guessing at an unattended screen is logged out.
    Raises ReauthenticationFailed (an InputError on the `password` field)."""
    if _password_attempt(user, password, object_type="password_check",
                         detail={"purpose": purpose[:100]}):
        return
    if request is not None and user.is_locked:
        audit_record(actor=user, action=Action.LOGOUT, object_type="session",
                     outcome=Outcome.OK, detail={"reason": "locked while asked again"})
        logout(request)
    raise ReauthenticationFailed()


def password_validate(user: User, password: str, field: str) -> None:
    """Django's password rules (length, common, similar to the name), as an InputError."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InputError({field: list(exc.messages)}) from exc


def password_change(*, user: User, old_password: str, new_password: str,
                    request: HttpRequest | None = None) -> None:
    """A user changes their own password: the old one first (through `reauthenticate`, outside
    the change's transaction, so that a refused attempt stays counted and audited)."""
    reauthenticate(user=user, password=old_password, purpose="change password", request=request)
    password_validate(user, new_password, "new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action=Action.UPDATE, object_type="password",
                     object_id=user.pk, outcome=Outcome.OK, detail={"via": "own change"})


@transaction.atomic
def member_create(
    *, clinic: Clinic, username: str, password: str, role: str, first_name: str = "",
    last_name: str = "", email: str = "", password_hash: str = "",
) -> User:
    """A login of the clinic. `password_hash`, when given, is `password` already hashed
    (`make_password`) and stored as it is: for a loader that gives many logins the one password
    it prints (the demo), which would otherwise spend one Argon2 hash on each."""
    if role not in Role.values:
        raise InputError({"role": [f"Choose one of: {', '.join(Role.values)}."]})
    user = User.objects.create_user(
        username=username, password=None if password_hash else password,
        first_name=first_name, last_name=last_name, email=email, is_staff=(role == Role.OWNER),
    )
    if password_hash:
        user.password = password_hash
        user.save(update_fields=["password"])
    Membership.objects.create(user=user, clinic=clinic, role=role)
    return user


CREDENTIAL_FIELDS = ("licence_number", "credentials", "licence_state", "npi",
                     "supervising_physician", "acaom_degree", "provider_kind",
                     "licence_expires", "supervisor_kind", "supervisor_npi")


def _npi_error(npi: str) -> list[str]:
    # isascii(): npi_is_valid trusts str.isdigit(), which also accepts fullwidth digits and
    # crashes on superscripts; an NPI goes on claims, so only ASCII digits may be stored.
    if npi and not (npi.isascii() and npi_is_valid(npi)):
        return ["NPI must be 10 digits with a valid check digit."]
    return []


@transaction.atomic
def practitioner_profile_set(
    *, user: User, licence_number: str, credentials: str = "", licence_state: str = "",
    npi: str = "", supervising_physician: str = "", acaom_degree: bool | None = None,
    provider_kind: str = "", licence_expires: dt.date | None = None,
    supervisor_kind: str = "", supervisor_npi: str = "", actor: User | None = None,
) -> PractitionerProfile:
    """Set a practitioner's credentials; the audit entry names the fields that changed.
    `provider_kind`, `licence_expires`, `supervisor_kind` and `supervisor_npi` are what
    Medicare billing checks (acuback.clinical.medicare_provider); empty = not recorded."""
    errors: dict[str, list[str]] = {}
    if not licence_number.strip():
        errors["licence_number"] = ["Give the licence number."]
    for field, value in (("npi", npi), ("supervisor_npi", supervisor_npi)):
        if _npi_error(value):
            errors[field] = _npi_error(value)
    if provider_kind and provider_kind not in ProviderKind.values:
        errors["provider_kind"] = [f"Choose one of: {', '.join(ProviderKind.values)}."]
    if supervisor_kind and supervisor_kind not in SupervisorKind.values:
        errors["supervisor_kind"] = [f"Choose one of: {', '.join(SupervisorKind.values)}."]
    if errors:
        raise InputError(errors)
    values = {"licence_number": licence_number.strip(), "credentials": credentials.strip(),
              "licence_state": licence_state.strip(), "npi": npi,
              "supervising_physician": supervising_physician.strip(),
              "acaom_degree": acaom_degree, "provider_kind": provider_kind,
              "licence_expires": licence_expires, "supervisor_kind": supervisor_kind,
              "supervisor_npi": supervisor_npi}
    before = PractitionerProfile.objects.filter(user=user).values(*CREDENTIAL_FIELDS).first()
    profile, _ = PractitionerProfile.objects.update_or_create(user=user, defaults=values)
    changed = sorted(k for k, v in values.items() if before is None or before[k] != v)
    if changed:
        audit_record(actor=actor, action=Action.UPDATE, object_type="practitioner_profile",
                     object_id=user.pk, outcome=Outcome.OK,
                     clinic_id=user.membership.clinic_id, detail={"changed": changed})
    return profile


@transaction.atomic
def password_set_by_link(*, user: User, password: str, kind: str) -> None:
    """The owner of a one-time link chooses their password (an invitation or a reset). The
    link dies with the old password hash; a lock from guessed passwords ends with it."""
    password_validate(user, password, "new_password")
    user.set_password(password)
    user.failed_logins, user.locked_until = 0, None
    user.save(update_fields=["password", "failed_logins", "locked_until"])
    audit_record(actor=user, action=Action.UPDATE, object_type="password", object_id=user.pk,
                 outcome=Outcome.OK, detail={"via": kind})


def password_reset_request(*, login: str, base_url: str) -> None:
    """"I forgot my password": a reset link to the address of the active account with this
    username or e-mail address. The page says the same whether or not one exists."""
    typed = login.strip()
    found = (User.objects.select_related("membership__clinic")
             .filter(is_active=True, membership__isnull=False).exclude(email="")
             .filter(username__iexact=typed).first()
             or User.objects.select_related("membership__clinic")
             .filter(is_active=True, membership__isnull=False, email__iexact=typed).first())
    if found is None or not typed:
        audit_record(actor=None, action=Action.CREATE, object_type="password_reset",
                     outcome=Outcome.NOT_FOUND, detail={"asked_for": typed[:150]})
        return
    kind = LinkKind.INVITATION if found.invitation_pending else LinkKind.PASSWORD_RESET
    with transaction.atomic():
        audit_record(actor=found, action=Action.CREATE, object_type=str(kind), object_id=found.pk,
                     outcome=Outcome.OK, detail={"asked_by": "self"})
        link_send(user=found, kind=kind, clinic_name=found.membership.clinic.name,
                  base_url=base_url)
