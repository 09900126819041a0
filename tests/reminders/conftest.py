"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and Django's SMTP
email backend pointed at it. Addresses starting "bounce" are refused at RCPT (550)."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.served import free_port


@dataclass
class Inbox:
    port: int
    received: list[EmailMessage] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        if address.startswith("bounce"):
            self.refused.append(address)
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(message)  # type: ignore[arg-type]
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.received if address in str(m["To"])]


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox(port=free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def inbox(smtp_server: Inbox, settings: Any) -> Inbox:
    """An empty inbox, and Django sending mail to it over SMTP."""
    smtp_server.received.clear()
    smtp_server.refused.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "clinic@riverside.example"
    return smtp_server


@pytest.fixture
def sms_log(settings: Any, tmp_path: Any) -> Any:
    """Text messages written by the default gateway to a log file (its path)."""
    from acuback.reminders.sms import gateway

    settings.DATA_DIR = tmp_path
    settings.SMS_GATEWAY = "acuback.reminders.sms.LogGateway"
    gateway.cache_clear()
    yield tmp_path / "sms.log"
    gateway.cache_clear()
