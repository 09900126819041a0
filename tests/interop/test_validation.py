"""Every resource type acuback writes passes four independent validators (tests/interop/
validators.py) on records hypothesis invents; and the validators catch what they should."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuback.assessments.services import assessment_record
from acuback.clinical import icd10, instruments
from acuback.episodes.models import EpisodeStatus, Radiation, Region, Side
from acuback.episodes.services import EpisodeInput, episode_create, episode_update
from acuback.patients.services import PatientInput, health_history_write, patient_create
from tests.interop import validators
from tests.interop.conftest import exported_resources
from tests.personas import World

# --- records hypothesis invents ----------------------------------------------------------------

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
                min_size=1, max_size=30).filter(lambda s: s.strip() != "")
records = st.fixed_dictionaries({
    "given": names, "family": names,
    "born": st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)),
    "sex": st.sampled_from(["female", "male", "other", "unknown"]),
    "phone": st.sampled_from(["", "+1 202 555 0100", "+44 20 7946 0000"]),
    "email": st.sampled_from(["", "someone@example.org"]),
    "address": st.sampled_from(["", "1 High Street\nRiverside"]),
    "region": st.sampled_from(Region.values), "side": st.sampled_from(Side.values),
    "radiation": st.sampled_from(Radiation.values),
    "code": st.sampled_from(sorted(icd10.code_list().codes)),
    "cause": st.sampled_from(["", "lifting", "fall on ice — “slipped”"]),
    "status": st.sampled_from(EpisodeStatus.values),
    "onset_days": st.integers(0, 20000),
    "instrument": st.sampled_from(sorted(instruments.INSTRUMENTS)),
    "seed": st.randoms(use_true_random=False),
    # yes / no / not asked (None) for each question; the device and broken skin likewise.
    "health": st.fixed_dictionaries({
        key: st.sampled_from([True, False, None]) for key in (
            "anticoagulant", "bleeding_disorder", "needle_phobia", "diabetes", "epilepsy")} | {
        "implanted_device": st.sampled_from([None, "none", "pacemaker"]),
        "skin_lesion_regions": st.sampled_from([None, [], ["lower_back"]])}),
})


def _answers(instrument: str, rng: Any) -> list[int]:
    return [rng.choice(sorted(item.codes)) for item in instruments.get(instrument).items]


def _chart(world: World, record: dict[str, Any]) -> None:
    actor = world.practitioner
    patient = patient_create(actor=actor, data=PatientInput(
        given_name=record["given"], family_name=record["family"],
        date_of_birth=record["born"], sex=record["sex"], phone=record["phone"],
        email=record["email"], address=record["address"], practitioner_id=actor.pk))
    # Pain begins after birth (an onset before it is refused), up to ~55 years ago.
    lived = (dt.date.today() - record["born"]).days
    data = EpisodeInput(onset_date=dt.date.today() - dt.timedelta(
                            days=min(record["onset_days"], lived)),
                        region=record["region"], side=record["side"],
                        icd10_code=record["code"], radiation=record["radiation"],
                        suspected_cause=record["cause"])
    episode = episode_create(actor=actor, patient=patient, data=data)
    if record["status"] != EpisodeStatus.ACTIVE:
        data.status = record["status"]
        episode = episode_update(actor=actor, episode=episode, data=data, version=1)
    health_history_write(actor=actor, patient=patient, answers=record["health"], version=1,
                         source="patient")
    assessment_record(actor=actor, episode=episode, instrument=record["instrument"],
                      answers=_answers(record["instrument"], record["seed"]),
                      time_point="baseline")


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(record=records)
def test_it_passes_every_validator_on_invented_records(
    world: World, tmp_path: Path, record: dict[str, Any]
) -> None:
    with transaction.atomic():
        _chart(world, record)
        exported = exported_resources(world.owner, tmp_path / str(abs(hash(repr(record)))))
        transaction.set_rollback(True)
    assert validators.problems(exported) == {}


# --- the validators themselves catch what they should ------------------------------------------


BAD = {"resourceType": "Patient", "id": "1", "gender": "femme", "birthDate": "1970-13-01",
       "extension": [{"url": "https://example.org/no-value"}]}


def test_it_has_a_schema_that_refuses_a_bad_date() -> None:
    assert any("birthDate" in m for m in validators.schema_problems(BAD))


def test_it_has_models_that_refuse_a_bad_date() -> None:
    assert any("birthDate" in m for m in validators.model_problems(BAD))


def test_it_has_fhirjs_refuse_a_code_outside_its_value_set() -> None:
    assert any("gender" in m for m in validators.fhirjs_problems([BAD])[0])


def test_it_has_invariants_refuse_an_extension_without_value() -> None:
    assert any("ext-1" in m for m in validators.invariant_problems(BAD))


def test_it_has_invariants_refuse_a_value_beside_a_reason_for_absence() -> None:
    observation = {"resourceType": "Observation", "status": "final", "code": {"text": "x"},
                   "valueQuantity": {"value": 1}, "dataAbsentReason": {"text": "not asked"}}
    assert any("obs-6" in m for m in validators.invariant_problems(observation))


def test_it_has_invariants_refuse_a_nested_extension_without_value_and_a_backward_period() -> None:
    """ext-1 and per-1 hold wherever the element is, not only at the resource's top."""
    procedure = {"resourceType": "Procedure", "status": "completed",
                 "subject": {"reference": "Patient/1"},
                 "performedPeriod": {"start": "2026-01-01T10:00:00+00:00",
                                     "end": "2026-01-01T09:00:00+00:00"},
                 "bodySite": [{"extension": [{"url": "https://example.org/side",
                                              "extension": [{"url": "no-value"}]}]}]}
    found = validators.invariant_problems(procedure)
    assert any("ext-1" in m and "no-value" in m for m in found)
    assert any("per-1" in m and "09:00" in m for m in found)


def test_it_has_invariants_refuse_a_reference_to_a_missing_contained_resource() -> None:
    condition = {"resourceType": "Condition", "subject": {"reference": "Patient/1"},
                 "clinicalStatus": {"coding": [{"code": "active"}]},
                 "evidence": [{"detail": [{"reference": "#goal-1"}]}]}
    assert any("ref-1" in m for m in validators.invariant_problems(condition))
    condition["contained"] = [{"resourceType": "Goal", "id": "goal-1"}]
    assert not any("ref-1" in m for m in validators.invariant_problems(condition))


def test_it_sends_a_no_break_space_in_a_name_as_a_space(world: World, tmp_path: Path) -> None:
    patient_create(actor=world.practitioner, data=PatientInput(
        given_name="Ana\u00a0María", family_name="de\u2009la Cruz",
        date_of_birth=dt.date(1980, 5, 1), sex="female"))
    exported = exported_resources(world.owner, tmp_path)
    sent = next(r for r in exported if r["resourceType"] == "Patient"
                and r["name"][0]["given"] == ["Ana María"])
    assert sent["name"][0]["family"] == "de la Cruz"
    assert validators.problems([sent]) == {}
