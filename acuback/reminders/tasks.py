"""Background tasks (Django tasks backport, database backend). Each is idempotent: running it
twice, or in two workers at once, sends nothing twice (see services)."""

from __future__ import annotations

from django_tasks import task

from acuback.audit.context import audit_context
from acuback.reminders import services


@task()
def send_due_reminders() -> dict[str, int]:
    with audit_context("system"):
        return services.reminders_send_due().as_dict()


@task()
def send_confirmation(appointment_id: int) -> dict[str, int]:
    with audit_context("system"):
        return services.confirmation_send(appointment_id).as_dict()


def confirm_later(appointment_id: int) -> None:
    """Queue the booking confirmation (a page never waits on mail)."""
    send_confirmation.enqueue(appointment_id)


@task()
def send_waitlist_offers(freed_id: int, starts_at: str,
                         practitioner_id: int | None = None) -> dict[str, int]:
    import datetime as dt

    with audit_context("system"):
        return services.waitlist_offers_send(freed_id, dt.datetime.fromisoformat(starts_at),
                                             practitioner_id=practitioner_id).as_dict()


def offer_later(freed_id: int, starts_at: str, practitioner_id: int | None = None) -> None:
    """Queue the waitlist offers of a freed time (a page never waits on mail)."""
    send_waitlist_offers.enqueue(freed_id, starts_at, practitioner_id)
