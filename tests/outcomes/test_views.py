"""The progress panel on the episode page, the outcome page and the claims ledger page."""

from __future__ import annotations

import base64
import re

import pytest
from django.db import connection
from django.test import Client

from acuback.audit.models import AuditEntry
from tests.outcomes.factories import ibuprofen, measure, responder, visit_on
from tests.personas import World, make_episode


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def test_it_shows_progress_with_baseline_latest_change_and_goals(world: World, client_for) -> None:  # noqa: ANN001
    episode = responder(world)
    html = page(client_for("practitioner"), f"/episodes/{episode.pk}/")
    assert 'data-testid="episode-progress"' in html
    odi = re.search(r'data-measure="odi">(.*?)</tr>', html, re.S).group(1)  # type: ignore[union-attr]
    # 46 -> 30: 16 points better, 34.8 % of baseline: both methods met.
    assert "46 %" in odi and "30 %" in odi and "16 better (34.8 %)" in odi
    assert "10 pts met; 30 % met" in odi and "improved" in odi
    assert '<polyline class="line"' in odi and '<rect class="band"' in odi
    assert "ODI &lt; 20" in html and "not yet" in html
    assert "Continue the plan" in html
    assert 'data-testid="worse-flag"' not in html


def test_it_flags_the_patient_whose_pain_went_from_5_to_8(world: World, client_for) -> None:  # noqa: ANN001
    episode = world.other_episode
    measure(world, episode, "nrs", 5, 30, "baseline")
    measure(world, episode, "nrs", 8, 2)
    html = page(client_for("owner"), f"/episodes/{episode.pk}/")
    assert 'data-testid="worse-flag"' in html
    assert "Pain NRS: worse by at least the minimal important change" in html
    row = re.search(r'<tr class="worse" data-measure="nrs">(.*?)</tr>', html, re.S)
    assert row is not None and "3 worse (60 %)" in row.group(1)
    assert "Stop treatment" in html


@pytest.mark.parametrize("persona", ["patient_user", "front_desk"])
def test_it_shows_no_progress_panel_to_the_patient_or_front_desk(world: World, client_for,  # noqa: ANN001
                                                                 persona: str) -> None:
    measure(world, world.episode, "nrs", 5, 30, "baseline")
    response = client_for(persona).get(f"/episodes/{world.episode.pk}/")
    assert b"episode-progress" not in response.content


def _queries(client: Client, url: str) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_it_keeps_the_episode_page_to_a_fixed_number_of_queries(
        world: World, client_for, django_assert_max_num_queries) -> None:  # noqa: ANN001
    episode = responder(world)
    client, url = client_for("practitioner"), f"/episodes/{episode.pk}/"
    client.get(url)  # the session's first request saves it; measure the ones after
    # The real count, the same on both databases since the audit entry is one statement.
    with django_assert_max_num_queries(18):
        client.get(url)
    three_visits = _queries(client, url)
    for days_ago in (15, 12, 9):
        visit_on(world, episode, days_ago, pain_before=3, painkillers_taken=True,
                 painkillers=[ibuprofen(1)])
        measure(world, episode, "odi", 18, days_ago)
    assert _queries(client, url) == three_visits  # the progress panel reads a fixed number


def test_it_keeps_the_outcome_page_to_a_fixed_number_of_queries(
        world: World, client_for, django_assert_max_num_queries) -> None:  # noqa: ANN001
    episode = responder(world)
    client = client_for("practitioner")
    client.get(f"/outcomes/episodes/{episode.pk}/")
    # The real count, the same on both databases.
    with django_assert_max_num_queries(10):
        client.get(f"/outcomes/episodes/{episode.pk}/")


def test_it_draws_the_charts_on_the_outcome_page(world: World, client_for) -> None:  # noqa: ANN001
    episode = responder(world)
    html = page(client_for("practitioner"), f"/outcomes/episodes/{episode.pk}/")
    found = re.search(r'data:image/svg\+xml;base64,([^"]+)" alt="Pain and function', html)
    assert found is not None
    svg = base64.b64decode(found.group(1)).decode()
    assert svg.startswith("<?xml") and "<svg" in svg
    assert "within 2 points of baseline" in svg and "Pain before needling" in svg
    assert 'data-testid="chart-painkillers"' in html
    assert 'data-claim="inflammation"' in html and "no laboratory value" in html


def test_it_audits_the_outcome_read(world: World, client_for) -> None:  # noqa: ANN001
    episode = responder(world)
    last = AuditEntry.objects.order_by("-seq").first().seq
    client_for("practitioner").get(f"/outcomes/episodes/{episode.pk}/")
    assert AuditEntry.objects.filter(seq__gt=last, object_type="episode_outcome",
                                     object_id=str(episode.pk), outcome="ok").exists()


def test_it_counts_the_clinic_ledger(world: World, client_for) -> None:  # noqa: ANN001
    responder(world)
    flat = make_episode(world.practitioner, world.patient)
    measure(world, flat, "nrs", 6, 30, "baseline")
    measure(world, flat, "nrs", 6, 2)
    html = page(client_for("owner"), "/outcomes/claims/")
    pain = re.search(r'data-claim="pain_relief">(.*?)</tr>', html, re.S).group(1)  # type: ignore[union-attr]
    counts = re.findall(r'<td class="count[^"]*">(\d+)</td>', pain)
    # Improved (Grace), no change (Ada's new one), worse 0, no threshold 0, not measured: Ada's
    # first episode (nothing recorded).
    assert counts == ["1", "1", "0", "0", "1"]
    assert "1 of 2: 50 %" in pain


def test_it_keeps_bad_dates_on_the_ledger_and_says_why(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("owner").get("/outcomes/claims/?since=31/01/2026")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="31/01/2026"' in html and "YYYY-MM-DD" in html


def test_it_never_counts_another_clinics_episodes(world: World, client_for) -> None:  # noqa: ANN001
    responder(world)
    html = page(client_for("outsider"), "/outcomes/claims/")
    assert "Hillview" in html and "to " in html
    pain = re.search(r'data-claim="pain_relief">(.*?)</tr>', html, re.S).group(1)  # type: ignore[union-attr]
    assert re.findall(r'<td class="count[^"]*">(\d+)</td>', pain) == ["0", "0", "0", "0", "1"]


def test_it_recounts_the_ledger_when_a_record_changes(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("owner")
    measure(world, world.other_episode, "nrs", 6, 30, "baseline")
    before = page(client, "/outcomes/claims/")
    measure(world, world.other_episode, "nrs", 2, 2)
    after = page(client, "/outcomes/claims/")
    pattern = r'data-claim="pain_relief">.*?<td class="count">(\d+)</td>'
    assert re.search(pattern, before, re.S).group(1) == "0"  # type: ignore[union-attr]
    assert re.search(pattern, after, re.S).group(1) == "1"  # type: ignore[union-attr]


def test_it_keeps_the_ledger_page_to_a_fixed_number_of_queries(
        world: World, client_for, django_assert_max_num_queries) -> None:  # noqa: ANN001
    responder(world)
    client = client_for("owner")
    client.get("/outcomes/claims/")
    for _ in range(3):
        measure(world, make_episode(world.practitioner, world.patient), "nrs", 6, 30, "baseline")
    # Six rows queries, seven for the fingerprint (the real count, both databases).
    with django_assert_max_num_queries(17):
        client.get("/outcomes/claims/")
