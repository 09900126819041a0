"""Who may see what. Selectors and services raise these; every interface maps them the same way:
NotFound -> 404 (absent, or belongs to another clinic: we never confirm it exists),
Forbidden -> 403 (same clinic, but this role may not)."""

from __future__ import annotations

from typing import Any

from acuback.accounts.models import CLINICAL_ROLES, STAFF_ROLES, Membership, Role


class AccessError(Exception):
    status = 403


class NotFound(AccessError):
    status = 404


class Forbidden(AccessError):
    status = 403


def membership_of(user: Any) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return getattr(user, "membership", None)


def has_role(user: Any, roles: frozenset[str] | set[str]) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role in roles


def is_clinical(user: Any) -> bool:
    return has_role(user, CLINICAL_ROLES)


def is_staff_member(user: Any) -> bool:
    return has_role(user, STAFF_ROLES)


def is_owner(user: Any) -> bool:
    return has_role(user, {Role.OWNER})
