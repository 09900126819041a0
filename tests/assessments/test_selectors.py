"""The scoped, audited read paths: clinicians of the clinic, the patient for their own, front
desk refused (403), another clinic not found (404)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from acuback.accounts.access import Forbidden, NotFound
from acuback.assessments import selectors
from acuback.assessments.models import SafetyAlert
from acuback.assessments.services import licensed_wording_load
from acuback.audit.models import AuditEntry, Outcome
from tests.assessments.conftest import ODI_32, PHQ9_ITEM9, Record, invented_wording
from tests.personas import World


@pytest.mark.parametrize("persona", ["practitioner", "owner", "patient_user"])
def test_it_lets_clinicians_and_the_patient_read_an_assessment(
    record: Record, world: World, persona: str
) -> None:
    assessment = record("nrs", [5])
    actor = world.persona(persona)
    assert selectors.assessment_get(actor=actor, assessment_id=assessment.pk) == assessment


def test_it_hides_an_assessment_from_another_clinic(record: Record, world: World) -> None:
    assessment = record("nrs", [5])
    with pytest.raises(NotFound):
        selectors.assessment_get(actor=world.outsider, assessment_id=assessment.pk)


def test_it_refuses_front_desk_an_assessment(record: Record, world: World) -> None:
    assessment = record("nrs", [5])
    with pytest.raises(Forbidden):
        selectors.assessment_get(actor=world.front_desk, assessment_id=assessment.pk)


def test_it_tells_front_desk_not_found_for_another_clinics_assessment(
    record: Record, world: World
) -> None:
    assessment = record("nrs", [5], actor=world.outsider, episode=world.episode_b)
    with pytest.raises(NotFound):
        selectors.assessment_get(actor=world.front_desk, assessment_id=assessment.pk)


def test_it_hides_another_patients_assessment_from_a_patient(
    record: Record, world: World
) -> None:
    assessment = record("nrs", [5], episode=world.other_episode)
    with pytest.raises(NotFound):
        selectors.assessment_get(actor=world.patient_user, assessment_id=assessment.pk)


def test_it_audits_a_read(record: Record, world: World) -> None:
    assessment = record("nrs", [5])
    selectors.assessment_get(actor=world.owner, assessment_id=assessment.pk)
    entry = AuditEntry.objects.filter(object_type="assessment", action="read").get()
    assert (entry.actor_id, entry.object_id, entry.outcome) == (
        world.owner.pk, str(assessment.pk), Outcome.OK)


def test_it_audits_a_refused_read(record: Record, world: World) -> None:
    assessment = record("nrs", [5])
    with pytest.raises(NotFound):
        selectors.assessment_get(actor=world.outsider, assessment_id=assessment.pk)
    entry = AuditEntry.objects.filter(object_type="assessment", action="read").get()
    assert (entry.actor_id, entry.outcome) == (world.outsider.pk, Outcome.NOT_FOUND)


def test_it_answers_not_found_for_a_malformed_id(world: World) -> None:
    with pytest.raises(NotFound):
        selectors.assessment_get(actor=world.practitioner, assessment_id="1 OR 1=1")


def test_it_lists_only_the_episodes_own_assessments(record: Record, world: World) -> None:
    mine = record("nrs", [5])
    record("nrs", [2], episode=world.other_episode)
    assert selectors.assessments_of_episode(actor=world.practitioner, episode=world.episode) == [
        mine]


def test_it_lists_newest_first(record: Record, world: World) -> None:
    now = timezone.now()
    old = record("nrs", [7], administered_at=now - dt.timedelta(days=30))
    new = record("nrs", [3], time_point="follow_up", administered_at=now)
    assert selectors.assessments_of_episode(actor=world.patient_user, episode=world.episode) == [
        new, old]


def test_it_refuses_front_desk_an_episodes_list(world: World) -> None:
    with pytest.raises(Forbidden):
        selectors.assessments_of_episode(actor=world.front_desk, episode=world.episode)


def test_it_finds_the_first_baseline_of_the_same_instrument(record: Record) -> None:
    now = timezone.now()
    first = record("nrs", [7], administered_at=now - dt.timedelta(days=40))
    record("nrs", [6], administered_at=now - dt.timedelta(days=39))
    record("odi", ODI_32, administered_at=now - dt.timedelta(days=41))
    follow_up = record("nrs", [3], time_point="follow_up")
    assert selectors.baseline_for(follow_up) == first


def test_it_finds_no_baseline_for_a_baseline(record: Record) -> None:
    assert selectors.baseline_for(record("nrs", [7])) is None


def test_it_shows_open_alerts_to_clinicians(record: Record, world: World) -> None:
    record("phq9", PHQ9_ITEM9)
    alerts = selectors.open_alerts(actor=world.practitioner, patient=world.patient)
    assert [a.kind for a in alerts] == ["phq9_item9"]


@pytest.mark.parametrize("persona", ["patient_user", "front_desk", "outsider"])
def test_it_shows_no_alert_banner_to_anyone_else(
    record: Record, world: World, persona: str
) -> None:
    record("phq9", PHQ9_ITEM9)
    assert selectors.open_alerts(actor=world.persona(persona), patient=world.patient) == []


def test_it_drops_an_acknowledged_alert_from_the_open_ones(record: Record, world: World) -> None:
    record("phq9", PHQ9_ITEM9)
    SafetyAlert.objects.update(acknowledged_at=timezone.now(), acknowledged_by=world.owner)
    assert selectors.open_alerts(actor=world.practitioner, patient=world.patient) == []


def test_it_hides_an_alert_from_another_clinic(record: Record, world: World) -> None:
    record("phq9", PHQ9_ITEM9)
    with pytest.raises(NotFound):
        selectors.alert_get(actor=world.outsider, alert_id=SafetyAlert.objects.get().pk)


@pytest.mark.parametrize("persona", ["front_desk", "patient_user"])
def test_it_refuses_an_alert_to_non_clinicians(record: Record, world: World, persona: str) -> None:
    record("phq9", PHQ9_ITEM9)
    with pytest.raises(Forbidden):
        selectors.alert_get(actor=world.persona(persona), alert_id=SafetyAlert.objects.get().pk)


def test_it_uses_the_clinics_newest_wording(world: World) -> None:
    licensed_wording_load(clinic=world.clinic_a, data=invented_wording("odi"))
    newer = invented_wording("odi") | {"language": "en-US"}
    licensed_wording_load(clinic=world.clinic_a, data=newer)
    found = selectors.latest_wording(clinic_id=world.clinic_a.pk, instrument="odi")
    assert found is not None and found.wording.language == "en-US"


def test_it_keeps_one_clinics_wording_from_another(world: World) -> None:
    licensed_wording_load(clinic=world.clinic_a, data=invented_wording("odi"))
    assert selectors.latest_wording(clinic_id=world.clinic_b.pk, instrument="odi") is None


def test_it_suggests_follow_up_once_a_baseline_exists(record: Record, world: World) -> None:
    record("nrs", [7])
    assert selectors.suggested_time_point(episode=world.episode, instrument="nrs") == "follow_up"
    assert selectors.suggested_time_point(episode=world.episode, instrument="odi") == "baseline"


def test_it_summarises_a_patients_episodes(record: Record, world: World) -> None:
    record("nrs", [7])
    latest = record("nrs", [4], time_point="follow_up")
    summary = selectors.assessment_summary_of_patient(actor=world.practitioner,
                                                      patient=world.patient)
    assert [(s.episode, s.count, s.latest) for s in summary] == [(world.episode, 2, latest)]


def test_it_summarises_nothing_for_front_desk(record: Record, world: World) -> None:
    record("nrs", [7])
    assert selectors.assessment_summary_of_patient(actor=world.front_desk,
                                                   patient=world.patient) == []


def test_it_shows_an_episodes_open_alerts_newest_first_and_no_one_elses(
        record: Record, world: World) -> None:
    # open_alerts is a hand-written statement: each of its clauses decides what is shown.
    from acuback.episodes.models import Episode
    from tests.personas import make_episode
    from tests.screening.factories import URGENT, screen

    older = record("phq9", PHQ9_ITEM9)  # world.episode (Ada's): an answer raises an alert
    second = make_episode(world.practitioner, world.patient, region="thoracic",
                          icd10_code="M54.6")
    screen(world.practitioner, second, *URGENT)  # Ada's other episode: a red flag
    record("phq9", PHQ9_ITEM9, episode=world.other_episode)  # Grace's
    newer = record("phq9", PHQ9_ITEM9)
    mine = selectors.open_alerts(actor=world.practitioner, patient=world.patient)
    assert [a.kind for a in mine] == ["phq9_item9", "red_flag_referral", "phq9_item9"]
    assert [a.assessment_id for a in mine] == [newer.pk, None, older.pk]  # newest first
    on_first = selectors.open_alerts(actor=world.practitioner, patient=world.patient,
                                     episode=world.episode)
    assert [a.assessment_id for a in on_first] == [newer.pk, older.pk]
    on_second = selectors.open_alerts(actor=world.practitioner, patient=world.patient,
                                      episode=Episode.objects.get(pk=second.pk))
    assert [(a.kind, a.screening.episode_id) for a in on_second] == [
        ("red_flag_referral", second.pk)]
    assert {a.patient for a in mine} == {world.patient}


def test_an_episodes_list_reads_who_entered_each_and_its_alerts_as_the_orm_does(
        record: Record, world: World, django_assert_num_queries) -> None:  # noqa: ANN001
    # assessments_of_episode is a hand-written statement (a row per alert): each of its
    # clauses decides what is listed.
    from acuback.assessments.models import AlertKind, Assessment

    now = timezone.now()
    old = record("phq9", PHQ9_ITEM9, administered_at=now - dt.timedelta(days=9))  # one alert
    plain = record("nrs", [4], administered_at=now - dt.timedelta(days=5))  # none
    two = record("phq9", PHQ9_ITEM9, administered_at=now - dt.timedelta(days=1))
    other = next(k for k in AlertKind.values if k != SafetyAlert.objects.get(assessment=two).kind)
    SafetyAlert.objects.create(clinic=world.clinic_a, patient=world.patient, assessment=two,
                               kind=other, raised_by=world.owner,
                               acknowledged_at=now, acknowledged_by=world.owner)
    record("phq9", PHQ9_ITEM9, episode=world.other_episode)  # Grace's, with its alert
    expected = list(Assessment.objects.filter(episode=world.episode)
                    .select_related("entered_by_user").prefetch_related("alerts"))
    found = selectors.assessments_of_episode(actor=world.practitioner, episode=world.episode)
    assert [a.pk for a in found] == [two.pk, plain.pk, old.pk]  # newest first
    with django_assert_num_queries(0):  # everything came with the read
        assert [_fields(a) for a in found] == [_fields(a) for a in expected]
        assert [_fields(a.entered_by_user) for a in found] == [
            _fields(a.entered_by_user) for a in expected]
        assert [[_fields(x) for x in a.alerts.all()] for a in found] == [
            [_fields(x) for x in a.alerts.all()] for a in expected]
        assert [len(a.alerts.all()) for a in found] == [2, 0, 1]
        assert all(x.assessment is a for a in found for x in a.alerts.all())


def _fields(row: object) -> dict[str, object]:
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}


def test_a_patients_summary_counts_each_episodes_own_and_shows_the_newest_answered(
        record: Record, world: World, django_assert_num_queries) -> None:  # noqa: ANN001
    # The summary is a hand-written statement: each of its clauses decides what is shown. Its
    # rows also answer the chart's questionnaires-due panel (portal.selectors), which then
    # reads one statement fewer and finds the same.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from acuback.episodes.selectors import episodes_of_patient
    from acuback.patients.selectors import patient_get
    from acuback.portal.selectors import questionnaires_due
    from tests.personas import make_episode

    now = timezone.now()
    second = make_episode(world.practitioner, world.patient, region="thoracic",
                          icd10_code="M54.6")
    newest = record("nrs", [4], administered_at=now - dt.timedelta(days=1))
    record("nrs", [7], administered_at=now - dt.timedelta(days=8))  # recorded later, older
    on_second = record("odi", ODI_32, episode=second, administered_at=now)
    record("nrs", [2], episode=world.other_episode, administered_at=now)  # Grace's

    def held(summarised: bool) -> tuple[list[tuple[int, str]], int]:
        patient = patient_get(actor=world.practitioner, patient_id=world.patient.pk)
        episodes_of_patient(actor=world.practitioner, patient=patient)
        if summarised:
            summary = selectors.assessment_summary_of_patient(actor=world.practitioner,
                                                              patient=patient)
            assert [(s.episode.pk, s.count, s.latest.pk) for s in summary] == [
                (second.pk, 1, on_second.pk), (world.episode.pk, 2, newest.pk)]
        with CaptureQueriesContext(connection) as done:
            due = [(d.episode.pk, d.definition.id) for d in questionnaires_due(patient)]
        return due, len(done)

    plain, plain_queries = held(False)
    shared, shared_queries = held(True)
    assert shared == plain and shared_queries == plain_queries - 1
