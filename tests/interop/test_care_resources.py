"""Treatment plans as CarePlans (goals contained) and consents as Consents: read, search,
$everything and bulk export, valid by every validator, out of reach of another clinic."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from acuback.interop.resources.care import CONSENT_TEXT_SYSTEM
from acuback.interop.resources.common import EXTENSION as EXT
from acuback.patients.models import Consent
from acuback.patients.services import consent_record
from acuback.plans.models import Plan
from acuback.plans.services import Goal, Questionnaire
from tests.interop import validators
from tests.interop.conftest import ClientFor, Json, entries, exported_resources, fhir_get
from tests.personas import World
from tests.plans.factories import ODI_UNDER_20, save
from tests.screening.factories import screen

OVERRIDE = "Discussed with the patient and her midwife; LI4 kept, needled gently."
# Plan 2's own questionnaires, added to the default schedule.
OWN = [Questionnaire("phq9", "before_visit", 4), Questionnaire("pgic", "discharge")]


@pytest.fixture
def planned(world: World) -> World:
    """Patient A: plan 1, then plan 2 replacing it (with a point the prescriber excludes in
    pregnancy, overridden with a reason); a consent in each clinic."""
    screen(world.practitioner, world.episode)
    first = save(world.practitioner, world.episode)
    save(world.practitioner, world.episode, [*(p.code for p in first.points.all()), "LI4"],
         overrides={"LI4": OVERRIDE}, based_on=first.number,
         goals=[ODI_UNDER_20, Goal(text="Walk the dog for half an hour")],
         questionnaires=OWN)
    consent_record(actor=world.front_desk, patient=world.patient,
                   given_on=dt.date(2026, 1, 5), witness="Sam Reed")
    consent_record(actor=world.outsider, patient=world.patient_b, given_on=dt.date(2026, 1, 6))
    return world


def _plans(client: ClientFor, world: World) -> list[Json]:
    return sorted(entries(fhir_get(client("practitioner"),
                                   f"/fhir/CarePlan?patient={world.patient.pk}")),
                  key=lambda r: r["created"])


def test_it_exports_each_plan_with_its_points_goals_and_the_one_it_replaces(
    client_for: ClientFor, planned: World
) -> None:
    first, second = _plans(client_for, planned)
    plan = Plan.objects.get(episode=planned.episode, number=2)
    assert (first["status"], second["status"]) == ("revoked", "active")
    assert second["replaces"] == [{"reference": f"CarePlan/{first['id']}"}]
    assert "replaces" not in first
    course, *points = second["activity"]
    assert course["detail"]["scheduledTiming"]["repeat"] == {
        "count": 10, "frequency": 2, "period": 1, "periodUnit": "wk"}
    assert [p["detail"]["code"]["coding"][0]["code"] for p in points] == [
        p.code for p in plan.points.all()]
    li4 = next(p["detail"] for p in points if p["detail"]["code"]["coding"][0]["code"] == "LI4")
    assert any(e["url"].endswith("/point-override-reason") and e["valueString"] == OVERRIDE
               for e in li4["extension"])
    goals = {g["id"]: g for g in second["contained"]}
    assert [g["reference"] for g in second["goal"]] == ["#goal-1", "#goal-2"]
    assert goals["goal-1"]["target"][0]["detailQuantity"] == {"value": 20, "comparator": "<"}
    assert goals["goal-2"]["description"]["text"] == "Walk the dog for half an hour"
    assert second["author"] == {"reference": f"Practitioner/{planned.practitioner.pk}"}
    own = [e["extension"] for e in course["detail"]["extension"]
           if e["url"] == f"{EXT}/plan-questionnaire"]
    assert own == [[{"url": "instrument", "valueCode": "phq9"},
                    {"url": "moment", "valueCode": "before_visit"},
                    {"url": "n", "valueInteger": 4}],
                   [{"url": "instrument", "valueCode": "pgic"},
                    {"url": "moment", "valueCode": "discharge"}]]
    assert not any(e["url"].endswith("/plan-questionnaire")
                   for e in first["activity"][0]["detail"]["extension"])  # plan 1 had none


def test_it_exports_a_consent(client_for: ClientFor, planned: World) -> None:
    (found,) = entries(fhir_get(client_for("front_desk"),
                                f"/fhir/Consent?patient={planned.patient.pk}"))
    assert found["dateTime"] == "2026-01-05"
    assert found["scope"]["coding"][0]["code"] == "treatment"
    assert {"url": "https://acuback.org/fhir/StructureDefinition/consent-witness",
            "valueString": "Sam Reed"} in found["extension"]


def test_it_passes_every_validator(client_for: ClientFor, planned: World, tmp_path: Path
                                   ) -> None:
    exported = exported_resources(planned.owner, tmp_path)
    care = [r for r in exported if r["resourceType"] in ("CarePlan", "Consent")]
    assert sorted(r["resourceType"] for r in care) == ["CarePlan", "CarePlan", "Consent"]
    everything = entries(fhir_get(client_for("practitioner"),
                                  f"/fhir/Patient/{planned.patient.pk}/$everything"))
    assert {r["resourceType"] for r in everything} >= {"CarePlan", "Consent"}
    assert validators.problems(care) == {}


@pytest.mark.parametrize("persona", ["outsider", "outsider_owner"])
def test_it_cannot_reach_another_clinics_plan_or_consent(client_for: ClientFor,
                                                        planned: World, persona: str) -> None:
    plan = Plan.objects.get(episode=planned.episode, number=2)
    consent = planned.patient.consents.get()
    client = client_for(persona)
    fhir_get(client, f"/fhir/CarePlan/plan-{plan.pk}", 404)
    fhir_get(client, f"/fhir/Consent/consent-{consent.pk}", 404)
    assert entries(fhir_get(client, "/fhir/CarePlan")) == []
    assert [r["patient"]["reference"] for r in entries(fhir_get(client, "/fhir/Consent"))] == [
        f"Patient/{planned.patient_b.pk}"]


def test_it_keeps_plans_from_the_front_desk(client_for: ClientFor, planned: World) -> None:
    plan = Plan.objects.get(episode=planned.episode, number=2)
    fhir_get(client_for("front_desk"), f"/fhir/CarePlan/plan-{plan.pk}", 403)


def test_it_knows_its_own_plans_and_consent_on_import(planned: World, tmp_path: Path) -> None:
    from acuback.interop.importer import bundle_import
    from tests.interop.test_import import _bundle

    care = [r for r in exported_resources(planned.owner, tmp_path)
            if r["resourceType"] in ("CarePlan", "Consent")]
    result = bundle_import(actor=planned.practitioner, bundle=_bundle(care))
    assert result.created == []
    consent = Consent.objects.get(patient=planned.patient)
    plans = Plan.objects.filter(episode=planned.episode).order_by("number")
    assert sorted(result.existing) == sorted([f"Consent/consent-{consent.pk}",
                                              *(f"CarePlan/plan-{p.pk}" for p in plans)])
    assert plans.count() == 2


def _plans_into_empty_clinic(planned: World, tmp_path: Path) -> tuple[list[Json], Any]:
    """The planned patient's records (patient, episode, screen, plans) exported, and the owner
    of an empty clinic whose practitioner has the planner's NPI."""
    from tests.interop.test_import import _empty_clinic

    wanted = ("Patient", "Condition", "EpisodeOfCare", "Observation", "CarePlan",
              "Practitioner")
    mine = f'"Patient/{planned.patient.pk}"'
    resources = [r for r in exported_resources(planned.owner, tmp_path)
                 if r["resourceType"] in wanted and (
                     r["resourceType"] == "Practitioner" or mine in json.dumps(r)
                     or (r["resourceType"] == "Patient" and r["id"] == f"{planned.patient.pk}"))]
    return resources, _empty_clinic(npi=planned.practitioner.practitioner.npi)


