"""The visit: the needling record of one treatment, shaped by STRICTA 2010 (MacPherson et al.,
PLoS Med 2010;7:e1000261: points, depth, response sought, stimulation, retention, needle type,
co-interventions), with needle accounting, painkiller use, mobility, a pain drawing, CPT units,
and its signature.

A visit is a draft until its practitioner signs it. Signing stores a SHA-256 of its content and
locks it: the services refuse every later write, and `save()` refuses to update a signed row,
so a slip in later code fails loudly. A signed visit is corrected by `Amendment` rows that
point at it (addendum, late entry, correction, entered in error), never by changing the row.
Nothing clinical is deleted: `delete()` refuses.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from acuback.accounts.models import Clinic
from acuback.clinical.needles import MismatchReason
from acuback.episodes.models import Episode
from acuback.plans.models import Plan


class LockedRecordError(RuntimeError):
    """A write reached a signed visit (or an amendment) below the services."""


class VisitStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class StartedFrom(models.TextChoices):
    PLAN = "plan", "The episode's plan"
    LAST_VISIT = "last_visit", "The last visit (same as last time)"
    COMBINATION = "combination", "A saved point combination"
    BLANK = "blank", "Nothing (blank)"


class Adjunct(models.TextChoices):
    # STRICTA 4a: other components of treatment.
    MOXIBUSTION = "moxibustion", "Moxibustion"
    CUPPING = "cupping", "Cupping"
    HEAT = "heat", "Heat lamp or heat pack"
    EXERCISE = "exercise", "Exercise"
    ADVICE = "advice", "Advice"


class NeedleMismatch(models.TextChoices):
    # Values are those of acuback.clinical.needles.MismatchReason (a test keeps them equal).
    FOUND_OUTSIDE = MismatchReason.FOUND_OUTSIDE.value, "Found outside the patient"
    INSERTION_MISCOUNTED = MismatchReason.INSERTION_MISCOUNTED.value, "Insertion miscounted"
    NEEDLE_SHOCK = MismatchReason.NEEDLE_SHOCK.value, "Needle shock: removed in a hurry"
    BROKEN = MismatchReason.BROKEN.value, "A needle broke"
    NOT_FOUND = MismatchReason.NOT_FOUND.value, "Missing, not found"
    OTHER = MismatchReason.OTHER.value, "Other"


class _Guarded(models.Model):
    """Clinical rows are never deleted through the ORM."""

    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise LockedRecordError(f"a {self._meta.verbose_name} is never deleted; mark it "
                                "entered in error instead")


class PointCombination(models.Model):
    """A saved set of points a practitioner (or the whole clinic) starts visits from."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="empty: shared by the whole clinic",
    )
    name = models.CharField(max_length=100)
    points = models.JSONField(help_text='[{"code": "BL23", "side": "bilateral"}, ...]')
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Visit(_Guarded):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="visits")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits"
    )
    number = models.PositiveSmallIntegerField(help_text="1 for the episode's first visit, ...")
    status = models.CharField(max_length=10, choices=VisitStatus.choices,
                              default=VisitStatus.DRAFT)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    room = models.CharField(max_length=40, blank=True)
    started_from = models.CharField(max_length=20, choices=StartedFrom.choices)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    combination = models.ForeignKey(PointCombination, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    # Pain NRS 0-10 (the `nrs` instrument's scale); null = not asked.
    pain_before = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True)
    # STRICTA 2f: retention. The timer runs from retention_started_at for retention_minutes.
    retention_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    retention_started_at = models.DateTimeField(null=True, blank=True)
    # Personal one-on-one time, not retention: what the CPT units are counted from.
    minutes_without_estim = models.PositiveSmallIntegerField(default=0)
    minutes_with_estim = models.PositiveSmallIntegerField(default=0)
    insertions = models.PositiveSmallIntegerField(
        default=1, help_text="how many times needles were inserted (a second set counts again)"
    )
    needles_in = models.PositiveSmallIntegerField(default=0)
    needles_out = models.PositiveSmallIntegerField(default=0)
    needle_mismatch_reason = models.CharField(max_length=30, choices=NeedleMismatch.choices,
                                              blank=True)
    needle_mismatch_note = models.TextField(blank=True)
    adjuncts = models.JSONField(default=list, blank=True)
    adjunct_note = models.TextField(blank=True)
    subjective = models.TextField(blank=True)
    objective = models.TextField(blank=True)
    assessment = models.TextField(blank=True)
    plan_note = models.TextField("plan (SOAP)", blank=True)
    next_visit = models.TextField("next-visit plan", blank=True)
    # Objective mobility, when measured (null = not measured).
    finger_floor_cm = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    schober_cm = models.DecimalField("modified Schober (cm)", max_digits=3, decimal_places=1,
                                     null=True, blank=True)
    slr_left_deg = models.PositiveSmallIntegerField(null=True, blank=True)
    slr_right_deg = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_regions = models.JSONField(default=list, blank=True)
    pain_outline_version = models.CharField(max_length=30, blank=True)
    # Painkillers in the last week: null = not asked, false = none, true = listed below.
    painkillers_taken = models.BooleanField(null=True, blank=True)
    cpt = models.JSONField(default=dict, blank=True, help_text="the core's CptUnits.to_dict()")
    cpt_rule_version = models.CharField(max_length=40, blank=True)
    version = models.PositiveIntegerField(default=1)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    content_hash = models.CharField(max_length=64, blank=True)
    external_id = models.CharField(
        max_length=100, blank=True,
        help_text="the id another system gave the visit, when imported: importing it again "
                  "updates this draft (or is refused once it is signed), never duplicates it")
    # A visit imported from another system (FHIR): when, and for a signed one what the source
    # signed (its own SHA-256, which cannot be checked here: it covers the source's ids) and,
    # when no clinician of this clinic has the signer's NPI, who signed it there.
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_hash = models.CharField(max_length=64, blank=True, db_default="")
    imported_signer = models.CharField(max_length=200, blank=True, db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "number"], name="visit_number_per_episode"),
            models.UniqueConstraint(fields=["clinic", "external_id"],
                                    condition=~models.Q(external_id=""),
                                    name="visit_external_id_per_clinic"),
        ]
        indexes = [
            models.Index(fields=["clinic", "practitioner", "status"]),
            models.Index(fields=["episode", "started_at"]),
        ]

    def __str__(self) -> str:
        return f"visit {self.number} of episode {self.episode_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and Visit.objects.filter(
                pk=self.pk, status=VisitStatus.SIGNED).exists():
            raise LockedRecordError("a signed visit is never changed; add an amendment")
        super().save(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.status == VisitStatus.SIGNED

    @property
    def planned_needles(self) -> int:
        return sum(p.needles for p in self.points.all())


class Stimulation(models.TextChoices):
    MANUAL = "manual", "Manual"
    ELECTRICAL = "electrical", "Electrical"
    NONE = "none", "None (inserted and left)"


class NeedleAngle(models.TextChoices):
    PERPENDICULAR = "perpendicular", "Perpendicular"
    OBLIQUE = "oblique", "Oblique"
    TRANSVERSE = "transverse", "Transverse"


class VisitPoint(_Guarded):
    """One point needled at a visit (STRICTA 2b-2g). `code` is empty for an Ashi point, which
    has a free `ashi_location` instead."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="points")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=12, blank=True)
    ashi_location = models.CharField(max_length=120, blank=True)
    side = models.CharField(max_length=10)  # acuback.plans.models.PointSide values
    depth_mm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    angle = models.CharField(max_length=20, choices=NeedleAngle.choices, blank=True)
    gauge_mm = models.DecimalField("needle diameter (mm)", max_digits=4, decimal_places=2,
                                   null=True, blank=True)
    length_mm = models.PositiveSmallIntegerField("needle length (mm)", null=True, blank=True)
    manufacturer = models.CharField(max_length=80, blank=True)
    lot = models.CharField(max_length=60, blank=True, db_index=True)
    stimulation = models.CharField(max_length=12, choices=Stimulation.choices,
                                   default=Stimulation.MANUAL)
    estim_hz = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    estim_ma = models.DecimalField("e-stim intensity (mA)", max_digits=4, decimal_places=1,
                                   null=True, blank=True)
    electrode_pair = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="points with the same number share a lead pair")
    de_qi = models.BooleanField("de qi obtained", null=True, blank=True)
    override_reason = models.TextField(blank=True)
    excluded_why = models.TextField(blank=True)

    class Meta:
        ordering = ["visit", "position"]

    def __str__(self) -> str:
        return f"{self.label} ({self.side})"

    @property
    def label(self) -> str:
        return self.code or f"Ashi: {self.ashi_location}"

    @property
    def needles(self) -> int:
        return 2 if self.side == "bilateral" else 1


class PainkillerUse(_Guarded):
    """One analgesic as the patient took it in the last week, at intake (no visit) or at a
    visit, with the MME/day derived by the core and the versions it used."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="painkillers")
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="painkillers")
    drug = models.CharField(max_length=40)
    name = models.CharField(max_length=100)
    drug_class = models.CharField(max_length=20)
    dose = models.DecimalField(max_digits=8, decimal_places=2)
    unit = models.CharField(max_length=10)
    times_a_day = models.PositiveSmallIntegerField()
    days_last_week = models.PositiveSmallIntegerField()
    mme_per_day = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    list_version = models.CharField(max_length=40)
    mme_table_version = models.CharField(max_length=40)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()
    in_error_reason = models.TextField(blank=True)
    in_error_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    in_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["episode", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.name} {self.dose:g} {self.unit} x{self.times_a_day}"


