"""Red-flag screens and their referral outcomes in FHIR: one Observation per screen
(`screening-<id>`, a component per question, tri-state) and one per referral outcome
(`referral-<id>`), in read, search, $everything and bulk export, valid by every validator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from acuback.clinical.screening import FLAG_QUESTIONS
from acuback.screening.models import ReferralOutcome, Screening
from acuback.screening.services import Recorded, referral_record, screening_record
from tests.interop import validators
from tests.interop.conftest import ClientFor, Json, entries, exported_resources, fhir_get
from tests.personas import World
from tests.screening.factories import ROUTINE, URGENT, answers, screen

CLEARANCE = "Seen by Dr Hale (GP): MRI shows no metastasis. Cleared for acupuncture."


def component(resource: Json, code: str) -> Json:
    return next(c for c in resource["component"] if c["code"]["coding"][0]["code"] == code)


def own_extensions(holder: Json) -> dict[str, object]:
    return {e["url"].rsplit("/", 1)[1]: next(v for k, v in e.items() if k.startswith("value"))
            for e in holder.get("extension") or []}


@pytest.fixture
def screened(world: World) -> World:
    """Clinic A: a routine screen (one answer given no "at once"), an urgent screen referred
    and then cleared by a physician; clinic B: a clear screen."""
    flags: dict[str, object] = {**answers(*ROUTINE), "thoracic_pain": None}
    screening_record(actor=world.practitioner, episode=world.episode, flags=flags,
                     rest_no=True)
    urgent = screen(world.practitioner, world.other_episode, *URGENT)
    referral_record(actor=world.practitioner, screening=urgent,
                    outcome=ReferralOutcome.REFERRED_GP_URGENT)
    referral_record(actor=world.owner, screening=urgent,
                    outcome=ReferralOutcome.CLEARED_BY_PHYSICIAN, note=CLEARANCE)
    screen(world.outsider, world.episode_b)
    return world


def test_it_exports_every_answer_and_the_decision(client_for: ClientFor,
                                                   screened: World) -> None:
    routine = Screening.objects.get(episode=screened.episode)
    sent = fhir_get(client_for("practitioner"), f"/fhir/Observation/screening-{routine.pk}")
    assert sent["valueCodeableConcept"]["coding"][0]["code"] == "routine"
    assert sent["subject"]["reference"] == f"Patient/{screened.patient.pk}"
    assert sent["performer"] == [{"reference": f"Practitioner/{screened.practitioner.pk}"}]
    assert sent["effectiveDateTime"] == routine.screened_on.isoformat()
    assert own_extensions(sent)["nonspecific-back-pain"] is False  # inflammatory flag
    assert [c["code"]["coding"][0]["code"] for c in sent["component"]] == [
        str(flag).replace("_", "-") for flag in FLAG_QUESTIONS]
    stiffness = component(sent, "morning-stiffness")
    assert stiffness["valueBoolean"] is True
    assert own_extensions(stiffness)["red-flag-level"] == "routine"
    assert component(sent, "fever")["valueBoolean"] is False
    assert "answered-no-at-once" not in own_extensions(component(sent, "fever"))
    thoracic = component(sent, "thoracic-pain")
    assert thoracic["valueBoolean"] is False
    assert own_extensions(thoracic)["answered-no-at-once"] is True


def test_it_exports_the_referral_outcomes_and_the_clearance_with_its_grounds(
    client_for: ClientFor, screened: World
) -> None:
    urgent = Screening.objects.get(episode=screened.other_episode)
    found = entries(fhir_get(client_for("practitioner"),
                             f"/fhir/Observation?patient={screened.other_patient.pk}"))
    referrals = sorted((r for r in found if r["id"].startswith("referral-")),
                       key=lambda r: r["effectiveDateTime"])
    assert [r["valueCodeableConcept"]["coding"][0]["code"] for r in referrals] == [
        "referred_gp_urgent", "cleared_by_physician"]
    assert {r["derivedFrom"][0]["reference"] for r in referrals} == {
        f"Observation/screening-{urgent.pk}"}
    assert "note" not in referrals[0] and referrals[1]["note"] == [{"text": CLEARANCE}]
    assert referrals[1]["performer"] == [{"reference": f"Practitioner/{screened.owner.pk}"}]
    assert any(r["id"] == f"screening-{urgent.pk}" for r in found)


def test_it_sends_a_question_not_asked_without_a_value(screened: World, tmp_path: Path
                                                       ) -> None:
    """A screen recorded elsewhere with a question left unasked (the import's path) keeps it
    not asked: no value, dataAbsentReason not-asked, never false."""
    flags: dict[str, object] = {**answers(), "night_pain": None}
    partial = screening_record(
        actor=screened.outsider, episode=screened.episode_b, flags=flags,
        recorded=Recorded(by=screened.outsider_owner,
                          at=timezone.now() - dt.timedelta(days=3)))
    assert partial.answers["night_pain"] is None and partial.not_asked == ["night_pain"]
    sent = next(r for r in exported_resources(screened.outsider, tmp_path)
                if r["id"] == f"screening-{partial.pk}")
    night = component(sent, "night-pain")
    assert "valueBoolean" not in night
    assert night["dataAbsentReason"]["coding"][0]["code"] == "not-asked"
    assert sent["performer"] == [{"reference": f"Practitioner/{screened.outsider_owner.pk}"}]
    assert validators.problems([sent]) == {}


def test_it_passes_every_validator(client_for: ClientFor, screened: World) -> None:
    found = entries(fhir_get(client_for("practitioner"), "/fhir/Observation?_count=100"))
    assert {r["id"].split("-")[0] for r in found} >= {"screening", "referral"}
    assert validators.problems(found) == {}


def test_it_searches_screens_by_date(client_for: ClientFor, screened: World) -> None:
    client = client_for("practitioner")
    today = timezone.localdate().isoformat()
    ids = [r["id"] for r in entries(fhir_get(client, f"/fhir/Observation?date={today}"))]
    assert sum(i.startswith("screening-") for i in ids) == 2
    assert sum(i.startswith("referral-") for i in ids) == 2


def test_it_puts_screens_in_everything_and_the_bulk_export(
    client_for: ClientFor, screened: World, tmp_path: Path
) -> None:
    everything = entries(fhir_get(client_for("practitioner"),
                                  f"/fhir/Patient/{screened.other_patient.pk}/$everything"))
    assert sum(r["id"].startswith(("screening-", "referral-")) for r in everything) == 3
    exported = exported_resources(screened.owner, tmp_path)
    ids = {r["id"] for r in exported if r["resourceType"] == "Observation"}
    assert sum(i.startswith("screening-") for i in ids) == 2  # clinic A's only
    assert sum(i.startswith("referral-") for i in ids) == 2


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("outsider_owner", 404),
                                                 ("front_desk", 403)])
def test_it_cannot_reach_another_clinics_screen(client_for: ClientFor, screened: World,
                                                persona: str, status: int) -> None:
    urgent = Screening.objects.get(episode=screened.other_episode)
    referral = urgent.referrals.first()
    assert referral is not None
    client = client_for(persona)
    fhir_get(client, f"/fhir/Observation/screening-{urgent.pk}", status)
    fhir_get(client, f"/fhir/Observation/referral-{referral.pk}", status)
    if persona != "front_desk":
        found = entries(fhir_get(client, "/fhir/Observation?_count=100"))
        assert not any(r["id"] in (f"screening-{urgent.pk}", f"referral-{referral.pk}")
                       for r in found)
