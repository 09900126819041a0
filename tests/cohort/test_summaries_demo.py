"""The demo, built through the services (plus its own back-dated opening days), leaves every
episode's cohort summary equal to what its raw rows give."""

from __future__ import annotations

import pytest

from acuback.cohort.models import EpisodeMeasure, EpisodeSummary
from acuback.cohort.summaries import check_summaries, summary_ids

pytestmark = pytest.mark.django_db


def test_every_demo_episode_has_a_current_summary(demo_db: None) -> None:
    ids = summary_ids()
    assert ids and summary_ids(missing_only=True) == []
    assert check_summaries(ids) == []
    assert EpisodeSummary.objects.filter(visits__gt=0).exists()
    assert EpisodeMeasure.objects.filter(followed=True).exists()
