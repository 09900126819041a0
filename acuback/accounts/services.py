"""Writes for accounts: logins with lockout, API tokens, clinic members."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from acuback.accounts.models import ApiToken, Clinic, Membership, PractitionerProfile, Role, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical.identifiers import npi_is_valid
from acuback.errors import InputError


class LoginRefused(Exception):
    """Wrong credentials, or a locked account. The message never says which username exists."""


LOGIN_REFUSED = "Username or password is not correct, or the account is locked for a while."


def user_login_check(*, username: str, password: str) -> User:
    """Authenticate with lockout: LOCKOUT_THRESHOLD failures in a row lock the account for
    LOCKOUT_MINUTES, during which even the right password is refused."""
    now = timezone.now()
    known = User.objects.filter(username__iexact=username.strip()).first()
    if known is not None and known.locked_until and known.locked_until > now:
        # Hash anyway: answering a locked account faster than a wrong password would tell an
        # attacker that this username exists.
        check_password(password, known.password)
        audit_record(actor=known, action=Action.LOGIN, object_type="session",
                     outcome=Outcome.DENIED, detail={"reason": "locked"})
        raise LoginRefused(LOGIN_REFUSED)
    user = authenticate(username=known.username if known else username, password=password)
    if user is None:
        _login_failed(known, username, now)
        raise LoginRefused(LOGIN_REFUSED)
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    audit_record(actor=user, action=Action.LOGIN, object_type="session", outcome=Outcome.OK)
    return user


class ReauthenticationFailed(LoginRefused):
    """The password asked again (to sign a record) was wrong, or the account is locked."""


def reauthenticate(*, user: User, password: str) -> None:
    """Ask a logged-in user for their password again before a signature: the same check,
    lockout and audit as a login, so guessing at a signing prompt locks the account too."""
    try:
        user_login_check(username=user.username, password=password)
    except LoginRefused as exc:
        raise ReauthenticationFailed(
            "That password is not correct, or the account is locked for a while."
        ) from exc


def _login_failed(known: User | None, username: str, now: dt.datetime) -> None:
    if known is None:
        audit_record(actor=None, action=Action.LOGIN, object_type="session",
                     outcome=Outcome.DENIED, detail={"username": username[:150]})
        return
    with transaction.atomic():
        User.objects.filter(pk=known.pk).update(failed_logins=F("failed_logins") + 1)
        known.refresh_from_db(fields=["failed_logins"])
        locked = known.failed_logins >= settings.LOCKOUT_THRESHOLD
        if locked:
            User.objects.filter(pk=known.pk).update(
                failed_logins=0,
                locked_until=now + dt.timedelta(minutes=settings.LOCKOUT_MINUTES),
            )
        audit_record(actor=known, action=Action.LOGIN, object_type="session",
                     outcome=Outcome.DENIED,
                     detail={"reason": "locked now" if locked else "bad password"})


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
