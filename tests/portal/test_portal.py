"""The patient portal: what is due (each once), the RMDQ as a checklist, results in plain
words with progress, booking requests and cancellations within the clinic's rules, labelled
episodes, message choices, the information page; the patient's own record only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from acuback.assessments.models import Assessment
from acuback.assessments.services import assessment_record
from acuback.reminders.models import ContactPreference
from acuback.scheduling.models import Appointment, Status
from tests.personas import World, make_episode
from tests.scheduling.factories import Calendar, at, book, local_day, make_calendar


@pytest.fixture
def cal(world: World) -> Calendar:
    return make_calendar(world)


def _page(client, name: str, *args: object) -> str:  # noqa: ANN001
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_it_lists_what_is_due_and_the_appointments(world: World, cal: Calendar,
                                                   client_for) -> None:
    book(world.front_desk, world.patient, world.practitioner, cal.initial, at(local_day(3), 9))
    page = _page(client_for("patient_user"), "portal_home")
    due = page.split('data-testid="portal-due"')[1].split("</section>")[0]
    assert "Roland-Morris" in due and "Pain" in due and "before your first treatment" in due
    assert "Oswestry" not in due  # licensed wording not loaded: the RMDQ instead
    assert "with Pat Lin" in page and "Add to my calendar" in page


def test_it_tells_two_like_episodes_apart(world: World, client_for) -> None:
    make_episode(world.practitioner, world.patient, region="thoracic", icd10_code="M54.6",
                 onset_date=dt.date(2026, 1, 20))
    make_episode(world.practitioner, world.patient, region="thoracic", icd10_code="M54.6",
                 onset_date=dt.date(2026, 1, 5))
    page = _page(client_for("patient_user"), "portal_home")
    labels = re.findall(r"<li>(Thoracic back pain[^<]*)</li>", page)
    assert len(labels) == 2 and labels[0] != labels[1]


def test_it_takes_the_rmdq_as_a_checklist_once(world: World, client_for) -> None:
    client = client_for("patient_user")
    url = reverse("portal_questionnaire", args=[world.episode.pk, "rmdq"])
    form = _page(client, "portal_questionnaire", world.episode.pk, "rmdq")
    assert form.count('type="checkbox"') == 24
    assert "unticked sentence counts as" in form
    response = client.post(url, {"item_1": "on", "item_3": "on", "item_24": "on"})
    done = Assessment.objects.get(instrument="rmdq")
    assert response["Location"] == reverse("portal_result", args=[done.pk])
    assert done.total == 3 and len(done.answers) == 24 and done.answers.count(0) == 21
    assert done.time_point == "baseline" and done.entered_by == "patient"
    result = _page(client, "portal_result", done.pk)
    assert "Your score: 3 out of 24." in result and "first answer" in result
    again = client.get(url)
    assert again.status_code == 302 and Assessment.objects.count() == 1
    assert "Roland-Morris" not in _page(client, "portal_home").split(
        'data-testid="portal-due"')[1].split("</section>")[0]


def test_it_shows_progress_in_plain_words(world: World, client_for) -> None:
    client = client_for("patient_user")
    client.post(reverse("portal_questionnaire", args=[world.episode.pk, "rmdq"]),
                {f"item_{n}": "on" for n in range(1, 13)})
    later = assessment_record(actor=world.practitioner, episode=world.episode, instrument="rmdq",
                              answers=[1] * 5 + [0] * 19, time_point="follow_up")
    page = _page(client, "portal_result", later.pk)
    assert "That is 7 points better than your first answer (12)." in page
    assert "people usually notice" in page and "<polyline" in page
    assert 'data-testid="portal-progress"' in page


def test_it_refuses_a_questionnaire_not_asked(world: World, client_for) -> None:
    response = client_for("patient_user").get(
        reverse("portal_questionnaire", args=[world.episode.pk, "phq9"]))
    assert response.status_code == 302 and response["Location"] == reverse("portal_home")
    other = client_for("patient_user").get(
        reverse("portal_questionnaire", args=[world.other_episode.pk, "rmdq"]))
    assert other.status_code == 302 and not Assessment.objects.exists()


def test_it_hides_another_patient_s_result(world: World, client_for) -> None:
    theirs = assessment_record(actor=world.practitioner, episode=world.other_episode,
                               instrument="nrs", answers=[4], time_point="baseline")
    assert client_for("patient_user").get(reverse("portal_result", args=[theirs.pk])
                                          ).status_code == 404


def test_it_books_a_request_from_the_free_times(world: World, cal: Calendar,
                                                client_for) -> None:
    client = client_for("patient_user")
    day = local_day(3)
    page = client.get(reverse("portal_book"), {
        "appointment_type": cal.follow_up.pk, "practitioner": world.practitioner.pk,
        "day": str(day)}).content.decode()
    starts = re.findall(r'name="starts_at" value="([^"]+)"', page)
    assert starts and dt.datetime.fromisoformat(starts[0]).date() >= day - dt.timedelta(days=1)
    response = client.post(reverse("portal_book"), {
        "appointment_type": cal.follow_up.pk, "practitioner": world.practitioner.pk,
        "starts_at": starts[0]})
    asked = Appointment.objects.get()
    assert response["Location"] == reverse("portal_home")
    assert asked.status == Status.REQUESTED and asked.source == "portal"
    assert asked.patient_id == world.patient.pk
    assert "waiting for the clinic to confirm" in _page(client, "portal_home")


def test_it_cancels_only_within_the_clinic_s_notice(world: World, cal: Calendar,
                                                    client_for) -> None:
    client = client_for("patient_user")
    far = book(world.front_desk, world.patient, world.practitioner, cal.initial,
               at(local_day(4), 9))
    soon = book(world.front_desk, world.patient, world.practitioner, cal.follow_up,
                at(local_day(0), 23, 45), allow_outside_hours=True)
    client.post(reverse("portal_cancel", args=[far.pk]))
    client.post(reverse("portal_cancel", args=[soon.pk]))
    far.refresh_from_db()
    soon.refresh_from_db()
    assert far.status == Status.CANCELLED and soon.status == Status.BOOKED


def test_it_serves_the_patient_their_own_ics_only(world: World, cal: Calendar,
                                                  client_for) -> None:
    own = book(world.front_desk, world.patient, world.practitioner, cal.initial,
               at(local_day(2), 9))
    other = book(world.front_desk, world.other_patient, world.practitioner, cal.initial,
                 at(local_day(2), 11))
    client = client_for("patient_user")
    response = client.get(reverse("portal_ics", args=[own.pk]))
    assert response.status_code == 200 and b"BEGIN:VEVENT" in response.content
    assert client.get(reverse("portal_ics", args=[other.pk])).status_code == 404
    assert client.post(reverse("portal_cancel", args=[other.pk])).status_code == 404


def test_it_saves_the_patient_s_message_choices(world: World, client_for) -> None:
    client = client_for("patient_user")
    client.post(reverse("portal_messages"), {"email": "on"})
    assert dict(ContactPreference.objects.values_list("channel", "opted_out")) == {
        "email": False, "sms": True}


def test_it_explains_the_evidence_honestly(client_for) -> None:
    page = _page(client_for("patient_user"), "portal_information")
    assert "sham acupuncture" in page and "NICE" in page
    assert "American College of Physicians" in page
    assert "<em>not</em> offered" in page


def test_it_keeps_staff_out_of_the_portal(world: World, client_for) -> None:
    assert client_for("practitioner").get(reverse("portal_home")).status_code == 403


def test_it_lands_a_patient_on_the_portal(world: World, client_for) -> None:
    assert client_for("patient_user").get("/")["Location"] == reverse("portal_home")


def test_it_shows_the_practitioner_what_is_outstanding(world: World, cal: Calendar,
                                                       client_for) -> None:
    page = _page(client_for("practitioner"), "patient_detail", world.patient.pk)
    block = page.split('data-testid="outstanding-questionnaires"')[1].split("</div>")[0]
    assert "RMDQ (before your first treatment)" in block
    desk = _page(client_for("front_desk"), "patient_detail", world.patient.pk)
    assert 'data-testid="outstanding-questionnaires"' not in desk
