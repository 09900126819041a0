from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CohortConfig(AppConfig):
    name = "acuback.cohort"
    label = "cohort"
    verbose_name = "Cohort analytics"

    def ready(self) -> None:
        post_migrate.connect(fill_missing_summaries, sender=self,
                             dispatch_uid="acuback.cohort.fill_missing_summaries")


def fill_missing_summaries(using: str = "default", **_: Any) -> int:
    """After every migrate (`acuback serve`, `acuback manage migrate`, the demo), give each
    episode that has no cohort summary yet its summary, so a database made before the summaries
    existed (or restored from such a backup) is counted by the cohort report at once instead of
    reporting none of its episodes. One query when nothing is missing. Returns how many."""
    from django.db import connections

    from acuback.cohort.models import EpisodeSummary
    from acuback.cohort.summaries import rebuild_summaries, summary_ids

    if EpisodeSummary._meta.db_table not in connections[using].introspection.table_names():
        return 0  # migrated to a point before the summaries
    missing = summary_ids(missing_only=True)
    rebuild_summaries(missing)
    return len(missing)
