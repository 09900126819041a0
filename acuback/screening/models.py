"""A red-flag screen recorded for an episode, and the referral outcomes recorded after it.

Both are append-only clinical records: a new screen is a new row (the latest one counts), and a
referral outcome is never edited, only followed by a later one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from acuback.accounts.models import Clinic
from acuback.clinical.screening import FLAG_QUESTIONS
from acuback.episodes.models import Episode


class Decision(models.TextChoices):
    # Values are those of acuback.clinical.screening.Decision (a test keeps them equal).
    CLEAR = "clear", "Clear"
    ROUTINE = "routine", "Routine referral"
    URGENT = "urgent", "Urgent referral"
    EMERGENCY = "emergency", "Emergency"


# Decisions after which no treatment may be planned until a physician clears the patient
# (DOMAIN.md Part 1: urgent = "refer before any needling", emergency = "do not treat").
BLOCKING_DECISIONS = frozenset({Decision.URGENT, Decision.EMERGENCY})


class ReferralOutcome(models.TextChoices):
    REFERRED_EMERGENCY = "referred_emergency", "Sent for emergency assessment"
    REFERRED_GP_URGENT = "referred_gp_urgent", "Referred to their doctor urgently"
    CLEARED_BY_PHYSICIAN = (
        "cleared_by_physician",
        "Cleared by a physician: serious cause ruled out, acupuncture may go ahead",
    )
    PATIENT_DECLINED = "patient_declined", "Patient declined the referral"


# Referral outcomes that mean the patient has left our care for assessment elsewhere: the
# episode is marked "referred out" (and set back to active when a physician clears them).
REFERRED_OUT_OUTCOMES = frozenset(
    {ReferralOutcome.REFERRED_EMERGENCY, ReferralOutcome.REFERRED_GP_URGENT}
)


class Screening(models.Model):
    # clinic stored again (it is the episode's) so every scoped query is one index away.
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="screenings")
    screened_on = models.DateField()
    age = models.PositiveSmallIntegerField(help_text="age in years on the screening date")
    answers = models.JSONField(
        help_text="every red-flag question: flag id -> yes (true) / no (false) / not asked "
        "(null or missing: only a screen imported from elsewhere leaves a question not asked)")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    fired = models.JSONField(
        default=list, help_text="[{flag, category, why, level}], most serious first"
    )
    action = models.TextField()
    nonspecific = models.BooleanField(
        help_text="false when a flag pointing to a specific cause fired (coverage reads this)"
    )
    rules_version = models.CharField(max_length=40)
    rest_marked_no = models.JSONField(
        default=list, blank=True, help_text="the flags answered no by the one control \"no to "
        "every question still blank\", not one by one (issue 7)",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["episode", "-recorded_at"])]

    def __str__(self) -> str:
        return f"red-flag screen {self.screened_on}: {self.decision}"

    @property
    def blocks_treatment(self) -> bool:
        return self.decision in BLOCKING_DECISIONS

    @property
    def not_asked(self) -> list[str]:
        """The questions this screen did not ask (an imported screen may leave some; a question
        added to the rules after the screen counts too). Not asked is never no."""
        return [str(flag) for flag in FLAG_QUESTIONS
                if not isinstance(self.answers.get(str(flag)), bool)]

    @property
    def not_asked_words(self) -> list[str]:
        return [flag.replace("_", " ") for flag in self.not_asked]

    @property
    def fired_flags(self) -> list[str]:
        return [f["flag"] for f in self.fired]

    @property
    def fired_words(self) -> list[str]:
        """The flags that fired, readable: "saddle anaesthesia", "iv drug use"."""
        return [flag.replace("_", " ") for flag in self.fired_flags]


class Referral(models.Model):
    """What happened after a positive screen. Only `cleared_by_physician` unblocks planning."""

    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="referrals")
    outcome = models.CharField(max_length=30, choices=ReferralOutcome.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"referral outcome {self.outcome}"

    @property
    def clears(self) -> bool:
        return self.outcome == ReferralOutcome.CLEARED_BY_PHYSICIAN
