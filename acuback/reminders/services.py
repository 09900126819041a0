"""Sending reminders and confirmations, recording each message, opt-outs, calendar feeds.

`reminders_send_due(now=...)` is the one way reminders go out (the worker, `acuback reminders
send` and cron all call it). It is idempotent: each message has a unique key (appointment,
channel, start time), claimed by inserting its row before anything is sent, so a second run,
or a second process at the same moment, sends nothing twice. A failed message is tried again
on a later run, up to MAX_ATTEMPTS; a bounced one never. Moving an appointment changes its
start, so the new time gets its own reminder.

No request waits on this: pages enqueue the confirmation (`acuback.reminders.tasks`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import smtplib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.models import CLINICAL_ROLES, STAFF_ROLES, Role, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.patients.models import Patient
from acuback.reminders import ics, sms, texts
from acuback.reminders.models import (
    CalendarFeed,
    Channel,
    ContactPreference,
    Message,
    MessageKind,
    MessageStatus,
)
from acuback.scheduling.models import Appointment, ClinicSchedule, Status
from acuback.sqlrows import fetch, table

MAX_ATTEMPTS = 3
DEFAULT_HOURS = ClinicSchedule._meta.get_field("reminder_hours").default


@dataclass
class SendCount:
    sent: int = 0
    failed: int = 0

    def add(self, status: str) -> None:
        if status == MessageStatus.SENT:
            self.sent += 1
        elif status in (MessageStatus.FAILED, MessageStatus.BOUNCED):
            self.failed += 1

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "failed": self.failed}


def portal_url() -> str:
    base = str(getattr(settings, "SITE_URL", "http://localhost:8000")).rstrip("/")
    return f"{base}/portal/"


# --- what is due ---------------------------------------------------------------------------


def reminders_due(now: dt.datetime) -> list[Appointment]:
    """Booked appointments starting within their clinic's reminder period from `now`."""
    rules = {s.clinic_id: s for s in ClinicSchedule.objects.all()}
    longest = max([DEFAULT_HOURS, *(s.reminder_hours for s in rules.values())])
    candidates = Appointment.objects.filter(
        status=Status.BOOKED, starts_at__gt=now, starts_at__lte=now + dt.timedelta(hours=longest),
    ).select_related("patient", "practitioner", "clinic").order_by("starts_at", "id")
    due = []
    for a in candidates:
        hours = rules[a.clinic_id].reminder_hours if a.clinic_id in rules else DEFAULT_HOURS
        if a.starts_at <= now + dt.timedelta(hours=hours):
            due.append(a)
    return due


def _channels(appointment: Appointment, rules: ClinicSchedule | None) -> list[tuple[str, str]]:
    """(channel, address) the patient can be reached on and has not opted out of."""
    return _channels_of(appointment.patient, rules)


def _channels_of(patient: Patient, rules: ClinicSchedule | None) -> list[tuple[str, str]]:
    refused = set(ContactPreference.objects.filter(
        patient_id=patient.pk, opted_out=True).values_list("channel", flat=True))
    wanted = []
    if (rules is None or rules.email_reminders) and patient.email and Channel.EMAIL not in refused:
        wanted.append((Channel.EMAIL.value, patient.email))
    if (rules is None or rules.sms_reminders) and patient.phone and Channel.SMS not in refused:
        wanted.append((Channel.SMS.value, patient.phone))
    return wanted


def reminders_send_due(*, now: dt.datetime | None = None) -> SendCount:
    """Send every reminder due at `now` that was not sent before; count what happened."""
    now = now or timezone.now()
    rules = {s.clinic_id: s for s in ClinicSchedule.objects.all()}
    count = SendCount()
    with _Mailer() as mailer:
        for appointment in reminders_due(now):
            questionnaires = _questionnaires_due(appointment.patient)
            text = texts.reminder(appointment, portal_url(), questionnaires)
            for channel, address in _channels(appointment, rules.get(appointment.clinic_id)):
                key = f"reminder:{appointment.pk}:{channel}:{appointment.starts_at.isoformat()}"
                message = _claim(appointment, MessageKind.REMINDER, channel, address, key, text)
                if message is not None:
                    count.add(_deliver(message, appointment, mailer))
    return count


