"""Importing red-flag screens and referral outcomes: through the screening services, acuback's
own decision, a question not asked kept not asked, never over a screen the clinic holds, a bad
screen refusing the whole Bundle. (The round trip is in test_import.py.)"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from acuback.audit.models import AuditEntry
from acuback.episodes.models import EpisodeStatus
from acuback.interop.importer import ImportRefused, bundle_import
from acuback.screening.models import Referral, ReferralOutcome, Screening
from acuback.screening.selectors import episode_planning_status
from acuback.screening.services import referral_record
from tests.interop.conftest import Json, exported_resources
from tests.interop.test_import import _bundle, _empty_clinic
from tests.interop.test_screening_resources import component
from tests.personas import World
from tests.screening.factories import URGENT, answers, screen

CLEARANCE = "Dr Hale (GP): bone scan clear. Cleared for acupuncture."


@pytest.fixture
def sent(world: World, tmp_path: Path) -> list[Json]:
    """Clinic A's patients, episodes, screens and referral outcomes, and its Practitioners."""
    screen(world.practitioner, world.episode)
    urgent = screen(world.practitioner, world.other_episode, *URGENT)
    referral_record(actor=world.practitioner, screening=urgent,
                    outcome=ReferralOutcome.REFERRED_GP_URGENT)
    referral_record(actor=world.practitioner, screening=urgent,
                    outcome=ReferralOutcome.CLEARED_BY_PHYSICIAN, note=CLEARANCE)
    return [r for r in exported_resources(world.owner, tmp_path)
            if r["resourceType"] in ("Patient", "EpisodeOfCare", "Condition", "Practitioner")
            or r["id"].startswith(("screening-", "referral-"))]


def _screen_of(resources: list[Json], world: World, patient: object) -> Json:
    return next(r for r in resources if r["id"].startswith("screening-")
                and r["subject"]["reference"] == f"Patient/{patient}")


def test_it_imports_screens_and_outcomes_through_the_services(world: World,
                                                               sent: list[Json]) -> None:
    owner = _empty_clinic(npi=world.practitioner.practitioner.npi)
    result = bundle_import(actor=owner, bundle=_bundle(sent))
    assert sum(c.startswith("Observation/screening-") for c in result.created) == 2
    imported = Screening.objects.get(clinic__slug="lakeside", decision="urgent")
    assert imported.recorded_by == owner  # matched by NPI: the same clinician
    outcomes = list(Referral.objects.filter(screening=imported).order_by("recorded_at"))
    assert [r.outcome for r in outcomes] == ["referred_gp_urgent", "cleared_by_physician"]
    assert outcomes[1].note == CLEARANCE
    assert episode_planning_status(imported.episode).allowed  # cleared, as at the source
    audited = AuditEntry.objects.filter(object_type="screening", object_id=str(imported.pk))
    assert audited.get().detail["imported"] is True


def test_it_decides_the_screen_itself_and_reports_a_mismatch(world: World,
                                                             sent: list[Json]) -> None:
    resources = copy.deepcopy(sent)
    urgent = _screen_of(resources, world, world.other_patient.pk)
    urgent["valueCodeableConcept"]["coding"][0]["code"] = "clear"
    result = bundle_import(actor=_empty_clinic(npi=""), bundle=_bundle(resources))
    assert any("acuback screens these answers urgent" in i.diagnostics for i in result.issues)
    assert any("recorded as by you" in i.diagnostics for i in result.issues)  # no NPI match
    assert Screening.objects.filter(clinic__slug="lakeside", decision="urgent").exists()


def test_it_keeps_a_question_not_asked_and_the_screen_cannot_clear_planning(
    world: World, sent: list[Json]
) -> None:
    resources = copy.deepcopy(sent)
    clear = _screen_of(resources, world, world.patient.pk)
    fever = component(clear, "fever")
    del fever["valueBoolean"]
    fever["dataAbsentReason"] = {"coding": [{
        "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
        "code": "not-asked"}]}
    bundle_import(actor=_empty_clinic(npi=""), bundle=_bundle(resources))
    imported = Screening.objects.get(clinic__slug="lakeside", decision="clear")
    assert imported.answers["fever"] is None and imported.not_asked == ["fever"]
    assert not episode_planning_status(imported.episode).allowed


def test_it_writes_no_screen_beside_one_the_clinic_holds(world: World,
                                                         sent: list[Json]) -> None:
    """A screen from elsewhere, for an episode this clinic screened itself, is left out."""
    resources = copy.deepcopy(sent)
    theirs = _screen_of(resources, world, world.patient.pk)
    theirs["identifier"] = [{"system": "https://elsewhere.example/screen", "value": "9"}]
    component(theirs, "fever")["valueBoolean"] = True
    before = Screening.objects.count()
    result = bundle_import(actor=world.practitioner, bundle=_bundle([theirs]))
    assert any("already has a red-flag screen" in i.diagnostics for i in result.issues)
    assert Screening.objects.count() == before
    assert not Screening.objects.filter(episode=world.episode, decision="routine").exists()


def test_it_leaves_the_episode_status_to_its_own_record(world: World,
                                                        sent: list[Json]) -> None:
    bundle_import(actor=_empty_clinic(npi=""), bundle=_bundle(sent))
    imported = Screening.objects.get(clinic__slug="lakeside", decision="urgent")
    assert imported.episode.status == EpisodeStatus.ACTIVE  # as the file's EpisodeOfCare says


def test_it_refuses_a_bad_screen_whole(world: World, sent: list[Json]) -> None:
    resources = copy.deepcopy(sent)
    clear = _screen_of(resources, world, world.patient.pk)
    component(clear, "fever")["valueBoolean"] = "maybe"
    component(clear, "night-pain")["code"]["coding"][0]["code"] = "night-terrors"
    referral = next(r for r in resources if r["id"].startswith("referral-"))
    referral["valueCodeableConcept"]["coding"][0]["code"] = "sent-home"
    owner = _empty_clinic(npi="")
    with pytest.raises(ImportRefused) as refused:
        bundle_import(actor=owner, bundle=_bundle(resources))
    index = {r["id"]: i for i, r in enumerate(resources)}
    where = {i.expression for i in refused.value.issues}
    at = f"Bundle.entry[{index[clear['id']]}].resource.component"
    # "maybe" is no boolean: the screen's form is refused first (its other answers are read
    # once its form is right); the referral, another entry, is read all the same.
    assert f"{at}[{list(answers()).index('fever')}].valueBoolean" in where
    assert f"Bundle.entry[{index[referral['id']]}].resource.valueCodeableConcept" in where
    assert not Screening.objects.filter(clinic__slug="lakeside").exists()


def test_it_refuses_a_screen_of_an_episode_it_cannot_find(world: World,
                                                          sent: list[Json]) -> None:
    clear = copy.deepcopy(_screen_of(sent, world, world.patient.pk))
    with pytest.raises(ImportRefused) as refused:
        bundle_import(actor=world.outsider, bundle=_bundle([clear]))  # clinic A's episode
    assert {i.expression for i in refused.value.issues} >= {
        "Bundle.entry[0].resource.extension", "Bundle.entry[0].resource.subject"}
