"""API tokens: named, expiring, revocable by their user and by the clinic's owners, their use
recorded.

Only a SHA-256 of the secret is kept; the secret is shown once. A token's use is an
authentication and goes into the audit trail, cheaply: every request counts the use on the token
row (`uses`, `last_used_at`), and the trail gets an entry at the first use and then at most once
a minute while the token is in use, carrying the running count. (Each request's reads and
writes of patient data are audited besides, under the token's user.) A refused token (revoked,
expired, its user switched off) is audited each time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from acuback.accounts.access import NotFound, membership_of
from acuback.accounts.models import ApiToken, Role, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.errors import InputError

DEFAULT_DAYS = 90
MAX_DAYS = 365
# A token in steady use leaves one audit entry a minute, not one per request.
USE_AUDIT_INTERVAL = dt.timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user: User, name: str, days: int = DEFAULT_DAYS,
                     actor: User | None = None) -> str:
    """Create a token for `user` that expires after `days` and return its secret, shown once.
    `actor` is who asked (the user on their account page; None from the command line)."""
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name or len(name) > 100:
        errors["name"] = ["Name the token (up to 100 characters): what or who uses it."]
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = [f"A token lasts 1 to {MAX_DAYS} days."]
    if errors:
        raise InputError(errors)
    secret = "acb_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=secret[:8], digest=_digest(secret),
            expires_at=timezone.now() + dt.timedelta(days=days))
        audit_record(actor=actor or user, action=Action.CREATE, object_type="api_token",
                     object_id=token.pk, outcome=Outcome.OK, clinic_id=_clinic_of(user),
                     detail={"name": name, "user": user.username, "days": days})
    return secret


def _clinic_of(user: User) -> int | None:
    membership = membership_of(user) or getattr(user, "membership", None)
    return membership.clinic_id if membership else None


def api_token_user(secret: str) -> User | None:
    """The user a bearer token authenticates, or None (unknown, revoked, expired, user off)."""
    token = (ApiToken.objects.select_related("user__membership")
             .filter(digest=_digest(secret)).first())
    if token is None:
        return None  # the API's 401 is audited as an anonymous refusal
    if not token.is_usable or not token.user.is_active:
        reason = ("revoked" if token.revoked_at else "expired" if token.is_expired
                  else "user switched off")
        audit_record(actor=token.user, action=Action.LOGIN, object_type="api_token",
                     object_id=token.pk, outcome=Outcome.DENIED, detail={"reason": reason})
        return None
    _count_use(token)
    return token.user


def _count_use(token: ApiToken) -> None:
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, uses=F("uses") + 1)
    due = token.use_audited_at is None or now - token.use_audited_at >= USE_AUDIT_INTERVAL
    # Of several processes that find the entry due at once, one wins the conditional update.
    if due and ApiToken.objects.filter(pk=token.pk, use_audited_at=token.use_audited_at).update(
            use_audited_at=now):
        audit_record(actor=token.user, action=Action.LOGIN, object_type="api_token",
                     object_id=token.pk, outcome=Outcome.OK,
                     detail={"name": token.name, "uses": token.uses + 1})


def api_tokens_visible(*, actor: User) -> QuerySet[ApiToken]:
    """The tokens `actor` may see and revoke: their own, and an owner's whole clinic's."""
    membership = membership_of(actor)
    mine = Q(user=actor)
    if membership is not None and membership.role == Role.OWNER:
        mine |= Q(user__membership__clinic_id=membership.clinic_id)
    return (ApiToken.objects.filter(mine).select_related("user")
            .order_by("revoked_at", "-created_at"))


def api_token_get(*, actor: User, token_id: int) -> ApiToken:
    token = api_tokens_visible(actor=actor).filter(pk=token_id).first()
    if token is None:
        raise NotFound("no such token of yours or your clinic's")
    return token


@transaction.atomic
def api_token_revoke(*, actor: User | None, token: ApiToken) -> None:
    """Revoke at once; a token already revoked stays as it was."""
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=token.revoked_at)
    audit_record(actor=actor, action=Action.UPDATE, object_type="api_token", object_id=token.pk,
                 outcome=Outcome.OK, clinic_id=_clinic_of(token.user),
                 detail={"revoked": True, "name": token.name, "user": token.user.username})