class AmendmentKind(models.TextChoices):
    ADDENDUM = "addendum", "Addendum"
    LATE_ENTRY = "late_entry", "Late entry"
    CORRECTION = "correction", "Correction"
    ENTERED_IN_ERROR = "entered_in_error", "Entered in error"


class Amendment(_Guarded):
    """A labelled, dated, authored change after signing that keeps the original (CMS Program
    Integrity Manual ch. 3, 3.3.2.5). Never edited: `save()` refuses an update."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="amendments")
    kind = models.CharField(max_length=20, choices=AmendmentKind.choices)
    section = models.CharField(max_length=30, blank=True,
                               help_text="the part of the visit a correction replaces")
    text = models.TextField(blank=True)
    reason = models.TextField()
    refers_to = models.DateTimeField(null=True, blank=True,
                                     help_text="for a late entry: when it happened")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to visit {self.visit_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise LockedRecordError("an amendment is never changed; add another one")
        super().save(*args, **kwargs)


class AdverseEventType(models.TextChoices):
    BLEEDING = "bleeding", "Bleeding or bruising"
    NEEDLING_PAIN = "needling_pain", "Pain at needling"
    SORENESS = "soreness", "Soreness after treatment"
    AGGRAVATION = "aggravation", "Symptoms worse"
    DIZZINESS = "dizziness", "Dizziness or fainting"
    NAUSEA = "nausea", "Nausea"
    DROWSINESS = "drowsiness", "Drowsiness or tiredness"
    RETAINED_NEEDLE = "retained_needle", "Retained needle"
    FORGOTTEN_PATIENT = "forgotten_patient", "Forgotten patient"
    INFECTION = "infection", "Infection"
    BURN = "burn", "Burn"
    PNEUMOTHORAX = "pneumothorax", "Pneumothorax"
    NERVE_INJURY = "nerve_injury", "Nerve injury"
    OTHER = "other", "Other"


class Severity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class Causality(models.TextChoices):
    # The WHO-UMC causality categories, from least to most likely.
    UNRELATED = "unrelated", "Unrelated"
    UNLIKELY = "unlikely", "Unlikely"
    POSSIBLE = "possible", "Possible"
    PROBABLE = "probable", "Probable"
    CERTAIN = "certain", "Certain"


class AeOutcome(models.TextChoices):
    # FHIR R4 adverse-event-outcome codes.
    RESOLVED = "resolved", "Resolved"
    RECOVERING = "recovering", "Recovering"
    ONGOING = "ongoing", "Ongoing"
    RESOLVED_WITH_SEQUELAE = "resolvedWithSequelae", "Resolved with lasting effects"
    FATAL = "fatal", "Fatal"
    UNKNOWN = "unknown", "Unknown"


class Reporter(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    PATIENT = "patient", "Patient"


class AdverseEvent(_Guarded):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="adverse_events")
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="adverse_events")
    kind = models.CharField(max_length=30, choices=AdverseEventType.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    serious = models.BooleanField()
    causality = models.CharField(max_length=12, choices=Causality.choices)
    onset_at = models.DateTimeField()
    action = models.TextField(blank=True)
    outcome = models.CharField(max_length=30, choices=AeOutcome.choices,
                               default=AeOutcome.UNKNOWN)
    reporter = models.CharField(max_length=20, choices=Reporter.choices)
    description = models.TextField(blank=True)
    # Links by value, so that rewriting a draft's point rows cannot cut them.
    points = models.JSONField(default=list, blank=True, help_text="labels of the visit's "
                              "points involved: BL23, or Ashi: <location>")
    lots = models.JSONField(default=list, blank=True, help_text="needle lots involved")
    from_needle_count = models.BooleanField(
        default=False, help_text="filed when a visit was signed with needles unaccounted for")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    in_error_reason = models.TextField(blank=True)
    in_error_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    in_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-onset_at", "-id"]
        indexes = [models.Index(fields=["clinic", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at visit {self.visit_id}"
