"""Per-episode summaries of what the cohort report counts, kept current by the write paths.

One `EpisodeSummary` per episode (what the filters split by and the safety counts) and one
`EpisodeMeasure` per episode and scored instrument (its baseline, latest and whether followed
up, with its episode's filter columns again, so that a filtered report reads its measures from
one table through one index). They hold no rule of their own: `acuback.cohort.summaries` writes
them by running the report's own queries (`acuback.cohort.engine`) over the episodes it
refreshes, so a summary is what the raw rows give, and `acuback analyze rebuild-summaries
--check` compares the two.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from acuback.accounts.models import Clinic
from acuback.episodes.models import Episode
from acuback.patients.models import Patient


class Dimensions(models.Model):
    """What the report's filters split by, on both tables, so that a filtered report reads its
    measures from one table (`acuback.cohort.stored`): named as the engine's annotations."""

    # The patient's practitioner of record (the practitioner filter), copied. Not indexed on
    # its own: the summaries' (clinic, practitioner) and the measures' report index cover it.
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.DO_NOTHING, db_constraint=False,
                                     db_index=False, related_name="+")
    opened_on = models.DateField()
    days_open = models.IntegerField(help_text="days from the pain's onset to opening")
    startback_band = models.CharField(max_length=20, blank=True,
                                      help_text="band of the first scored STarT Back; "
                                                "empty: not screened")
    plan_estim = models.BooleanField(null=True, help_text="e-stim in the current plan; "
                                                          "NULL: no plan")

    class Meta:
        abstract = True


DIMENSIONS = ("practitioner_id", "opened_on", "days_open", "startback_band", "plan_estim")


class EpisodeSummary(Dimensions):
    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, primary_key=True,
                                   related_name="cohort_summary")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    visits = models.IntegerField(default=0, help_text="live visits (entered in error left out)")
    adverse_events = models.IntegerField(default=0)
    serious_adverse_events = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["clinic", "opened_on"]),
                   models.Index(fields=["clinic", "practitioner"])]

    def __str__(self) -> str:
        return f"cohort summary of episode {self.episode_id}"


class EpisodeMeasure(Dimensions):
    """One episode's pair on one instrument, with its episode's dimensions (copied from the
    same computation as its summary's, by the same refresh and the same bulk step)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="+")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    instrument = models.CharField(max_length=20)
    baseline = models.FloatField()
    latest = models.FloatField()
    followed = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["episode", "instrument"],
                                               name="cohort_measure_one_per_instrument")]
        # Every column the cohort report groups a clinic's measures by, in that order, then
        # every column it filters them by: the report, filtered or not, reads this index alone
        # in its order (acuback.cohort.stored.cohort_measures), testing the filters on its
        # entries, and groups without sorting.
        indexes = [models.Index(fields=["clinic", "instrument", "baseline", "latest", "followed",
                                        "opened_on", "days_open", "startback_band",
                                        "plan_estim", "practitioner"],
                                name="cohort_measure_report")]

    def __str__(self) -> str:
        return f"{self.instrument} of episode {self.episode_id}: {self.baseline} -> {self.latest}"
