"""The calendar: a clinic's scheduling rules, rooms, appointment types, practitioners' working
hours, appointments (single or a course booked from a plan), and the waitlist.

Appointments are stored as UTC instants and shown in the clinic's time zone; every rule about
wall-clock times and daylight-saving changes is in `acuback.clinical.calendar`. An appointment
is not clinical content: front desk books and sees them (type, time, who), never the chart.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models

from acuback.accounts.models import Clinic
from acuback.clinical import calendar
from acuback.episodes.models import Episode
from acuback.patients.models import Patient
from acuback.plans.models import Plan
from acuback.visits.models import Visit


class ClinicSchedule(models.Model):
    """One clinic's scheduling rules. A clinic without a row uses the defaults."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="schedule")
    time_zone = models.CharField(max_length=60, default="", blank=True,
                                 help_text="IANA name, e.g. America/Los_Angeles; empty: "
                                 "ACUBACK_TIME_ZONE")
    slot_minutes = models.PositiveSmallIntegerField(default=15)
    late_cancel_hours = models.PositiveSmallIntegerField(
        default=24, help_text="a cancellation closer to the start than this is a late cancel")
    no_show_fee = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0"))
    late_cancel_fee = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0"))
    fee_policy = models.TextField(blank=True, help_text="the policy as patients are told it")
    reminder_hours = models.PositiveSmallIntegerField(
        default=24, help_text="send reminders this many hours before the appointment")
    email_reminders = models.BooleanField(default=True)
    sms_reminders = models.BooleanField(default=True)
    portal_requests = models.BooleanField(
        default=True, help_text="patients may ask for appointments in the portal")
    requests_need_approval = models.BooleanField(
        default=True, help_text="a portal request waits for the clinic to confirm it")
    portal_cancel_hours = models.PositiveSmallIntegerField(
        default=24, help_text="patients may cancel in the portal up to this many hours before")
    portal_book_days = models.PositiveSmallIntegerField(
        default=60, help_text="how far ahead patients may ask for a time")

    def __str__(self) -> str:
        return f"scheduling rules of {self.clinic}"

    @property
    def tz(self) -> calendar.ZoneInfo:
        return calendar.zone(self.time_zone or settings.TIME_ZONE)


class Room(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=60)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["clinic", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["clinic", "name"], name="room_name_once")]

    def __str__(self) -> str:
        return self.name


class AppointmentKind(models.TextChoices):
    INITIAL = "initial", "Initial"
    FOLLOW_UP = "follow_up", "Follow-up"
    OTHER = "other", "Other"


class AppointmentType(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="appointment_types")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=AppointmentKind.choices)
    minutes = models.PositiveSmallIntegerField()
    bookable_online = models.BooleanField(default=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["clinic", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="appointment_type_name_once"),
            models.CheckConstraint(name="appointment_type_minutes",
                                   condition=models.Q(minutes__gte=5, minutes__lte=480)),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.minutes} min)"


class WorkingHours(models.Model):
    """One shift of a practitioner on a weekday, as wall-clock times in the clinic's zone."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(help_text="0 Monday ... 6 Sunday")
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["practitioner", "weekday", "start"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(name="working_hours_order",
                                   condition=models.Q(end__gt=models.F("start"))),
            models.CheckConstraint(name="working_hours_weekday",
                                   condition=models.Q(weekday__lte=6)),
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} weekday {self.weekday} {self.start:%H:%M}-{self.end:%H:%M}"

    def shift(self) -> calendar.Shift:
        return calendar.Shift(self.weekday, self.start, self.end)


class Status(models.TextChoices):
    REQUESTED = "requested", "Requested"
    BOOKED = "booked", "Booked"
    ARRIVED = "arrived", "Arrived"
    IN_TREATMENT = "in_treatment", "In treatment"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"
    CANCELLED = "cancelled", "Cancelled"
    LATE_CANCEL = "late_cancel", "Late cancel"


# An appointment in one of these holds its practitioner, room and patient for its time.
HOLDS_TIME = (Status.REQUESTED, Status.BOOKED, Status.ARRIVED, Status.IN_TREATMENT,
              Status.COMPLETED)
# Front desk and practitioners move an appointment along these steps (and back one step,
# for a tap on the wrong row). Cancelling has its own service: it decides cancel or late cancel.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REQUESTED: frozenset({Status.BOOKED}),
    Status.BOOKED: frozenset({Status.ARRIVED, Status.NO_SHOW}),
    Status.ARRIVED: frozenset({Status.IN_TREATMENT, Status.BOOKED}),
    Status.IN_TREATMENT: frozenset({Status.COMPLETED, Status.ARRIVED}),
    Status.COMPLETED: frozenset({Status.IN_TREATMENT}),
    Status.NO_SHOW: frozenset({Status.BOOKED}),
    Status.CANCELLED: frozenset(),
    Status.LATE_CANCEL: frozenset(),
}
MOVABLE = (Status.REQUESTED, Status.BOOKED)
CANCELLABLE = (Status.REQUESTED, Status.BOOKED, Status.ARRIVED)


class Source(models.TextChoices):
    STAFF = "staff", "Booked by the clinic"
    PORTAL = "portal", "Asked for in the portal"


class AppointmentSeries(models.Model):
    """A course booked in one step (usually from a plan's sessions x frequency)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="series")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "appointment series"

    def __str__(self) -> str:
        return f"course #{self.pk} of {self.patient}"


class Appointment(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="appointments")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="appointments")
    appointment_type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT,
                                         related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="appointments")
    series = models.ForeignKey(AppointmentSeries, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="appointments")
    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="appointment",
                                 help_text="the visit charted for this appointment")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.STAFF)
    note = models.CharField(max_length=300, blank=True,
                            help_text="for the front desk; never clinical content")
    cancel_reason = models.CharField(max_length=300, blank=True)
    cancelled_by_clinic = models.BooleanField(default=False)
    fee_due = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True,
                                  help_text="the clinic's fee for a no-show or late cancel, "
                                  "as its policy was when it happened")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["clinic", "starts_at"]),
            models.Index(fields=["practitioner", "starts_at"]),
            models.Index(fields=["room", "starts_at"]),
            models.Index(fields=["patient", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(name="appointment_order",
                                   condition=models.Q(ends_at__gt=models.F("starts_at"))),
        ]

    def __str__(self) -> str:
        return f"{self.appointment_type.name} for {self.patient} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at) / dt.timedelta(minutes=1))

    @property
    def holds_time(self) -> bool:
        return self.status in HOLDS_TIME


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    BOOKED = "booked", "Booked"
    REMOVED = "removed", "Removed"


class WaitlistEntry(models.Model):
    """A patient who would take an earlier time, first come first offered."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="waitlist")
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     help_text="empty: any practitioner")
    appointment_type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT,
                                         related_name="+")
    earliest = models.DateField(null=True, blank=True)
    latest = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=WaitlistStatus.choices,
                              default=WaitlistStatus.WAITING)
    booked = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", help_text="the appointment it turned into")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"

    def __str__(self) -> str:
        return f"{self.patient} waiting for {self.appointment_type.name}"
