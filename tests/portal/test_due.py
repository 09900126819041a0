"""The follow-up schedule as the portal and the chart apply it: ISI, PSS-10 and PHQ-9 join the
core set where the episode tracks sleep, stress or mood (the measure on record for it, or a
goal of its current plan), and only then."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from acuback.assessments.services import assessment_record
from acuback.episodes.models import Episode, EpisodeStatus
from acuback.plans.models import Plan
from acuback.plans.services import Goal, Questionnaire, Reassess
from acuback.portal.selectors import has_due_questionnaires
from tests.personas import World
from tests.plans.factories import save
from tests.screening.factories import screen
from tests.visits.factories import start

pytestmark = pytest.mark.django_db

MOOD_MILD = [1, 1, 1, 1, 1, 1, 0, 0, 0]  # PHQ-9: 6 (mild), item 9 "not at all"
PHQ9 = "Patient Health Questionnaire (PHQ-9)"


def _due(client, world: World) -> str:  # noqa: ANN001
    page = client.get(reverse("portal_home")).content.decode()
    return page.split('data-testid="portal-due"')[1].split("</section>")[0]


def _discharge(episode: Episode) -> None:
    Episode.objects.filter(pk=episode.pk).update(status=EpisodeStatus.DISCHARGED,
                                                 closed_on=episode.opened_on)


def test_it_asks_phq9_again_at_discharge_when_mood_was_measured(world: World,
                                                               client_for) -> None:
    assessment_record(actor=world.practitioner, episode=world.episode, instrument="phq9",
                      answers=MOOD_MILD, time_point="baseline")
    _discharge(world.episode)
    due = _due(client_for("patient_user"), world)
    assert "at the end of your course" in due
    assert PHQ9 in due, due


def test_it_never_asks_phq9_of_an_episode_that_does_not_track_mood(world: World,
                                                                 client_for) -> None:
    _discharge(world.episode)
    due = _due(client_for("patient_user"), world)
    assert "at the end of your course" in due  # the core set is due
    assert PHQ9 not in due, due


def test_it_asks_phq9_at_baseline_when_the_plan_sets_a_mood_goal(world: World,
                                                                client_for) -> None:
    screen(world.practitioner, world.episode)
    before = _due(client_for("patient_user"), world)
    assert PHQ9 not in before
    save(world.practitioner, world.episode,
         goals=[Goal(instrument="phq9", comparator="<", target=5)])
    due = _due(client_for("patient_user"), world)
    assert PHQ9 in due, due
    outstanding = client_for("practitioner").get(
        reverse("patient_detail", args=[world.patient.pk])).content.decode()
    block = outstanding.split('data-testid="outstanding-questionnaires"')[1].split("</div>")[0]
    assert "PHQ-9 (before your first treatment)" in block, block


def test_it_asks_phq9_once_per_moment(world: World, client_for) -> None:
    assessment_record(actor=world.practitioner, episode=world.episode, instrument="phq9",
                      answers=MOOD_MILD, time_point="baseline")
    _discharge(world.episode)
    client = client_for("patient_user")
    url = reverse("portal_questionnaire", args=[world.episode.pk, "phq9"])
    assert client.get(url).status_code == 200
    answers = {f"item_{n}": "0" for n in range(1, 10)}
    done = client.post(url, answers)
    assert done.status_code == 302, done.content[:2000]
    due = _due(client, world)
    assert PHQ9 not in due
    assert client.get(url).status_code == 302  # not waiting any more


def _outstanding(client_for, world: World) -> str:  # noqa: ANN001
    page = client_for("practitioner").get(
        reverse("patient_detail", args=[world.patient.pk])).content.decode()
    if 'data-testid="outstanding-questionnaires"' not in page:
        return ""
    return page.split('data-testid="outstanding-questionnaires"')[1].split("</div>")[0]


def test_a_plans_re_assessment_date_makes_the_re_assessment_due_from_that_day(
        world: World, client_for) -> None:
    today = timezone.localdate()
    screen(world.practitioner, world.episode)
    plan = save(world.practitioner, world.episode,
                reassess=Reassess(on_date=today + dt.timedelta(days=1)))
    start(world, world.episode)  # one visit held: no baseline, no every-K re-assessment yet
    patient = client_for("patient_user")
    label = f"re-assessment from {today.day} {today:%B %Y}"
    assert "re-assessment from" not in _due(patient, world)  # the day before
    assert "re-assessment from" not in _outstanding(client_for, world)
    assert not has_due_questionnaires(world.patient)  # so the reminder links to nothing
    Plan.objects.filter(pk=plan.pk).update(reassess_on=today)  # the day comes
    due = _due(patient, world)
    assert due.count(label) == 3, due  # function measure, pain NRS, PEG
    assert f"/portal/questionnaires/{world.episode.pk}/nrs/" in due, due
    assert has_due_questionnaires(world.patient)  # the reminder's link
    assert "NRS (" + label + ")" in _outstanding(client_for, world)
    url = reverse("portal_questionnaire", args=[world.episode.pk, "nrs"])
    assert patient.get(url).status_code == 200
    done = patient.post(url, {"item_1": "4"})
    assert done.status_code == 302, done.content[:2000]
    assert _due(patient, world).count(label) == 2  # the NRS answered on the day is not due again
    assert "NRS (" not in _outstanding(client_for, world)


def test_a_plans_own_questionnaire_is_due_on_the_portal_the_chart_and_the_reminder(
        world: World, client_for) -> None:
    screen(world.practitioner, world.episode)
    save(world.practitioner, world.episode, reassess=Reassess(after_session=5))
    start(world, world.episode)  # one visit held: nothing due by the defaults before visit 6
    patient = client_for("patient_user")
    assert "before visit 2" not in _due(patient, world)
    assert not has_due_questionnaires(world.patient)
    save(world.practitioner, world.episode, based_on=1, reassess=Reassess(after_session=5),
         questionnaires=[Questionnaire("phq9", "before_visit", 2)])
    due = _due(patient, world)
    assert PHQ9 in due and due.count("before visit 2") == 1, due  # the plan's, not the defaults'
    assert "PHQ-9 (before visit 2)" in _outstanding(client_for, world)
    assert has_due_questionnaires(world.patient)  # the reminder links to it
    url = reverse("portal_questionnaire", args=[world.episode.pk, "phq9"])
    done = patient.post(url, {f"item_{n}": "0" for n in range(1, 10)})
    assert done.status_code == 302, done.content[:2000]
    assert PHQ9 not in _due(patient, world)  # answered for its moment: once
    assert "PHQ-9 (" not in _outstanding(client_for, world)


def test_a_revision_without_the_plans_own_questionnaire_no_longer_asks_it(
        world: World, client_for) -> None:
    screen(world.practitioner, world.episode)
    save(world.practitioner, world.episode, reassess=Reassess(after_session=5),
         questionnaires=[Questionnaire("pgic", "every", 1)])
    start(world, world.episode)
    patient = client_for("patient_user")
    assert "Impression of Change" in _due(patient, world)  # every visit: before visit 2
    save(world.practitioner, world.episode, based_on=1, reassess=Reassess(after_session=5))
    assert "before visit 2" not in _due(patient, world)
    assert not has_due_questionnaires(world.patient)


def test_a_visit_entered_in_error_is_not_a_visit_held(world: World, client_for) -> None:
    # The plan's own PHQ-9 before visit 2 is due once one visit is held; the only visit was
    # another patient's, marked entered in error: none is held, so it is not due yet.
    from acuback.visits.signing import visit_amend
    from tests.outcomes.factories import visit_on
    from tests.visits.factories import PLAN_CODES

    screen(world.practitioner, world.episode)
    save(world.practitioner, world.episode, PLAN_CODES, reassess=Reassess(after_session=5),
         questionnaires=[Questionnaire("phq9", "before_visit", 2)])
    wrong = visit_on(world, world.episode, 1)
    assert "PHQ-9 (before visit 2)" in _outstanding(client_for, world)
    visit_amend(actor=world.practitioner, visit=wrong, kind="entered_in_error",
                reason="another patient's visit")
    assert "PHQ-9 (" not in _outstanding(client_for, world)