def _questionnaires_due(patient: Patient) -> bool:
    """Whether the patient has questionnaires waiting (the reminder then links to them)."""
    try:
        from acuback.portal.selectors import has_due_questionnaires
    except ImportError:  # the portal app is optional to the reminders
        return False
    return has_due_questionnaires(patient)


def confirmation_send(appointment_id: int) -> SendCount:
    """Confirm a booking by email with the .ics attached (once per booking and start time)."""
    count = SendCount()
    appointment = Appointment.objects.select_related("patient", "practitioner", "clinic").filter(
        pk=appointment_id, status=Status.BOOKED).first()
    if appointment is None or not appointment.patient.email:
        return count
    channels = _channels(appointment, ClinicSchedule.objects.filter(
        clinic_id=appointment.clinic_id).first())
    if not any(c == Channel.EMAIL for c, _ in channels):
        return count
    text = texts.confirmation(appointment, portal_url())
    key = f"confirmation:{appointment.pk}:email:{appointment.starts_at.isoformat()}"
    message = _claim(appointment, MessageKind.CONFIRMATION, Channel.EMAIL,
                     appointment.patient.email, key, text)
    if message is not None:
        with _Mailer() as mailer:
            count.add(_deliver(message, appointment, mailer))
    return count


# --- the waitlist -------------------------------------------------------------------------

OFFERS_AT_ONCE = 3  # the first waiting patients the time fits, in the order they joined


def waitlist_offers_send(freed_id: int, starts_at: dt.datetime,
                         practitioner_id: int | None = None) -> SendCount:
    """Offer a freed time (appointment `freed_id` cancelled, or moved away from `starts_at`
    and, when `practitioner_id` is given, from that practitioner) to the first patients
    waiting whom it fits, in order, on each channel they accept. Each offer is recorded once
    (per entry, time and channel); nothing is sent when the time is taken again or already
    past."""
    from acuback.accounts.models import User
    from acuback.scheduling.selectors import fitting_entries

    count = SendCount()
    freed = Appointment.objects.select_related("practitioner", "clinic", "appointment_type").filter(
        pk=freed_id).first()
    if freed is None or starts_at <= timezone.now():
        return count
    if practitioner_id is not None and practitioner_id != freed.practitioner_id:
        # Moved to someone else: the time that came free is the first practitioner's, so it
        # is matched, checked and offered as theirs (the row only read, never saved).
        freed.practitioner = User.objects.get(pk=practitioner_id)
    ends_at = starts_at + (freed.ends_at - freed.starts_at)
    if _taken_again(freed, starts_at, ends_at):
        return count
    rules = ClinicSchedule.objects.filter(clinic_id=freed.clinic_id).first()
    day = starts_at.astimezone(rules.tz if rules else timezone.get_current_timezone()).date()
    with _Mailer() as mailer:
        for entry in fitting_entries(freed, day)[:OFFERS_AT_ONCE]:
            link = _take_url(freed, entry.appointment_type_id, day)
            text = texts.waitlist_offer(freed, entry.patient.given_name, starts_at, link)
            for channel, address in _channels_of(entry.patient, rules):
                key = f"waitlist:{entry.pk}:{channel}:{starts_at.isoformat()}"
                message = _claim(freed, MessageKind.WAITLIST_OFFER, channel, address, key, text,
                                 patient_id=entry.patient_id)
                if message is not None:
                    count.add(_deliver(message, freed, mailer))
    return count


