"""Billing: the clinic's fee schedule and billing details, each patient's payer, Advance
Beneficiary Notices, direct supervision of a visit, claim lines and payments.

Claim lines are derived from a *signed* visit (never a draft) by `billing.claims`, with the
coverage judgement, the provider check and every code-set and rule version they used. They
are never updated in place: a re-derivation (after a correction amendment, or a fix of what
held a line back) supersedes the old lines with new ones and says why (`trace`). Nothing here
is deleted: a payment or an ABN recorded by mistake is voided, with a reason.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from acuback.accounts.models import Clinic
from acuback.episodes.models import Episode
from acuback.patients.models import Patient
from acuback.visits.models import Amendment, Visit


class KeptRecordError(RuntimeError):
    """A billing record was about to be deleted or a claim line rewritten below the services."""


class _Kept(models.Model):
    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise KeptRecordError(f"a {self._meta.verbose_name} is never deleted; void it instead")


class _Voidable(_Kept):
    """A record entered by mistake is voided, with who, when and why; never deleted."""

    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    void_reason = models.TextField(blank=True)

    class Meta:
        abstract = True


class Payer(models.TextChoices):
    MEDICARE = "medicare", "Medicare"
    OTHER = "other", "Other insurance"
    SELF_PAY = "self_pay", "Self-pay"


class ClinicBilling(models.Model):
    """What the CMS-1500 needs about the clinic (items 25, 32, 33): one row per clinic."""

    clinic = models.OneToOneField(Clinic, on_delete=models.PROTECT, related_name="billing")
    billing_name = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    group_npi = models.CharField("group NPI", max_length=10, blank=True)
    tax_id = models.CharField("federal tax ID (EIN)", max_length=10, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"billing details of {self.clinic}"


class Fee(_Kept):
    """One CPT code's charge per unit from a date on. A new fee is a new row; the charge a
    claim line used is copied onto it, so a later change never alters a past bill."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=10)
    unit_charge = models.DecimalField(max_digits=9, decimal_places=2)
    effective_from = models.DateField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-effective_from", "-id"]
        constraints = [models.UniqueConstraint(fields=["clinic", "code", "effective_from"],
                                               name="one_fee_per_code_and_day")]

    def __str__(self) -> str:
        return f"{self.code} {self.unit_charge} from {self.effective_from}"


class BillingProfile(models.Model):
    """Who pays for a patient's care. Blank payer: not recorded (the app then warns as if
    Medicare might, because unknown is not "no")."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="billing")
    payer = models.CharField(max_length=20, choices=Payer.choices, blank=True)
    member_id = models.CharField("Medicare Beneficiary Identifier or member ID",
                                 max_length=20, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.get_payer_display() or 'payer not recorded'} for patient {self.patient_id}"


class AbnOption(models.TextChoices):
    # Values are those of acuback.clinical.abn.AbnOption (a test keeps them equal).
    BILL_MEDICARE = "bill_medicare", "Option 1: treat, and bill Medicare for a decision"
    DO_NOT_BILL = "do_not_bill", "Option 2: treat, and do not bill Medicare"
    DECLINED = "declined", "Option 3: do not treat"


class Abn(_Voidable):
    """An Advance Beneficiary Notice the patient signed (form CMS-R-131), for a course of
    acupuncture of one episode that Medicare is expected not to pay for."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="abns")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="abns")
    signed_on = models.DateField()
    covers_until = models.DateField(help_text="the end of the course of treatment it names")
    option = models.CharField(max_length=20, choices=AbnOption.choices)
    reason = models.TextField(help_text="why Medicare may not pay, as the notice says")
    estimated_cost = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = "ABN"

    def __str__(self) -> str:
        return f"ABN of {self.signed_on} for episode {self.episode_id}"


class Supervision(_Kept):
    """Direct supervision of one visit by the treating acupuncturist's supervising physician
    (42 CFR 410.32(b)(3)(ii)): who, with the NPI the claim is billed under, as recorded."""

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="supervision")
    supervisor_name = models.CharField(max_length=200)
    supervisor_kind = models.CharField(max_length=30)
    supervisor_npi = models.CharField(max_length=10)
    present = models.BooleanField(help_text="in the office suite and immediately available")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"supervision of visit {self.visit_id} by {self.supervisor_name}"


class ClaimLine(_Kept):
    """One CPT line of a signed visit, as billed. Superseded, never changed."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="claim_lines")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="claim_lines")
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="claim_lines")
    derivation = models.PositiveSmallIntegerField(help_text="1 at signing, then 2, 3, ...")
    position = models.PositiveSmallIntegerField()
    service_date = models.DateField()
    code = models.CharField(max_length=10)
    short = models.CharField(max_length=120)
    units = models.PositiveSmallIntegerField()
    modifier = models.CharField(max_length=2, blank=True)
    modifier_why = models.TextField(blank=True)
    diagnoses = models.JSONField(help_text="ICD-10-CM codes, in claim order")
    unit_charge = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True,
                                      help_text="null: no fee set for this code on this day")
    charge = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    payer = models.CharField(max_length=20, blank=True)
    to_medicare = models.BooleanField(help_text="goes on a Medicare claim")
    billable = models.BooleanField(help_text="false: held back, see hold_reasons")
    hold_reasons = models.JSONField(default=list, blank=True)
    covered = models.BooleanField(help_text="a covered treatment under NCD 30.3.3 (counts "
                                  "toward 12 and 20)")
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    rendering_npi = models.CharField(max_length=10, blank=True)
    incident_to = models.BooleanField(default=False)
    supervisor_name = models.CharField(max_length=200, blank=True)
    coverage = models.JSONField(help_text="the coverage judgement and the improvement "
                                "evidence it rested on")
    provider_check = models.JSONField(help_text="who may bill: the outcome and its reasons")
    versions = models.JSONField(help_text="code sets and rules used")
    visit_version = models.PositiveIntegerField()
    visit_hash = models.CharField(max_length=64)
    derived_at = models.DateTimeField()
    derived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+")
    trace = models.TextField(help_text="why these lines were (re-)derived")
    amendment = models.ForeignKey(Amendment, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    # Set once, together, when later lines (or none: a visit entered in error) replace these.
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_why = models.TextField(blank=True)

    class Meta:
        ordering = ["service_date", "visit_id", "derivation", "position"]
        constraints = [models.UniqueConstraint(fields=["visit", "derivation", "position"],
                                               name="claim_line_once")]
        indexes = [models.Index(fields=["clinic", "service_date"]),
                   models.Index(fields=["patient", "service_date"])]

    def __str__(self) -> str:
        return f"{self.code} x{self.units} {self.modifier} on {self.service_date}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise KeptRecordError("a claim line is never changed; derive the visit's lines "
                                  "again (they supersede these)")
        super().save(*args, **kwargs)



class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CARD = "card", "Card"
    CHECK = "check", "Check"
    TRANSFER = "transfer", "Bank transfer"
    INSURER = "insurer", "Paid by the insurer"


class Payment(_Voidable):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="payments")
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="payments")
    received_on = models.DateField()
    amount = models.DecimalField(max_digits=9, decimal_places=2)
    method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    reference = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["received_on", "id"]
        indexes = [models.Index(fields=["patient", "received_on"])]

    def __str__(self) -> str:
        return f"{self.amount} on {self.received_on}"
