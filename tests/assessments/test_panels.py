"""The one-line template tags other pages include: the episode's questionnaires and the
patient chart's summary, with the safety alert banner for clinicians only."""

from __future__ import annotations

from django.template import Context, Template
from django.test import RequestFactory

from acuback.accounts.models import User
from acuback.episodes.models import Episode
from acuback.patients.models import Patient
from tests.assessments.conftest import PHQ9_ITEM9, Record
from tests.personas import World


def _render(source: str, actor: User, **context: object) -> str:
    request = RequestFactory().get("/somewhere/")
    request.user = actor
    return Template("{% load assessments %}" + source).render(
        Context({"request": request, **context}))


def _episode(actor: User, episode: Episode) -> str:
    return _render("{% episode_assessments episode %}", actor, episode=episode)


def _patient(actor: User, patient: Patient) -> str:
    return _render("{% patient_assessments patient %}", actor, patient=patient)


def test_it_lists_the_episodes_questionnaires(record: Record, world: World) -> None:
    assessment = record("nrs", [7])
    html = _episode(world.practitioner, world.episode)
    assert f'href="/assessments/{assessment.pk}/"' in html


def test_it_links_clinicians_to_record_a_questionnaire(world: World) -> None:
    html = _episode(world.practitioner, world.episode)
    assert f'href="/assessments/episode/{world.episode.pk}/new/"' in html


def test_it_links_the_patient_to_fill_one_in(world: World) -> None:
    html = _episode(world.patient_user, world.episode)
    assert f'href="/assessments/me/{world.episode.pk}/"' in html


def test_it_shows_the_open_alert_on_the_episode(record: Record, world: World) -> None:
    record("phq9", PHQ9_ITEM9)
    assert 'data-testid="safety-alert"' in _episode(world.owner, world.episode)


def test_it_shows_the_open_alert_on_the_patient_chart(record: Record, world: World) -> None:
    record("phq9", PHQ9_ITEM9)
    assert 'data-testid="safety-alert"' in _patient(world.practitioner, world.patient)


def test_it_shows_front_desk_nothing(record: Record, world: World) -> None:
    record("phq9", PHQ9_ITEM9)
    assert _patient(world.front_desk, world.patient).strip() == ""


def test_it_shows_the_patient_no_alert_banner(record: Record, world: World) -> None:
    record("phq9", PHQ9_ITEM9)
    html = _patient(world.patient_user, world.patient)
    assert 'data-testid="patient-assessments"' in html
    assert 'data-testid="safety-alert"' not in html


def test_it_shows_another_clinic_nothing(record: Record, world: World) -> None:
    record("nrs", [7])
    assert _episode(world.outsider, world.episode).strip() == ""
