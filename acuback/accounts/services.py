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
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from acuback.accounts.models import ApiToken, Clinic, Membership, PractitionerProfile, Role, User
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


def _is_locked(user: User, now: dt.datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


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
    if _is_locked(user, now):
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
    if request is not None and _is_locked(user, timezone.now()):
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


def api_token_create(*, user: User, name: str) -> str:
    """Create a token and return its secret, shown once; only its SHA-256 is kept."""
    secret = "acb_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, name=name, prefix=secret[:8], digest=hashlib.sha256(secret.encode()).hexdigest()
    )
    audit_record(actor=user, action=Action.CREATE, object_type="api_token", outcome=Outcome.OK,
                 detail={"name": name})
    return secret


def api_token_user(secret: str) -> User | None:
    digest = hashlib.sha256(secret.encode()).hexdigest()
    token = (
        ApiToken.objects.select_related("user__membership")
        .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


@transaction.atomic
def member_create(
    *, clinic: Clinic, username: str, password: str, role: str, first_name: str = "",
    last_name: str = "", email: str = "",
) -> User:
    if role not in Role.values:
        raise InputError({"role": [f"Choose one of: {', '.join(Role.values)}."]})
    user = User.objects.create_user(
        username=username, password=password, first_name=first_name, last_name=last_name,
        email=email, is_staff=(role == Role.OWNER),
    )
    Membership.objects.create(user=user, clinic=clinic, role=role)
    return user


def practitioner_profile_set(
    *, user: User, licence_number: str, credentials: str = "", licence_state: str = "",
    npi: str = "",
) -> PractitionerProfile:
    # isascii(): npi_is_valid trusts str.isdigit(), which also accepts fullwidth digits and
    # crashes on superscripts; an NPI goes on claims, so only ASCII digits may be stored.
    if npi and not (npi.isascii() and npi_is_valid(npi)):
        raise InputError({"npi": ["NPI must be 10 digits with a valid check digit."]})
    profile, _ = PractitionerProfile.objects.update_or_create(
        user=user,
        defaults={"licence_number": licence_number, "credentials": credentials,
                  "licence_state": licence_state, "npi": npi},
    )
    return profile