def test_it_imports_plans_as_versions_with_their_author_time_points_and_goals(
    planned: World, tmp_path: Path
) -> None:
    from acuback.interop.importer import ImportRefused, bundle_import
    from tests.interop.test_import import _bundle

    resources, owner = _plans_into_empty_clinic(planned, tmp_path)
    try:
        result = bundle_import(actor=owner, bundle=_bundle(resources))
    except ImportRefused as e:
        raise AssertionError([(i.expression, i.diagnostics) for i in e.issues]) from None
    assert sum(name.startswith("CarePlan/") for name in result.created) == 2
    first, second = Plan.objects.filter(clinic=owner.membership.clinic).order_by("number")
    source = Plan.objects.get(episode=planned.episode, number=2)
    assert (first.number, second.number) == (1, 2)
    assert second.created_at == source.created_at and second.created_by == owner
    assert second.goals == source.goals and second.proposal == {"imported": True}
    assert [(p.code, p.side, p.why, p.override_reason) for p in second.points.all()] == [
        (p.code, p.side, p.why, p.override_reason) for p in source.points.all()]
    assert (second.sessions, second.per_week, second.reassess_after_session) == (
        source.sessions, source.per_week, source.reassess_after_session)
    assert second.questionnaires == source.questionnaires == [
        {"instrument": "phq9", "moment": "before_visit", "n": 4},
        {"instrument": "pgic", "moment": "discharge", "n": None}]
    assert first.questionnaires == []
    # Its page says it was imported, rather than show every point as added to a proposal.
    from django.test import Client
    from django.urls import reverse
    client = Client()
    client.force_login(owner)
    page = client.get(reverse("plan_episode", args=[second.episode_id])).content.decode()
    assert 'data-testid="plan-imported"' in page and 'data-testid="plan-diff"' not in page
    again = bundle_import(actor=owner, bundle=_bundle(resources))  # idempotent
    assert again.created == [] and Plan.objects.filter(clinic=owner.membership.clinic
                                                       ).count() == 2


