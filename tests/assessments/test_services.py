"""assessment_record, alert_acknowledge, licensed_wording_load: the write paths."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from acuback.accounts.access import Forbidden, NotFound
from acuback.assessments.models import (
    Assessment,
    EnteredBy,
    ImmutableRecordError,
    LicensedWording,
    SafetyAlert,
    TimePoint,
)
from acuback.assessments.services import alert_acknowledge, licensed_wording_load
from acuback.audit.models import AuditEntry, Outcome
from acuback.clinical.instruments import WordingError
from acuback.errors import ConflictError, InputError
from tests.assessments.conftest import ODI_32, PHQ9_CALM, PHQ9_ITEM9, Record, invented_wording
from tests.personas import World


def test_it_stores_the_definition_version_with_the_result(record: Record) -> None:
    assessment = record("odi", ODI_32)
    assessment.refresh_from_db()
    assert assessment.definition_version == "odi-2.1a/acuback-1"


def test_it_stores_the_answers_and_the_cores_result(record: Record) -> None:
    assessment = record("odi", [*ODI_32[:7], None, *ODI_32[8:]])
    assessment.refresh_from_db()
    assert assessment.answers == [2, 1, 2, 1, 2, 2, 1, None, 1, 2]
    assert assessment.results == {"instrument": "odi", "total": 100 * 14 / 45,
                                  "band": "moderate", "answered": 9}


def test_it_denormalises_total_and_band_for_queries(record: Record) -> None:
    record("odi", ODI_32)
    assert Assessment.objects.filter(total=32.0, band="moderate").count() == 1


def test_it_audits_the_creation(record: Record, world: World) -> None:
    assessment = record("nrs", [6])
    entry = AuditEntry.objects.filter(object_type="assessment", action="create").get()
    assert (entry.object_id, entry.outcome, entry.actor_id) == (
        str(assessment.pk), Outcome.OK, world.practitioner.pk)
    assert entry.detail["version"] == "nrs-11/acuback-1"


def test_it_raises_a_safety_alert_when_phq9_item9_is_above_zero(record: Record) -> None:
    assessment = record("phq9", PHQ9_ITEM9)
    alert = SafetyAlert.objects.get()
    assert (alert.assessment, alert.kind, alert.is_open) == (assessment, "phq9_item9", True)


def test_it_audits_the_safety_alert_on_its_own(record: Record) -> None:
    record("phq9", PHQ9_ITEM9)
    alert = SafetyAlert.objects.get()
    entry = AuditEntry.objects.get(object_type="safety_alert")
    assert (entry.action, entry.object_id) == ("create", str(alert.pk))


def test_it_raises_no_alert_when_item9_is_zero(record: Record) -> None:
    record("phq9", PHQ9_CALM)
    assert not SafetyAlert.objects.exists()


def test_it_marks_a_clinicians_entry_as_clinician(record: Record, world: World) -> None:
    assessment = record("nrs", [3])
    assert (assessment.entered_by, assessment.entered_by_user) == (
        EnteredBy.CLINICIAN, world.practitioner)


def test_it_marks_the_patients_own_entry_as_patient(record: Record, world: World) -> None:
    assessment = record("nrs", [3], actor=world.patient_user)
    assert (assessment.entered_by, assessment.entered_by_user) == (
        EnteredBy.PATIENT, world.patient_user)


def test_it_refuses_a_patient_recording_on_another_patients_episode(
    record: Record, world: World
) -> None:
    with pytest.raises(NotFound):
        record("nrs", [3], actor=world.patient_user, episode=world.other_episode)
    assert not Assessment.objects.exists()


def test_it_refuses_front_desk(record: Record, world: World) -> None:
    with pytest.raises(Forbidden):
        record("nrs", [3], actor=world.front_desk)


def test_it_refuses_a_clinician_of_another_clinic(record: Record, world: World) -> None:
    with pytest.raises(NotFound):
        record("nrs", [3], actor=world.outsider)
    assert not Assessment.objects.exists()


def test_it_names_the_item_of_an_out_of_range_answer(record: Record) -> None:
    with pytest.raises(InputError) as caught:
        record("phq9", [0, 0, 7, 0, 0, 0, 0, 0, 0])
    assert caught.value.errors == {
        "answers": ["item 3 (sleep): 7 is not an allowed answer (0-3)"]
    }


def test_it_stores_nothing_when_one_answer_is_bad(record: Record) -> None:
    with pytest.raises(InputError):
        record("phq9", [0, 0, 0, 0, 0, 0, 0, "1", 3])
    assert (Assessment.objects.count(), SafetyAlert.objects.count()) == (0, 0)


def test_it_keeps_the_refusal_on_the_audit_trail(record: Record) -> None:
    with pytest.raises(InputError):
        record("phq9", [0] * 8)
    entry = AuditEntry.objects.get(object_type="assessment")
    assert entry.outcome == Outcome.INVALID
    assert entry.detail["errors"] == {"answers": ["phq9 needs 9 answers, got 8"]}


def test_it_refuses_a_response_the_missing_item_rule_cannot_score(record: Record) -> None:
    with pytest.raises(InputError) as caught:
        record("odi", [None, None, None, 1, 1, 1, 1, 1, 1, 1])
    assert "at least 8 of 10" in caught.value.message
    assert not Assessment.objects.exists()


def test_it_refuses_a_skipped_item_where_none_may_be_skipped(record: Record) -> None:
    with pytest.raises(InputError) as caught:
        record("phq9", [0, 0, None, 0, 0, 0, 0, 0, 0])
    assert "item 3 (sleep) skipped" in caught.value.message


def test_it_refuses_an_unknown_instrument(record: Record) -> None:
    with pytest.raises(InputError) as caught:
        record("oswestry", [1])
    assert list(caught.value.errors) == ["instrument"]


def test_it_requires_a_visit_number_before_a_visit(record: Record) -> None:
    with pytest.raises(InputError) as caught:
        record("nrs", [4], time_point=TimePoint.BEFORE_VISIT)
    assert list(caught.value.errors) == ["visit_number"]


def test_it_stores_the_visit_number_before_a_visit(record: Record) -> None:
    assessment = record("nrs", [4], time_point=TimePoint.BEFORE_VISIT, visit_number=3)
    assert assessment.time_point_label == "Before visit 3"


def test_it_refuses_a_visit_number_at_baseline(record: Record) -> None:
    with pytest.raises(InputError) as caught:
        record("nrs", [4], visit_number=2)
    assert list(caught.value.errors) == ["visit_number"]


def test_it_refuses_an_unknown_time_point(record: Record) -> None:
    with pytest.raises(InputError) as caught:
        record("nrs", [4], time_point="someday")
    assert list(caught.value.errors) == ["time_point"]


def test_it_refuses_an_answer_time_in_the_future(record: Record) -> None:
    with pytest.raises(InputError) as caught:
        record("nrs", [4], administered_at=timezone.now() + dt.timedelta(days=1))
    assert list(caught.value.errors) == ["administered_at"]


def test_it_keeps_the_given_answer_time(record: Record) -> None:
    when = timezone.now() - dt.timedelta(days=3)
    assert record("nrs", [4], administered_at=when).administered_at == when


def test_it_never_edits_a_stored_assessment(record: Record) -> None:
    assessment = record("nrs", [4])
    assessment.total = 0
    with pytest.raises(ImmutableRecordError):
        assessment.save()


def test_it_never_deletes_a_stored_assessment(record: Record) -> None:
    assessment = record("nrs", [4])
    with pytest.raises(ImmutableRecordError):
        assessment.delete()


def test_it_lets_the_database_refuse_a_visit_number_off_its_time_point(
    record: Record, world: World
) -> None:
    assessment = record("nrs", [4])
    with pytest.raises(IntegrityError):
        Assessment.objects.filter(pk=assessment.pk).update(visit_number=2)


# --- acknowledging an alert -------------------------------------------------------------------


def test_it_records_who_acknowledged_the_alert_and_when(record: Record, world: World) -> None:
    record("phq9", PHQ9_ITEM9)
    alert = alert_acknowledge(actor=world.owner, alert=SafetyAlert.objects.get(),
                              note="Phoned; safe, GP informed.")
    assert (alert.acknowledged_by, alert.note, alert.is_open) == (
        world.owner, "Phoned; safe, GP informed.", False)


def test_it_audits_the_acknowledgement(record: Record, world: World) -> None:
    record("phq9", PHQ9_ITEM9)
    alert = alert_acknowledge(actor=world.practitioner, alert=SafetyAlert.objects.get(),
                              note="Phoned.")
    entry = AuditEntry.objects.filter(object_type="safety_alert", action="update").get()
    assert entry.object_id == str(alert.pk)


def test_it_acknowledges_an_alert_only_once(record: Record, world: World) -> None:
    record("phq9", PHQ9_ITEM9)
    alert = SafetyAlert.objects.get()
    alert_acknowledge(actor=world.practitioner, alert=alert, note="Phoned.")
    with pytest.raises(ConflictError):
        alert_acknowledge(actor=world.owner, alert=alert, note="Phoned too.")


def test_it_keeps_an_alert_open_without_a_note(record: Record, world: World) -> None:
    record("phq9", PHQ9_ITEM9)
    with pytest.raises(InputError) as raised:
        alert_acknowledge(actor=world.practitioner, alert=SafetyAlert.objects.get(), note=" ")
    assert "note" in raised.value.errors
    assert SafetyAlert.objects.get().is_open


def test_it_lets_only_clinicians_acknowledge(record: Record, world: World) -> None:
    record("phq9", PHQ9_ITEM9, actor=world.patient_user)
    with pytest.raises(Forbidden):
        alert_acknowledge(actor=world.patient_user, alert=SafetyAlert.objects.get(),
                          note="I am fine")


# --- licensed wording --------------------------------------------------------------------------


def test_it_stores_licensed_wording_that_fits(world: World) -> None:
    row = licensed_wording_load(clinic=world.clinic_a, data=invented_wording("odi"))
    assert (row.instrument, row.language, row.clinic) == ("odi", "en-GB", world.clinic_a)


def test_it_stores_nothing_when_the_wording_misfits(world: World) -> None:
    data = invented_wording("odi")
    data["items"] = data["items"][:9]
    with pytest.raises(WordingError):
        licensed_wording_load(clinic=world.clinic_a, data=data)
    assert not LicensedWording.objects.exists()


def test_it_refuses_wording_loaded_by_another_clinics_user(world: World) -> None:
    with pytest.raises(Forbidden):
        licensed_wording_load(clinic=world.clinic_a, data=invented_wording("odi"),
                              loaded_by=world.outsider)


def test_it_remembers_the_wording_shown_with_the_assessment(
    record: Record, world: World
) -> None:
    row = licensed_wording_load(clinic=world.clinic_a, data=invented_wording("odi"))
    assert record("odi", ODI_32).wording == row
