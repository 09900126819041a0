"""One-time links by e-mail: the invitation that lets a new colleague or patient choose a
password, and the password reset link. Nobody else ever sets or sees their password.

A link is signed with Django's password-reset token machinery over the account's password hash,
last login, active flag and `link_generation`: choosing a password, logging in, being switched
off or a newer link each void it, and it expires after PASSWORD_RESET_TIMEOUT (3 days).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from acuback.accounts.models import User


class LinkKind(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind of link, not a password


class _LinkTokens(PasswordResetTokenGenerator):
    key_salt = "acuback.accounts.links"

    def _make_hash_value(self, user: User, timestamp: int) -> str:  # type: ignore[override]
        login = "" if user.last_login is None else user.last_login.replace(microsecond=0)
        return f"{user.pk}{user.password}{login}{user.is_active}{user.link_generation}{timestamp}"


link_tokens = _LinkTokens()


def link_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("account_link", args=[uid, link_tokens.make_token(user)])


def user_of_link(uidb64: str, token: str) -> User | None:
    """The active account a link was made for, while the link is still good; else None."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not link_tokens.check_token(user, token):
        return None
    return user


def void_links(user: User) -> None:
    """Every link sent to this account so far stops working."""
    User.objects.filter(pk=user.pk).update(link_generation=F("link_generation") + 1)
    user.refresh_from_db(fields=["link_generation"])


@dataclass(frozen=True)
class _Letter:
    subject: str
    body: str


def _letter(kind: LinkKind, user: User, clinic_name: str, url: str) -> _Letter:
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    greeting = f"Hello {user.get_full_name() or user.username},"
    if kind == LinkKind.INVITATION:
        return _Letter(
            f"Your acuback login at {clinic_name}",
            f"{greeting}\n\n{clinic_name} has made you a login for acuback, its clinical "
            f"records system. Your username is {user.username}.\n\nOpen this link to choose "
            f"your password:\n\n{url}\n\nThe link works once and for {days} days. If you did "
            "not expect this message, you can ignore it.\n")
    return _Letter(
        f"Choose a new acuback password ({clinic_name})",
        f"{greeting}\n\nSomeone asked for a new password for your acuback login "
        f"{user.username} at {clinic_name}.\n\nOpen this link to choose one:\n\n{url}\n\n"
        f"The link works once and for {days} days. Your current password keeps working until "
        "you choose a new one. If you did not ask for this, you can ignore this message.\n")


def link_send(*, user: User, kind: LinkKind, clinic_name: str, base_url: str) -> str:
    """E-mail `user` a fresh link (once the surrounding transaction commits); return its URL.

    `base_url` is the site's address as the browser sees it (scheme and host), from the
    request or, on the command line, from ACUBACK_SITE_URL."""
    url = base_url.rstrip("/") + link_path(user)
    letter = _letter(kind, user, clinic_name, url)
    address = user.email
    # robust: a mail server that is down must not turn the committed change into an error page;
    # the failure is logged and the page offers to send the link again.
    transaction.on_commit(lambda: send_mail(letter.subject, letter.body, None, [address]),
                          robust=True)
    return url
