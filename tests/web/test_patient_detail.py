"""patient_detail: the chart. Demographics and consent status for all staff; the safety banner,
health history and episodes only for clinical roles and the patient themself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from acuback.audit.models import AuditEntry
from acuback.patients.services import HealthInput, consent_record, health_history_update
from tests.personas import make_patient
from tests.web.helpers import between, html


def chart(world, patient=None) -> str:
    return reverse("patient_detail", args=[(patient or world.patient).pk])


@pytest.mark.parametrize("persona", ["owner", "practitioner", "front_desk", "patient_user"])
def test_it_shows_the_chart_to_everyone_allowed(client_for, world, persona: str) -> None:
    response = client_for(persona).get(chart(world))
    assert response.status_code == 200 and "Ada Lovelace" in html(response)


@pytest.mark.parametrize("persona", ["outsider", "outsider_owner"])
def test_it_answers_404_for_another_clinics_patient(client_for, world, persona: str) -> None:
    assert client_for(persona).get(chart(world)).status_code == 404


def test_it_answers_404_to_a_patient_opening_someone_else(client_for, world) -> None:
    assert client_for("patient_user").get(chart(world, world.other_patient)).status_code == 404


def test_it_answers_404_for_a_patient_that_does_not_exist(client_for) -> None:
    assert client_for("practitioner").get(reverse("patient_detail", args=[99999])).status_code \
        == 404


def test_it_sends_anonymous_visitors_to_the_login_page(client_for, world) -> None:
    assert client_for("anonymous").get(chart(world)).status_code == 302


@pytest.mark.parametrize("persona", ["owner", "practitioner", "patient_user"])
def test_it_shows_the_safety_banner_to_clinical_readers(client_for, world, persona) -> None:
    page = html(client_for(persona).get(chart(world)))
    assert 'data-testid="safety-banner"' in page and "Pregnant, 20 weeks" in page


def test_it_forbids_electro_stimulation_with_an_implanted_device(client_for, world) -> None:
    page = html(client_for("practitioner").get(chart(world)))
    assert "Implanted electrical device: Pacemaker" in page
    assert "No electro-stimulation." in page


FRONT_DESK_MUST_NOT_SEE = [
    'data-testid="safety-banner"', "Safety", "Health history", "Pregnant", "Pacemaker",
    "Episodes of care", "M54.50", "Lumbar", "electro-stimulation",
]


@pytest.mark.parametrize("clinical", FRONT_DESK_MUST_NOT_SEE)
def test_it_shows_front_desk_no_clinical_content(client_for, world, clinical: str) -> None:
    assert clinical not in html(client_for("front_desk").get(chart(world)))


def test_it_shows_front_desk_the_consent_status(client_for, world) -> None:
    assert "No consent on file." in html(client_for("front_desk").get(chart(world)))


def test_it_does_not_even_ask_for_clinical_content_for_front_desk(client_for, world) -> None:
    client_for("front_desk").get(chart(world))
    assert not AuditEntry.objects.filter(actor_username="desk", outcome="denied").exists()


def test_it_audits_reading_the_chart(client_for, world) -> None:
    client_for("practitioner").get(chart(world))
    read = AuditEntry.objects.filter(actor_username="prac", action="read", outcome="ok")
    assert set(read.values_list("object_type", flat=True)) >= {"patient", "health_history"}


def test_it_lists_the_episodes_with_their_facts(client_for, world) -> None:
    page = html(client_for("practitioner").get(chart(world)))
    for fact in ("Lumbar", "Both sides", "Chronic", "M54.50", "Active",
                 reverse("episode_detail", args=[world.episode.pk])):
        assert fact in page


def test_it_shows_the_latest_consent(client_for, world) -> None:
    consent_record(actor=world.front_desk, patient=world.patient, given_on=dt.date(2026, 2, 3),
                   witness="Wanda Witness")
    page = html(client_for("front_desk").get(chart(world)))
    assert "Consent on file" in page and "acupuncture-v1" in page
    assert "Wanda Witness" in page and "3 Feb 2026" in page and "No consent on file" not in page


def test_it_says_so_when_every_question_was_asked_and_none_raises_a_concern(
    client_for, world
) -> None:
    page = html(client_for("practitioner").get(chart(world, world.other_patient)))
    assert 'data-testid="safety-clear"' in page and "safety-banner" not in page
    assert 'data-testid="not-asked"' not in page


def test_it_never_shows_green_for_a_history_never_taken(client_for, world) -> None:
    new = make_patient(world.practitioner, "Nell", "New", asked=False)
    page = html(client_for("practitioner").get(chart(world, new)))
    assert 'data-testid="safety-clear"' not in page and "banner ok" not in page
    not_asked = between(page, 'data-testid="not-asked"', "</section>")
    assert "Not asked: pregnancy, blood thinners, bleeding disorder" in not_asked
    assert page.count('class="pill not-asked"') == 10


def test_it_names_the_questions_still_not_asked_in_amber(client_for, world) -> None:
    new = make_patient(world.practitioner, "Nell", "New", diabetes=None, metal_allergy=None)
    page = html(client_for("practitioner").get(chart(world, new)))
    assert "Not asked: diabetes, metal allergy" in page
    assert 'class="banner warn not-asked"' in page and "safety-clear" not in page


def test_it_says_who_answered_and_whether_the_patient_did(client_for, world) -> None:
    page = html(client_for("practitioner").get(chart(world, world.other_patient)))
    assert "clinician-reported" in page and "(Pat Lin)" in page


def with_history(world, **answers: object) -> None:
    health_history_update(actor=world.practitioner, patient=world.other_patient,
                          data=HealthInput(**answers))  # type: ignore[arg-type]


@pytest.mark.parametrize(("answers", "shown"), [
    ({"anticoagulant": True}, "Takes blood thinners"),
    ({"bleeding_disorder": True}, "Severe bleeding disorder"),
    ({"needle_phobia": True}, "Fear of needles"),
    ({"immunosuppressed": True}, "Weakened immune system"),
    ({"diabetes": True}, "Diabetes"),
    ({"epilepsy": True}, "Epilepsy"),
    ({"metal_allergy": True}, "Metal allergy"),
    ({"skin_conditions": "psoriasis"}, "Skin condition: psoriasis"),
    ({"skin_lesion_regions": ["lower_back"]}, "Skin lesion on the lower back"),
    ({"pregnant": True}, "Pregnant (weeks not known)"),
])
def test_it_names_each_safety_concern(client_for, world, answers, shown: str) -> None:
    with_history(world, **answers)
    page = html(client_for("practitioner").get(chart(world, world.other_patient)))
    assert 'data-testid="safety-banner"' in page and shown in page


def test_it_says_not_to_needle_with_a_bleeding_disorder(client_for, world) -> None:
    with_history(world, bleeding_disorder=True)
    page = html(client_for("practitioner").get(chart(world, world.other_patient)))
    assert "Do not needle this patient." in page


def test_it_allows_electro_stimulation_when_nothing_forbids_it(client_for, world) -> None:
    with_history(world, diabetes=True)
    page = html(client_for("practitioner").get(chart(world, world.other_patient)))
    assert "No electro-stimulation." not in page


def test_it_offers_staff_the_edit_links(client_for, world) -> None:
    page = html(client_for("practitioner").get(chart(world)))
    for name in ("patient_edit", "health_edit", "consent_create", "episode_create"):
        assert reverse(name, args=[world.patient.pk]) in page


def test_it_offers_front_desk_no_clinical_links(client_for, world) -> None:
    page = html(client_for("front_desk").get(chart(world)))
    assert reverse("health_edit", args=[world.patient.pk]) not in page
    assert reverse("episode_create", args=[world.patient.pk]) not in page


# --- queries -------------------------------------------------------------------------------


def _cared_for(world, episode) -> None:  # noqa: ANN001
    """An episode with a screen, a plan and a questionnaire: every badge and panel has data."""
    from acuback.assessments.services import assessment_record
    from tests.assessments.conftest import ODI_32
    from tests.visits.factories import ready

    ready(world, episode)
    assessment_record(actor=world.practitioner, episode=episode, instrument="odi",
                      answers=ODI_32, time_point="baseline")


def _queries(client, url: str) -> int:  # noqa: ANN001
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as done:
        assert client.get(url).status_code == 200
    return len(done)


def test_it_shows_the_chart_in_a_bounded_number_of_queries(
    client_for, world, django_assert_max_num_queries,  # noqa: ANN001
) -> None:
    from django.db import connection

    _cared_for(world, world.episode)
    client = client_for("practitioner")
    client.get(chart(world))  # the session's first request stores when it began
    # Session; user with membership and clinic; the patient (with its practitioner, login and
    # clinic), consent, health history, episodes (then their screens with their referrals in
    # one statement, their plans with their points in another), questionnaires, alerts. The
    # appointments panel (scheduling's {% patient_appointments %}): the clinic's schedule with
    # its appointments to come and the no-shows and late cancels (one statement), the
    # questionnaires due (visit count and wordings: the episodes, plans and answered
    # questionnaires are the chart's own), contact preferences. The request's read entries
    # (patient, health history, episodes, questionnaires, appointments) are written together
    # at its end: 4 queries on SQLite (savepoint, chain head, insert, release), 2 on
    # PostgreSQL (numbers, insert). A read writes no session.
    limit = 16 if connection.vendor == "postgresql" else 18
    with django_assert_max_num_queries(limit):
        client.get(chart(world))


def test_it_shows_three_episodes_in_as_many_queries_as_one(client_for, world) -> None:  # noqa: ANN001
    from tests.personas import make_episode

    _cared_for(world, world.episode)
    client = client_for("practitioner")
    client.get(chart(world))
    one = _queries(client, chart(world))
    for _ in range(2):
        _cared_for(world, make_episode(world.practitioner, world.patient))
    assert _queries(client, chart(world)) == one