def _own(plan: Json) -> list[Json]:
    """The parts (instrument, moment, n) of the plan's first own questionnaire."""
    return next(e["extension"] for e in plan["activity"][0]["detail"]["extension"]
                if e["url"] == f"{EXT}/plan-questionnaire")


def _care_plan(resources: list[Json]) -> Json:
    return next(r for r in resources if r["resourceType"] == "CarePlan"
                and r["status"] == "active")


@pytest.mark.parametrize(("spoil", "words"), [
    (lambda p: p["activity"][1]["detail"]["code"]["coding"][0].update(code="XX99"), "XX99"),
    (lambda p: p["contained"][0]["target"][0]["detailQuantity"].update(value=150),
     "target must be between"),
    (lambda p: p.update(extension=[{"url": p["extension"][0]["url"],
                                    "valueReference": {"reference": "EpisodeOfCare/999999"}}]),
     "no EpisodeOfCare"),
    (lambda p: p.update(activity=p["activity"][1:]), "needs the course"),
    (lambda p: _own(p)[0].update(valueCode="nosuch"), "Unknown questionnaire 'nosuch'"),
    (lambda p: _own(p)[2].update(valueInteger=0), "before_visit takes a number from 1"),
    (lambda p: _own(p)[2].update(valueInteger="4"), "must be a whole number"),  # its form
    (lambda p: _own(p)[1].update(valueCode="on_date"), "'on_date' is no moment"),
])
def test_it_refuses_a_bundle_with_a_bad_plan_whole(
    planned: World, tmp_path: Path, spoil: Any, words: str
) -> None:
    from acuback.interop.importer import ImportRefused, bundle_import
    from acuback.patients.models import Patient
    from tests.interop.test_import import _bundle

    resources, owner = _plans_into_empty_clinic(planned, tmp_path)
    spoil(_care_plan(resources))
    with pytest.raises(ImportRefused) as refused:
        bundle_import(actor=owner, bundle=_bundle(resources))
    assert any(words in i.diagnostics for i in refused.value.issues), refused.value.issues
    assert not Patient.objects.filter(clinic=owner.membership.clinic).exists()


def test_it_refuses_a_plan_on_an_episode_never_screened(planned: World, tmp_path: Path
                                                        ) -> None:
    from acuback.interop.importer import ImportRefused, bundle_import
    from acuback.patients.models import Patient
    from tests.interop.test_import import _bundle

    resources, owner = _plans_into_empty_clinic(planned, tmp_path)
    unscreened = [r for r in resources if not (r["resourceType"] == "Observation"
                                               and r["id"].startswith("screening-"))]
    with pytest.raises(ImportRefused) as refused:
        bundle_import(actor=owner, bundle=_bundle(unscreened))
    assert any("Screen for red flags first" in i.diagnostics for i in refused.value.issues)
    assert not Patient.objects.filter(clinic=owner.membership.clinic).exists()


