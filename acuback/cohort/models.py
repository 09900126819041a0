"""Per-episode summaries of what the cohort report counts, kept current by the write paths.

One `EpisodeSummary` per episode (what the filters split by and the safety counts) and one
`EpisodeMeasure` per episode and scored instrument (its baseline, latest and whether followed
up). They hold no rule of their own: `acuback.cohort.summaries` writes them by running the
report's own queries (`acuback.cohort.engine`) over the episodes it refreshes, so a summary is
what the raw rows give, and `acuback analyze rebuild-summaries --check` compares the two.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from acuback.accounts.models import Clinic
from acuback.episodes.models import Episode
from acuback.patients.models import Patient


class EpisodeSummary(models.Model):
    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, primary_key=True,
                                   related_name="cohort_summary")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    # The patient's practitioner of record (the practitioner filter), copied.
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.DO_NOTHING, db_constraint=False,
                                     related_name="+")
    opened_on = models.DateField()
    days_open = models.IntegerField(help_text="days from the pain's onset to opening")
    startback_band = models.CharField(max_length=20, blank=True,
                                      help_text="band of the first scored STarT Back; "
                                                "empty: not screened")
    plan_estim = models.BooleanField(null=True, help_text="e-stim in the current plan; "
                                                          "NULL: no plan")
    visits = models.IntegerField(default=0, help_text="live visits (entered in error left out)")
    adverse_events = models.IntegerField(default=0)
    serious_adverse_events = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["clinic", "opened_on"]),
                   models.Index(fields=["clinic", "practitioner"])]

    def __str__(self) -> str:
        return f"cohort summary of episode {self.episode_id}"


class EpisodeMeasure(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="+")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    instrument = models.CharField(max_length=20)
    baseline = models.FloatField()
    latest = models.FloatField()
    followed = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["episode", "instrument"],
                                               name="cohort_measure_one_per_instrument")]
        # Every column the cohort report groups a clinic's measures by, in that order: the
        # report reads this index alone (acuback.cohort.stored.cohort_measures).
        indexes = [models.Index(fields=["clinic", "instrument", "baseline", "latest", "followed"],
                                name="cohort_measure_report")]

    def __str__(self) -> str:
        return f"{self.instrument} of episode {self.episode_id}: {self.baseline} -> {self.latest}"
