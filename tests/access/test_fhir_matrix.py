"""Who may reach what through /fhir: every persona against the FHIR endpoints that touch
patient data, with the expected status of each cell written out by hand (as in
test_api_matrix.py; targets A-own, A-other, B in that order)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from acuback.audit.models import AuditEntry
from acuback.episodes.models import Episode
from acuback.patients.models import Consent, HealthHistory, Patient
from acuback.patients.services import consent_record
from acuback.plans.models import Plan
from acuback.screening.models import Screening
from tests.access.test_api_matrix import PERSONAS, TARGETS, Cell
from tests.personas import World
from tests.plans.factories import save
from tests.screening.factories import screen

CLINICAL_READ = {
    "owner": (200, 200, 404), "practitioner": (200, 200, 404),
    "front_desk": (403, 403, 404), "patient_user": (200, 404, 404),
    "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200),
    "anonymous": (401, 401, 401),
}
MATRIX: dict[str, dict[str, Any]] = {
    "fhir_patient_read": {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (200, 200, 404), "patient_user": (200, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200),
        "anonymous": (401, 401, 401),
    },
    "fhir_condition_read": CLINICAL_READ,
    "fhir_episode_read": CLINICAL_READ,
    "fhir_everything": CLINICAL_READ,
    "fhir_health_read": CLINICAL_READ,
    "fhir_screening_read": CLINICAL_READ,
    "fhir_plan_read": CLINICAL_READ,
    "fhir_consent_read": {  # the front desk records consents
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (200, 200, 404), "patient_user": (200, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200),
        "anonymous": (401, 401, 401),
    },
    "fhir_export": {
        "owner": 202, "practitioner": 202, "front_desk": 403, "patient_user": 403,
        "outsider": 202, "outsider_owner": 202, "anonymous": 401,
    },
    "fhir_import": {
        "owner": 200, "practitioner": 200, "front_desk": 403, "patient_user": 403,
        "outsider": 200, "outsider_owner": 200, "anonymous": 401,
    },
}


def _cells() -> list[Cell]:
    cells = []
    for endpoint, row in MATRIX.items():
        assert set(row) == set(PERSONAS), endpoint
        for persona in PERSONAS:
            expected = row[persona]
            if isinstance(expected, tuple):
                cells += [Cell(endpoint, persona, t, s)
                          for t, s in zip(TARGETS, expected, strict=True)]
            else:
                cells.append(Cell(endpoint, persona, None, expected))
    return cells


CELLS = _cells()


@pytest.fixture(autouse=True)
def _exports_inline(settings: Any, tmp_path: Any) -> None:
    settings.EXPORT_IN_BACKGROUND = False
    settings.DATA_DIR = tmp_path


def request(client: Client, world: World, cell: Cell) -> Any:
    patient = {"A-own": world.patient, "A-other": world.other_patient,
               "B": world.patient_b}[cell.target or "A-own"].pk
    episode = {"A-own": world.episode, "A-other": world.other_episode,
               "B": world.episode_b}[cell.target or "A-own"].pk
    match cell.endpoint:
        case "fhir_patient_read":
            return client.get(f"/fhir/Patient/{patient}")
        case "fhir_condition_read":
            return client.get(f"/fhir/Condition/{episode}")
        case "fhir_episode_read":
            return client.get(f"/fhir/EpisodeOfCare/{episode}")
        case "fhir_health_read":
            health = HealthHistory.objects.get(patient_id=patient)
            return client.get(f"/fhir/Observation/health-{health.pk}")
        case "fhir_screening_read":
            screening = Screening.objects.filter(episode_id=episode).first() or screen(
                world.outsider if cell.target == "B" else world.practitioner,
                Episode.objects.get(pk=episode))
            return client.get(f"/fhir/Observation/screening-{screening.pk}")
        case "fhir_plan_read":
            clinician = world.outsider if cell.target == "B" else world.practitioner
            target = Episode.objects.get(pk=episode)
            if not Screening.objects.filter(episode=target).exists():
                screen(clinician, target)
            plan = Plan.objects.filter(episode=target).first() or save(clinician, target)
            return client.get(f"/fhir/CarePlan/plan-{plan.pk}")
        case "fhir_consent_read":
            consent = Consent.objects.filter(patient_id=patient).first() or consent_record(
                actor=world.outsider if cell.target == "B" else world.practitioner,
                patient=Patient.objects.get(pk=patient), given_on=dt.date(2026, 1, 5))
            return client.get(f"/fhir/Consent/consent-{consent.pk}")
        case "fhir_everything":
            return client.get(f"/fhir/Patient/{patient}/$everything")
        case "fhir_export":
            return client.get("/fhir/$export", HTTP_PREFER="respond-async")
        case "fhir_import":
            bundle = {"resourceType": "Bundle", "type": "collection"}
            return client.post("/fhir/", json.dumps(bundle),
                               content_type="application/fhir+json")
    raise AssertionError(cell.endpoint)


@pytest.mark.parametrize("cell", CELLS, ids=lambda c: c.id)
def test_it_answers_as_the_table_says(world: World, client_for, cell: Cell) -> None:  # noqa: ANN001
    response = request(client_for(cell.persona), world, cell)
    assert response.status_code == cell.expected, response.content
    assert response["Content-Type"].startswith("application/fhir+json")


REFUSALS = [c for c in CELLS if c.expected in (403, 404)]


@pytest.mark.parametrize("cell", REFUSALS, ids=lambda c: c.id)
def test_it_audits_every_refusal_with_the_actor(world: World, client_for, cell: Cell) -> None:  # noqa: ANN001
    last = AuditEntry.objects.order_by("-seq").first().seq
    request(client_for(cell.persona), world, cell)
    outcome = {403: "denied", 404: "not_found"}[cell.expected]
    assert AuditEntry.objects.filter(seq__gt=last, outcome=outcome,
                                     actor_id=world.persona(cell.persona).pk).exists()
