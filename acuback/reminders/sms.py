"""Text messages through a swappable gateway.

A gateway is any class with `send(to, text) -> str` (the provider's message id) that raises
`SmsRejected` when the number refuses the message (recorded as bounced, never tried again) and
`SmsError` for anything else (recorded as failed). `ACUBACK_SMS_GATEWAY` names the class by its
dotted path; the default, `LogGateway`, sends nothing: it writes each message to the log
`acuback.sms` and to `sms.log` in the data directory, so reminders can be tried without a
provider.
"""

from __future__ import annotations

import logging
import secrets
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("acuback.sms")


class SmsError(Exception):
    """The gateway could not send the message now."""


class SmsRejected(SmsError):
    """The number refused the message (unknown, unreachable, opted out at the carrier)."""


class SmsGateway(Protocol):
    def send(self, to: str, text: str) -> str: ...


class LogGateway:
    """Writes the message to the log and to DATA_DIR/sms.log instead of sending it."""

    def send(self, to: str, text: str) -> str:
        message_id = f"log-{secrets.token_hex(6)}"
        line = f"{timezone.now().isoformat()} {message_id} to {to}: {text}"
        logger.info(line)
        with (settings.DATA_DIR / "sms.log").open("a", encoding="utf-8") as out:
            out.write(line.replace("\n", " ") + "\n")
        return message_id


@cache
def gateway() -> SmsGateway:
    return import_string(settings.SMS_GATEWAY)()  # type: ignore[no-any-return]
