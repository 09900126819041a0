"""Messages to patients (appointment reminders and confirmations), who opted out of which
channel, and practitioners' private calendar feeds.

Every message is recorded, whatever became of it: sent, failed (it may be tried again), or
bounced (the address refused it; never tried again). A message's `key` is unique, so that
sending what is due twice sends nothing twice, whichever process gets there first.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from acuback.accounts.models import Clinic
from acuback.patients.models import Patient
from acuback.scheduling.models import Appointment


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class MessageKind(models.TextChoices):
    REMINDER = "reminder", "Appointment reminder"
    CONFIRMATION = "confirmation", "Booking confirmation"
    WAITLIST_OFFER = "waitlist_offer", "Earlier time offered (waitlist)"


class MessageStatus(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    BOUNCED = "bounced", "Bounced"


class Message(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="messages")
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="messages")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    key = models.CharField(max_length=120, unique=True,
                           help_text="what makes it this message: never sent twice")
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=MessageStatus.choices,
                              default=MessageStatus.SENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["clinic", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.channel} to {self.to} ({self.status})"


class ContactPreference(models.Model):
    """A patient's wish not to get messages on a channel. No row: messages are welcome."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="preferences")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    opted_out = models.BooleanField(default=True)
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["patient", "channel"],
                                               name="one_preference_per_channel")]

    def __str__(self) -> str:
        return f"{self.patient} {'opted out of' if self.opted_out else 'accepts'} {self.channel}"


class CalendarFeed(models.Model):
    """A practitioner's private ICS feed. Only a SHA-256 of the link's secret is stored; a
    revoked feed answers 404."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="calendar_feeds")
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar feed {self.prefix}… of {self.user}"