def _taken_again(freed: Appointment, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    from acuback.scheduling.models import HOLDS_TIME

    return Appointment.objects.filter(
        practitioner_id=freed.practitioner_id, status__in=HOLDS_TIME, starts_at__lt=ends_at,
        ends_at__gt=starts_at).exists()


def _take_url(freed: Appointment, appointment_type_id: int, day: dt.date) -> str:
    """The portal's booking page on that week, the freed time among the free ones."""
    return (f"{portal_url()}book/?appointment_type={appointment_type_id}"
            f"&practitioner={freed.practitioner_id}&day={day.isoformat()}")


# --- claiming and delivering ---------------------------------------------------------------


def _claim(appointment: Appointment, kind: str, channel: str, address: str, key: str,
           text: texts.Text, patient_id: int | None = None) -> Message | None:
    """The message to send now, or None when another run has it (sent, bounced, or being
    sent). A failed one is claimed again while it has attempts left."""
    body = text.body if channel == Channel.EMAIL else text.sms
    try:
        with transaction.atomic():
            return Message.objects.create(
                clinic_id=appointment.clinic_id,
                patient_id=patient_id or appointment.patient_id,
                appointment=appointment, channel=channel, kind=kind, key=key, to=address,
                subject=text.subject if channel == Channel.EMAIL else "", body=body,
                status=MessageStatus.SENDING, attempts=1)
    except IntegrityError:
        pass
    claimed = Message.objects.filter(key=key, status=MessageStatus.FAILED,
                                     attempts__lt=MAX_ATTEMPTS).update(
        status=MessageStatus.SENDING, attempts=F("attempts") + 1, to=address, body=body)
    return Message.objects.get(key=key) if claimed else None


class _Mailer:
    """One connection to the mail server for a whole run, opened at the first email.

    If the server cannot be reached or refuses the login, the run does not try again for each
    message (a wrong password would otherwise be tried once per reminder, which can get the
    clinic's mailbox locked): every email of the run is recorded failed with that error and is
    tried again on a later run, as any failed message is."""

    def __init__(self) -> None:
        self.connection: Any = None
        self.refused: Exception | None = None

    def __enter__(self) -> _Mailer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except (smtplib.SMTPException, OSError):
                pass  # the messages are recorded already; a failed goodbye changes nothing

    def send(self, email: EmailMessage) -> None:
        if self.refused is not None:
            raise self.refused
        if self.connection is None:
            connection = get_connection()
            try:
                connection.open()
            except (smtplib.SMTPException, OSError) as exc:
                self.refused = exc
                connection.close()
                raise
            self.connection = connection
        email.connection = self.connection
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused:
            raise  # that address only; the connection goes on
        except (smtplib.SMTPException, OSError):
            self.connection.close()  # a fresh connection for the next message
            self.connection = None
            raise


def _deliver(message: Message, appointment: Appointment, mailer: _Mailer) -> str:
    """Send outside any transaction (the network must never hold the database), record."""
    try:
        provider_id = (_email(message, appointment, mailer) if message.channel == Channel.EMAIL
                       else sms.gateway().send(message.to, message.body))
    except (smtplib.SMTPRecipientsRefused, sms.SmsRejected) as exc:
        status, error, provider_id = MessageStatus.BOUNCED, _describe(exc), ""
    except (smtplib.SMTPException, OSError, sms.SmsError) as exc:
        status, error, provider_id = MessageStatus.FAILED, _describe(exc), ""
    else:
        status, error = MessageStatus.SENT, ""
    Message.objects.filter(pk=message.pk).update(
        status=status, error=error[:500], provider_id=provider_id[:200],
        sent_at=timezone.now() if status == MessageStatus.SENT else None)
    audit_record(actor=None, action=Action.CREATE, object_type="message", object_id=message.pk,
                 outcome=Outcome.OK if status == MessageStatus.SENT else Outcome.FAILED,
                 clinic_id=message.clinic_id,
                 detail={"patient": message.patient_id, "appointment": appointment.pk,
                         "channel": message.channel, "kind": message.kind, "status": status})
    return status


def _email(message: Message, appointment: Appointment, mailer: _Mailer) -> str:
    email = EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL,
                         [message.to])
    if message.kind != MessageKind.WAITLIST_OFFER:  # an offer is someone else's appointment
        email.attach(f"appointment-{appointment.pk}.ics", ics.patient_event(appointment),
                     "text/calendar")
    mailer.send(email)
    return ""


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


