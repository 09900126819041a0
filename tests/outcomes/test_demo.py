"""The demo's earlier, discharged episodes: follow-ups after discharge, relief that lasted or
faded, pain that came back or not; added once."""

from __future__ import annotations

from django.utils import timezone

from acuback.demo import demo_load
from acuback.episodes.models import Episode, EpisodeStatus
from acuback.outcomes.rows import episode_rows
from acuback.outcomes.selectors import compute
from tests.demo_copy import TODAY


def test_it_gives_some_patients_an_earlier_episode_whose_relief_lasted_or_not(
        demo_db: None, db: None) -> None:
    before = Episode.objects.count()
    demo_load(TODAY)  # a second run adds nothing
    assert Episode.objects.count() == before
    earlier = list(Episode.objects.filter(status=EpisodeStatus.DISCHARGED))
    assert len(earlier) == 10  # places 2, 8, 14, 20, 26 of each clinic's 30 patients
    rows = episode_rows(earlier)
    lasting = {}
    for episode in earlier:
        outcome = compute(episode, rows[episode.pk], timezone.localdate())
        claim = next(r for r in outcome.ledger.results if r.claim.id == "lasting")
        lasting[episode.pk] = (outcome.progress.recurred, claim.verdict.value)
        assert outcome.progress.lasting[0].status == "done"  # 3 months on, answered
    got = sorted(lasting.values(), key=str)
    assert (True, "worse") in got  # pain came back within 12 months
    assert (False, "improved") in got  # relief lasted, no new episode within 12 months
    assert (False, "no_change") in got  # relief faded back to baseline
