"""The questionnaire pages through the Django test client: forms, validation that keeps every
answer, the result page, the safety alert and its acknowledgement."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from acuback.assessments.models import Assessment, EnteredBy, SafetyAlert
from acuback.assessments.services import licensed_wording_load
from acuback.audit.models import AuditEntry
from tests.assessments.conftest import ODI_32, PHQ9_ITEM9, Record, invented_wording
from tests.personas import World

ClientFor = Callable[[str], Client]


def _new(world: World, instrument: str) -> str:
    return f"/assessments/episode/{world.episode.pk}/new/{instrument}/"


def _mine(world: World, instrument: str, episode_id: int | None = None) -> str:
    return f"/assessments/me/{episode_id or world.episode.pk}/{instrument}/"


def _post(answers: list[int | str | None], **extra: str) -> dict[str, str]:
    data = {f"item_{n}": str(a) for n, a in enumerate(answers, start=1) if a is not None}
    return data | extra


def _checked(html: str) -> dict[str, str]:
    """name -> value of every checked radio button on the page."""
    found = re.findall(r'<input type="radio" name="(item_\d+)" id="[^"]+" value="([^"]+)" checked',
                       html)
    return dict(found)


BASELINE = {"time_point": "baseline"}


# --- the clinician's form ---------------------------------------------------------------------


def test_it_shows_every_item_with_its_answers_as_radio_buttons(
    client_for: ClientFor, world: World
) -> None:
    html = client_for("practitioner").get(_new(world, "phq9")).content.decode()
    assert html.count('type="radio"') == 9 * 4
    assert "Thoughts that you would be better off dead" in html  # validated wording, shipped


def test_it_shows_the_copyright_notice(client_for: ClientFor, world: World) -> None:
    html = client_for("practitioner").get(_new(world, "phq9")).content.decode()
    assert "(c) Pfizer Inc." in html
    assert "No permission required to reproduce" in html


def test_it_shows_short_labels_and_says_so_without_licensed_wording(
    client_for: ClientFor, world: World
) -> None:
    html = client_for("practitioner").get(_new(world, "odi")).content.decode()
    assert "Pain intensity" in html and "level 5 (most disability)" in html
    assert "licensed wording is not loaded" in html
    assert "Mapi Research Trust" in html


def test_it_shows_the_clinics_licensed_wording_once_loaded(
    client_for: ClientFor, world: World
) -> None:
    licensed_wording_load(clinic=world.clinic_a, data=invented_wording("odi"))
    html = client_for("practitioner").get(_new(world, "odi")).content.decode()
    assert "Invented question about pain intensity?" in html
    assert "Invented answer 3 for lifting" in html
    assert "Test licence 0001" in html


def test_it_offers_a_deliberate_skip_where_the_instrument_allows_one(
    client_for: ClientFor, world: World
) -> None:
    html = client_for("practitioner").get(_new(world, "odi")).content.decode()
    assert html.count('value="skip"') == 10


def test_it_offers_no_skip_where_every_item_counts(client_for: ClientFor, world: World) -> None:
    html = client_for("practitioner").get(_new(world, "phq9")).content.decode()
    assert 'value="skip"' not in html


def test_it_offers_the_time_points(client_for: ClientFor, world: World) -> None:
    html = client_for("practitioner").get(_new(world, "nrs")).content.decode()
    assert all(f'value="{tp}"' in html for tp in
               ("baseline", "before_visit", "discharge", "follow_up"))


def test_it_shows_the_missing_item_error_beside_that_item(
    client_for: ClientFor, world: World
) -> None:
    answers: list[int | str | None] = [*ODI_32[:3], None, *ODI_32[4:]]
    response = client_for("practitioner").post(_new(world, "odi"), _post(answers, **BASELINE))
    html = response.content.decode()
    item4 = html[html.index('id="q-4"'):html.index('id="q-5"')]
    assert "Choose an answer, or mark it skipped." in item4
    assert not Assessment.objects.exists()


def test_it_keeps_every_other_answer_selected_after_an_error(
    client_for: ClientFor, world: World
) -> None:
    answers: list[int | str | None] = [*ODI_32[:3], None, *ODI_32[4:]]
    response = client_for("practitioner").post(_new(world, "odi"), _post(answers, **BASELINE))
    expected = {f"item_{n}": str(a) for n, a in enumerate(answers, start=1) if a is not None}
    assert _checked(response.content.decode()) == expected


def test_it_shows_an_out_of_range_answer_beside_its_item_and_keeps_the_rest(
    client_for: ClientFor, world: World
) -> None:
    answers: list[int | str | None] = [0, 1, 9, 2, 0, 0, 1, 0, 0]
    response = client_for("practitioner").post(_new(world, "phq9"), _post(answers, **BASELINE))
    html = response.content.decode()
    assert "That is not one of the answers" in html[html.index('id="q-3"'):html.index('id="q-4"')]
    assert len(_checked(html)) == 8


def test_it_refuses_too_many_skips_and_keeps_them(client_for: ClientFor, world: World) -> None:
    answers: list[int | str | None] = ["skip", "skip", "skip", *ODI_32[3:]]
    response = client_for("practitioner").post(_new(world, "odi"), _post(answers, **BASELINE))
    html = response.content.decode()
    assert "At most 2 may be skipped; 3 are." in html
    assert _checked(html)["item_1"] == "skip"


def test_it_shows_a_service_refusal_beside_its_field(client_for: ClientFor, world: World) -> None:
    data = _post([4], time_point="before_visit")
    html = client_for("practitioner").post(_new(world, "nrs"), data).content.decode()
    assert "Give the visit number" in html
    assert not Assessment.objects.exists()


def test_it_saves_a_complete_form_and_shows_the_result(
    client_for: ClientFor, world: World
) -> None:
    client = client_for("practitioner")
    response = client.post(_new(world, "odi"), _post(ODI_32, **BASELINE))
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{assessment.pk}/"


def test_it_records_a_skipped_odi_section_as_none(client_for: ClientFor, world: World) -> None:
    answers: list[int | str | None] = [*ODI_32[:7], "skip", *ODI_32[8:]]
    client_for("practitioner").post(_new(world, "odi"), _post(answers, **BASELINE))
    assert Assessment.objects.get().answers[7] is None


# --- the result page --------------------------------------------------------------------------


def test_it_shows_score_band_and_minimal_important_change(
    client_for: ClientFor, record: Record
) -> None:
    assessment = record("odi", ODI_32)
    html = client_for("practitioner").get(f"/assessments/{assessment.pk}/").content.decode()
    assert re.search(r'data-testid="score">32</span>', html)
    assert 'data-testid="band">moderate<' in html
    assert "Minimal important change: an improvement of 10 points or 30 % of baseline" in html


def test_it_shows_the_change_since_baseline_with_its_verdict(
    client_for: ClientFor, record: Record
) -> None:
    record("odi", ODI_32)
    follow_up = record("odi", [1, 1, 1, 0, 1, 1, 0, 1, 0, 1], time_point="follow_up")  # 14 %
    html = client_for("practitioner").get(f"/assessments/{follow_up.pk}/").content.decode()
    assert "32 → 14; improvement 18 points (56.3 %)" in html
    assert "Improved by at least the minimal important change." in html


def test_it_says_when_the_change_falls_short(client_for: ClientFor, record: Record) -> None:
    record("nrs", [6])
    follow_up = record("nrs", [5], time_point="follow_up")
    html = client_for("practitioner").get(f"/assessments/{follow_up.pk}/").content.decode()
    assert "Less than the minimal important change." in html


def test_it_shows_the_answers_given(client_for: ClientFor, record: Record) -> None:
    assessment = record("phq9", PHQ9_ITEM9)
    html = client_for("owner").get(f"/assessments/{assessment.pk}/").content.decode()
    assert "Nearly every day" in html and "Several days" in html


# --- the safety alert -------------------------------------------------------------------------


def test_it_puts_the_alert_banner_on_the_result_page(
    client_for: ClientFor, record: Record
) -> None:
    assessment = record("phq9", PHQ9_ITEM9)
    html = client_for("practitioner").get(f"/assessments/{assessment.pk}/").content.decode()
    assert 'data-testid="safety-alert"' in html
    assert "Safety alert: possible risk of self-harm" in html


def test_it_puts_the_alert_banner_on_the_episodes_questionnaires(
    client_for: ClientFor, record: Record, world: World
) -> None:
    record("phq9", PHQ9_ITEM9)
    html = client_for("practitioner").get(f"/assessments/episode/{world.episode.pk}/")
    assert 'data-testid="safety-alert"' in html.content.decode()


def test_it_acknowledges_the_alert_with_a_post(
    client_for: ClientFor, record: Record, world: World
) -> None:
    record("phq9", PHQ9_ITEM9)
    alert = SafetyAlert.objects.get()
    response = client_for("practitioner").post(
        f"/assessments/alerts/{alert.pk}/acknowledge/", {"note": "Called; safe."})
    alert.refresh_from_db()
    assert response.status_code == 302
    assert (alert.acknowledged_by, alert.note) == (world.practitioner, "Called; safe.")


def test_it_drops_the_banner_once_acknowledged(
    client_for: ClientFor, record: Record, world: World
) -> None:
    assessment = record("phq9", PHQ9_ITEM9)
    client = client_for("practitioner")
    client.post(f"/assessments/alerts/{SafetyAlert.objects.get().pk}/acknowledge/",
                {"note": "Phoned; safe."})
    html = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert 'data-testid="safety-alert"' not in html
    assert "Safety alert acknowledged by Pat Lin" in html


def test_it_keeps_the_banner_when_acknowledged_without_a_note(
    client_for: ClientFor, record: Record, world: World
) -> None:
    assessment = record("phq9", PHQ9_ITEM9)
    client = client_for("practitioner")
    response = client.post(f"/assessments/alerts/{SafetyAlert.objects.get().pk}/acknowledge/",
                           {"note": ""}, follow=True)
    html = response.content.decode()
    assert 'data-testid="safety-alert"' in html
    assert "Say what was done" in html
    assert SafetyAlert.objects.get().is_open
    assert response.redirect_chain[-1][0] == f"/assessments/{assessment.pk}/"


def test_it_refuses_to_acknowledge_with_a_get(client_for: ClientFor, record: Record) -> None:
    record("phq9", PHQ9_ITEM9)
    response = client_for("practitioner").get(
        f"/assessments/alerts/{SafetyAlert.objects.get().pk}/acknowledge/")
    assert response.status_code == 405


def test_it_lets_front_desk_not_acknowledge(client_for: ClientFor, record: Record) -> None:
    record("phq9", PHQ9_ITEM9)
    response = client_for("front_desk").post(
        f"/assessments/alerts/{SafetyAlert.objects.get().pk}/acknowledge/", {})
    assert response.status_code == 403
    assert SafetyAlert.objects.get().is_open


def test_it_hides_the_alert_from_another_clinic(client_for: ClientFor, record: Record) -> None:
    record("phq9", PHQ9_ITEM9)
    response = client_for("outsider").post(
        f"/assessments/alerts/{SafetyAlert.objects.get().pk}/acknowledge/", {})
    assert response.status_code == 404


def test_it_ignores_an_offsite_next_after_acknowledging(
    client_for: ClientFor, record: Record
) -> None:
    assessment = record("phq9", PHQ9_ITEM9)
    response = client_for("practitioner").post(
        f"/assessments/alerts/{SafetyAlert.objects.get().pk}/acknowledge/",
        {"next": "https://evil.example/"})
    assert response["Location"] == f"/assessments/{assessment.pk}/"


# --- the patient on their phone ---------------------------------------------------------------


def test_it_shows_the_patient_their_progress(client_for: ClientFor, world: World) -> None:
    html = client_for("patient_user").get(_mine(world, "phq9")).content.decode()
    assert "0 of 9 answered" in html


def test_it_records_the_patients_answers_as_entered_by_the_patient(
    client_for: ClientFor, world: World
) -> None:
    client_for("patient_user").post(_mine(world, "phq9"), _post([0] * 9))
    assessment = Assessment.objects.get()
    assert (assessment.entered_by, assessment.time_point) == (EnteredBy.PATIENT, "baseline")


def test_it_shows_the_patient_a_kind_safety_message_after_item9(
    client_for: ClientFor, world: World
) -> None:
    client = client_for("patient_user")
    response = client.post(_mine(world, "phq9"), _post(PHQ9_ITEM9), follow=True)
    html = response.content.decode()
    assert 'data-testid="patient-safety-message"' in html
    assert "call or text 988" in html and "call 911" in html


def test_it_thanks_the_patient_without_a_safety_message_otherwise(
    client_for: ClientFor, world: World
) -> None:
    response = client_for("patient_user").post(_mine(world, "phq9"), _post([0] * 9), follow=True)
    html = response.content.decode()
    assert "your answers are saved" in html
    assert "988" not in html


def test_it_shows_the_patient_no_clinicians_alert_banner(
    client_for: ClientFor, world: World
) -> None:
    client = client_for("patient_user")
    client.post(_mine(world, "phq9"), _post(PHQ9_ITEM9))
    html = client.get(f"/assessments/episode/{world.episode.pk}/").content.decode()
    assert 'data-testid="safety-alert"' not in html


def test_it_keeps_a_patient_to_their_own_episode(client_for: ClientFor, world: World) -> None:
    response = client_for("patient_user").get(
        _mine(world, "phq9", episode_id=world.other_episode.pk))
    assert response.status_code == 404


def test_it_keeps_a_patient_off_the_clinicians_form(client_for: ClientFor, world: World) -> None:
    assert client_for("patient_user").get(_new(world, "phq9")).status_code == 403


def test_it_keeps_clinicians_off_the_patients_form(client_for: ClientFor, world: World) -> None:
    assert client_for("practitioner").get(_mine(world, "phq9")).status_code == 403


def test_it_offers_the_patient_only_questionnaires_they_can_read(
    client_for: ClientFor, world: World
) -> None:
    html = client_for("patient_user").get(f"/assessments/me/{world.episode.pk}/").content.decode()
    assert f"/assessments/me/{world.episode.pk}/phq9/" in html
    assert f"/assessments/me/{world.episode.pk}/odi/" not in html


# --- who may reach the pages ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["new/phq9/", "new/", ""])
def test_it_refuses_front_desk(client_for: ClientFor, world: World, path: str) -> None:
    response = client_for("front_desk").get(f"/assessments/episode/{world.episode.pk}/{path}")
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["new/phq9/", "new/", ""])
def test_it_hides_another_clinics_episode(client_for: ClientFor, world: World, path: str) -> None:
    response = client_for("outsider").get(f"/assessments/episode/{world.episode.pk}/{path}")
    assert response.status_code == 404


def test_it_hides_another_clinics_result(client_for: ClientFor, record: Record) -> None:
    assessment = record("nrs", [4])
    assert client_for("outsider").get(f"/assessments/{assessment.pk}/").status_code == 404


def test_it_stores_nothing_posted_by_another_clinic(client_for: ClientFor, world: World) -> None:
    client_for("outsider").post(_new(world, "nrs"), _post([4], **BASELINE))
    assert not Assessment.objects.exists()


def test_it_answers_404_for_an_unknown_questionnaire(client_for: ClientFor, world: World) -> None:
    assert client_for("practitioner").get(_new(world, "oswestry")).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client_for: ClientFor, world: World) -> None:
    response = client_for("anonymous").get(_new(world, "phq9"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_it_audits_the_form_post(client_for: ClientFor, world: World) -> None:
    client_for("practitioner").post(_new(world, "nrs"), _post([4], **BASELINE))
    entry = AuditEntry.objects.filter(object_type="assessment", action="create").get()
    assert entry.channel == "web"


# --- on the pages other apps own (one include line each) ----------------------------------------


def test_it_puts_the_alert_banner_on_the_episode_page(
    client_for: ClientFor, record: Record, world: World
) -> None:
    record("phq9", PHQ9_ITEM9, actor=world.patient_user)
    html = client_for("practitioner").get(f"/episodes/{world.episode.pk}/").content.decode()
    assert 'data-testid="safety-alert"' in html


def test_it_puts_the_alert_banner_on_the_patient_chart(
    client_for: ClientFor, record: Record, world: World
) -> None:
    record("phq9", PHQ9_ITEM9, actor=world.patient_user)
    html = client_for("owner").get(f"/patients/{world.patient.pk}/").content.decode()
    assert 'data-testid="safety-alert"' in html


def test_it_links_the_episode_page_to_record_a_questionnaire(
    client_for: ClientFor, world: World
) -> None:
    html = client_for("practitioner").get(f"/episodes/{world.episode.pk}/").content.decode()
    assert f'href="/assessments/episode/{world.episode.pk}/new/"' in html


def test_it_links_the_patients_own_record_to_their_questionnaires(
    client_for: ClientFor, world: World
) -> None:
    html = client_for("patient_user").get("/patients/me/").content.decode()
    assert f'href="/assessments/me/{world.episode.pk}/"' in html


def test_it_keeps_the_chart_free_of_assessments_for_front_desk(
    client_for: ClientFor, record: Record, world: World
) -> None:
    record("phq9", PHQ9_ITEM9)
    html = client_for("front_desk").get(f"/patients/{world.patient.pk}/").content.decode()
    assert "Questionnaires" not in html and "safety-alert" not in html