@pytest.mark.parametrize(("change", "words"), [
    ({"policyRule": {"coding": [{"system": CONSENT_TEXT_SYSTEM, "code": "acupuncture-v9"}]}},
     "'acupuncture-v9' is not one of them"),
    ({"extension": [{"url": f"{EXT}/consent-text-sha256", "valueString": "0" * 64}]},
     "its SHA-256 differs"),
    ({"extension": [{"url": f"{EXT}/consent-method", "valueCode": "electronic"}]},
     "needs the name the patient signed with"),
])
def test_it_refuses_a_consent_to_a_text_it_cannot_show(
    planned: World, tmp_path: Path, change: Json, words: str
) -> None:
    from acuback.interop.importer import ImportRefused, bundle_import
    from tests.interop.test_import import _bundle

    (consent,) = [r for r in exported_resources(planned.owner, tmp_path)
                  if r["resourceType"] == "Consent"]
    sent = {**consent, "identifier": [{"system": "https://elsewhere.example", "value": "1"}],
            **change}
    before = Consent.objects.count()
    with pytest.raises(ImportRefused) as refused:
        bundle_import(actor=planned.practitioner, bundle=_bundle([sent]))
    assert any(words in i.diagnostics for i in refused.value.issues), refused.value.issues
    assert Consent.objects.count() == before


def test_it_refuses_an_excluded_point_without_the_reason_it_was_used(
    planned: World, tmp_path: Path
) -> None:
    from acuback.interop.importer import ImportRefused, bundle_import
    from acuback.patients.models import Patient
    from tests.interop.test_import import _bundle

    resources, owner = _plans_into_empty_clinic(planned, tmp_path)
    (li4,) = [a["detail"] for a in _care_plan(resources)["activity"]
              if a["detail"]["code"]["coding"][0]["code"] == "LI4"]
    li4["extension"] = [e for e in li4["extension"]
                        if not e["url"].endswith("/point-override-reason")]
    with pytest.raises(ImportRefused) as refused:
        bundle_import(actor=owner, bundle=_bundle(resources))
    assert any("LI4: an excluded point needs the reason it was used" in i.diagnostics
               for i in refused.value.issues), refused.value.issues
    assert not Plan.objects.filter(clinic=owner.membership.clinic).exists()
    assert not Patient.objects.filter(clinic=owner.membership.clinic).exists()


def test_it_records_a_plan_by_an_unknown_author_as_the_importer_s_with_a_warning(
    planned: World, tmp_path: Path
) -> None:
    from acuback.interop.importer import bundle_import
    from tests.interop.test_import import _bundle

    resources, owner = _plans_into_empty_clinic(planned, tmp_path)
    owner.practitioner.npi = "1245319599"  # not the planner's NPI
    owner.practitioner.save(update_fields=["npi"])
    result = bundle_import(actor=owner, bundle=_bundle(resources))
    plans = Plan.objects.filter(clinic=owner.membership.clinic)
    assert plans.count() == 2 and {p.created_by for p in plans} == {owner}
    npi = planned.practitioner.practitioner.npi
    warned = [i for i in result.issues if i.expression.endswith(".author")]
    assert len(warned) == 2 and all(i.severity == "warning" and f"NPI {npi}" in i.diagnostics
                                    for i in warned), warned


def test_it_imports_plans_over_http(planned: World, tmp_path: Path) -> None:
    from django.test import Client

    from tests.interop.test_import import _bundle
    from tests.personas import PASSWORD

    resources, owner = _plans_into_empty_clinic(planned, tmp_path)
    client = Client()
    assert client.login(username=owner.username, password=PASSWORD)
    response = client.post("/fhir", json.dumps(_bundle(resources, "transaction")),
                           content_type="application/fhir+json")
    assert response.status_code == 200, response.content
    assert Plan.objects.filter(clinic=owner.membership.clinic).count() == 2


def test_it_imports_plans_from_the_command_line(
    planned: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from acuback.cli import main
    from tests.interop.test_import import _bundle

    resources, owner = _plans_into_empty_clinic(planned, tmp_path)
    path = tmp_path / "plans.json"
    path.write_text(json.dumps(_bundle(resources)))
    assert main(["import", str(path), "--user", owner.username]) == 0
    created = json.loads(capsys.readouterr().out)["created"]
    assert sum(name.startswith("CarePlan/") for name in created) == 2
    assert Plan.objects.filter(clinic=owner.membership.clinic).count() == 2