def message_mark_bounced(*, message_id: int, reason: str) -> Message:
    """A bounce reported later (a delivery-status notice, a gateway's callback)."""
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        raise NotFound("message not found")
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(status=MessageStatus.BOUNCED,
                                                     error=reason[:500])
        audit_record(actor=None, action=Action.UPDATE, object_type="message",
                     object_id=message.pk, outcome=Outcome.OK, clinic_id=message.clinic_id,
                     detail={"status": MessageStatus.BOUNCED})
    message.refresh_from_db()
    return message


# --- opting out ----------------------------------------------------------------------------


def preference_set(*, actor: User, patient: Patient, channel: str,
                   opted_out: bool) -> ContactPreference:
    """Opt a patient out of (or back into) a channel: staff of the clinic, or the patient."""
    membership = membership_of(actor)
    same_clinic = membership is not None and membership.clinic_id == patient.clinic_id
    allowed = same_clinic and membership is not None and (
        membership.role in STAFF_ROLES
        or (membership.role == Role.PATIENT and patient.user_id == actor.pk))
    if not allowed:
        audit_record(actor=actor, action=Action.UPDATE, object_type="contact_preference",
                     object_id=patient.pk,
                     outcome=Outcome.DENIED if same_clinic else Outcome.NOT_FOUND)
        raise Forbidden("may not change this patient's messages") if same_clinic else NotFound()
    if channel not in Channel.values:
        from acuback.errors import InputError

        raise InputError({"channel": [f"Choose one of: {', '.join(Channel.values)}."]})
    with transaction.atomic():
        preference, _ = ContactPreference.objects.update_or_create(
            patient=patient, channel=channel,
            defaults={"opted_out": opted_out, "changed_by": actor})
        audit_record(actor=actor, action=Action.UPDATE, object_type="contact_preference",
                     object_id=patient.pk, outcome=Outcome.OK, clinic_id=patient.clinic_id,
                     detail={"channel": channel, "opted_out": opted_out})
        return preference


def preferences_of(patient: Patient) -> dict[str, bool]:
    """channel -> opted out, for a patient already read through a scoped selector."""
    found = {c: False for c in Channel.values}
    # One hand-written statement: the chart asks on every open.
    for channel, opted_out in fetch(
            f"SELECT channel, opted_out FROM {table(ContactPreference)} "  # noqa: S608
            "WHERE patient_id = %s", [patient.pk]):
        found[channel] = opted_out
    return found


# --- calendar feeds ------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_create(*, actor: User) -> str:
    """A new private feed link secret for a practitioner (shown once, stored hashed)."""
    membership = membership_of(actor)
    if membership is None or membership.role not in CLINICAL_ROLES:
        raise Forbidden("only practitioners have a calendar feed")
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed = CalendarFeed.objects.create(user=actor, prefix=secret[:8], digest=_digest(secret))
        audit_record(actor=actor, action=Action.CREATE, object_type="calendar_feed",
                     object_id=feed.pk, outcome=Outcome.OK, clinic_id=membership.clinic_id)
    return secret


def feed_revoke(*, actor: User, feed_id: int) -> None:
    with transaction.atomic():
        revoked = CalendarFeed.objects.filter(pk=feed_id, user=actor,
                                              revoked_at__isnull=True).update(
            revoked_at=timezone.now())
        audit_record(actor=actor, action=Action.UPDATE, object_type="calendar_feed",
                     object_id=feed_id, outcome=Outcome.OK if revoked else Outcome.NOT_FOUND,
                     detail={"revoked": bool(revoked)})
    if not revoked:
        raise NotFound("feed not found")


def feed_owner(secret: str) -> CalendarFeed | None:
    """The live feed with this secret, or None (unknown or revoked: the same 404)."""
    feed = CalendarFeed.objects.select_related("user__membership").filter(
        digest=_digest(secret), revoked_at__isnull=True, user__is_active=True).first()
    if feed is not None:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed
