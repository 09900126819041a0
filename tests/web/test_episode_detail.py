"""episode_detail: clinical roles and the patient themself."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.helpers import html


def url(episode) -> str:
    return reverse("episode_detail", args=[episode.pk])


@pytest.mark.parametrize("persona", ["owner", "practitioner", "patient_user"])
def test_it_shows_the_episode_to_those_allowed(client_for, world, persona: str) -> None:
    response = client_for(persona).get(url(world.episode))
    assert response.status_code == 200 and "Lumbar back pain" in html(response)


def test_it_shows_the_code_with_its_title_and_chronicity(client_for, world) -> None:
    page = html(client_for("practitioner").get(url(world.episode)))
    assert "M54.50" in page and "Low back pain, unspecified" in page and "Chronic" in page


def test_it_refuses_front_desk_with_403(client_for, world) -> None:
    assert client_for("front_desk").get(url(world.episode)).status_code == 403


def test_it_answers_404_to_a_patient_opening_someone_elses(client_for, world) -> None:
    assert client_for("patient_user").get(url(world.other_episode)).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "outsider_owner"])
def test_it_answers_404_for_another_clinics_episode(client_for, world, persona: str) -> None:
    assert client_for(persona).get(url(world.episode)).status_code == 404


def test_it_offers_the_patient_no_edit_link(client_for, world) -> None:
    page = html(client_for("patient_user").get(url(world.episode)))
    assert reverse("episode_edit", args=[world.episode.pk]) not in page


def test_it_shows_the_episode_in_a_bounded_number_of_queries(
    client_for, world, django_assert_max_num_queries,  # noqa: ANN001
) -> None:
    from django.db import connection

    from acuback.assessments.services import assessment_record
    from tests.assessments.conftest import ODI_32
    from tests.visits.factories import ready

    ready(world, world.episode)
    assessment_record(actor=world.practitioner, episode=world.episode, instrument="odi",
                      answers=ODI_32, time_point="baseline")
    client = client_for("practitioner")
    client.get(url(world.episode))
    # Session; user with membership and clinic; the episode with its patient; questionnaires
    # with their alerts (one statement), open alerts; screens with referrals, plans with points
    # (two statements, read once for the care and the coverage panels:
    # plans.selectors.prefetch_care); the visits panel
    # (count and last in one); billing's coverage panel (the patient's course and the clinic's
    # payers, read once); the outcomes progress panel; the patient's scored assessments, read
    # once for the progress and the coverage panels (acuback.assessments.scored). The
    # request's read entries (episode, questionnaires, progress) are written together at its
    # end: 4 queries on SQLite
    # (savepoint, chain head, insert, release), 2 on PostgreSQL (numbers, insert). A read
    # writes no session.
    limit = 18 if connection.vendor == "postgresql" else 20
    with django_assert_max_num_queries(limit):
        client.get(url(world.episode))
