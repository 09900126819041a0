"""Who may reach what through the JSON API: every persona against every endpoint that touches
patient data, with the expected status of each cell written out by hand.

Targets of the id-bound endpoints, in this order in every row:
  A-own    clinic A's patient who has a portal login (`world.patient`) / their episode
  A-other  another clinic A patient (`world.other_patient`) / their episode
  B        clinic B's patient (`world.patient_b`) / their episode

Rules: owners and practitioners see their own clinic; front desk sees demographics but no
clinical content (health history, episodes: 403); a patient sees only their own record and may
not change it here (403), any other id is 404, the list 403; another clinic's ids are 404 to
everyone; anonymous is 401.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from acuback.audit.models import AuditEntry
from acuback.visits.services import visit_start
from tests.api import payloads
from tests.personas import PASSWORD, World
from tests.screening.factories import screen

PERSONAS = ["owner", "practitioner", "front_desk", "patient_user", "outsider",
            "outsider_owner", "anonymous"]
TARGETS = ["A-own", "A-other", "B"]

# endpoint -> persona -> status (for list/create) or (A-own, A-other, B)
MATRIX: dict[str, dict[str, Any]] = {
    "patient_list": {
        "owner": 200, "practitioner": 200, "front_desk": 200, "patient_user": 403,
        "outsider": 200, "outsider_owner": 200, "anonymous": 401,
    },
    "lot_find": {
        "owner": 200, "practitioner": 403, "front_desk": 403, "patient_user": 403,
        "outsider": 403, "outsider_owner": 200, "anonymous": 401,
    },
    "patient_create": {
        "owner": 201, "practitioner": 201, "front_desk": 201, "patient_user": 403,
        "outsider": 201, "outsider_owner": 201, "anonymous": 401,
    },
    "patient_detail": {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (200, 200, 404), "patient_user": (200, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200),
        "anonymous": (401, 401, 401),
    },
    "patient_update": {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (200, 200, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200),
        "anonymous": (401, 401, 401),
    },
    "health_detail": {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (200, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200),
        "anonymous": (401, 401, 401),
    },
    "health_update": {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200),
        "anonymous": (401, 401, 401),
    },
    "patient_episodes": {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (200, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200),
        "anonymous": (401, 401, 401),
    },
    "episode_create": {
        "owner": (201, 201, 404), "practitioner": (201, 201, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 201), "outsider_owner": (404, 404, 201),
        "anonymous": (401, 401, 401),
    },
    "episode_detail": {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (200, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200),
        "anonymous": (401, 401, 401),
    },
    "episode_update": {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200),
        "anonymous": (401, 401, 401),
    },
    # Visits: content for clinicians; front desk sees only that visits happened (visit_list);
    # only the visit's own practitioner (world.practitioner in A, outsider in B) writes and
    # signs a draft; any clinician of the clinic may amend it or file an adverse event.
    "visit_list": {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (200, 200, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200),
        "anonymous": (401, 401, 401),
    },
    "visit_create": {
        "owner": (201, 201, 404), "practitioner": (201, 201, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 201), "outsider_owner": (404, 404, 201),
        "anonymous": (401, 401, 401),
    },
    "visit_detail": {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200),
        "anonymous": (401, 401, 401),
    },
    "visit_update": {
        "owner": (403, 403, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 403),
        "anonymous": (401, 401, 401),
    },
    "visit_sign": {
        "owner": (403, 403, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 403),
        "anonymous": (401, 401, 401),
    },
    "amendment_create": {
        "owner": (201, 201, 404), "practitioner": (201, 201, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 201), "outsider_owner": (404, 404, 201),
        "anonymous": (401, 401, 401),
    },
    "adverse_event_create": {
        "owner": (201, 201, 404), "practitioner": (201, 201, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 201), "outsider_owner": (404, 404, 201),
        "anonymous": (401, 401, 401),
    },
    "episode_painkillers": {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200),
        "anonymous": (401, 401, 401),
    },
    # Outcomes: derived clinical content, for practitioners and owners of the clinic.
    "outcome_episode": {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200),
        "anonymous": (401, 401, 401),
    },
    "claims_ledger": {
        "owner": 200, "practitioner": 200, "front_desk": 403, "patient_user": 403,
        "outsider": 200, "outsider_owner": 200, "anonymous": 401,
    },
}
VISIT_ENDPOINTS = {"visit_create", "visit_detail", "visit_update", "visit_sign",
                   "amendment_create", "adverse_event_create", "episode_painkillers"}


@dataclass(frozen=True)
class Cell:
    endpoint: str
    persona: str
    target: str | None
    expected: int

    @property
    def id(self) -> str:
        return f"{self.endpoint}-{self.persona}" + (f"-{self.target}" if self.target else "")


def _cells() -> list[Cell]:
    cells = []
    for endpoint, row in MATRIX.items():
        assert set(row) == set(PERSONAS), endpoint  # the table misses no persona
        for persona in PERSONAS:
            expected = row[persona]
            if isinstance(expected, tuple):
                cells += [Cell(endpoint, persona, t, s) for t, s in zip(TARGETS, expected,
                                                                        strict=True)]
            else:
                cells.append(Cell(endpoint, persona, None, expected))
    return cells


CELLS = _cells()


def _patient(world: World, target: str | None) -> int:
    return {"A-own": world.patient, "A-other": world.other_patient,
            "B": world.patient_b}[target or "A-own"].pk


def _episode(world: World, target: str | None) -> int:
    return {"A-own": world.episode, "A-other": world.other_episode,
            "B": world.episode_b}[target or "A-own"].pk


def _cleared_visit(world: World, target: str | None) -> int:
    """The target's episode screened clear, with a blank draft visit by its practitioner."""
    episode = {"A-own": world.episode, "A-other": world.other_episode,
               "B": world.episode_b}[target or "A-own"]
    actor = world.outsider if target == "B" else world.practitioner
    screen(actor, episode)
    return visit_start(actor=actor, episode=episode, source="blank").pk


def request(client: Client, world: World, cell: Cell) -> Any:
    """Make the cell's request with a body that is valid, so only access decides."""
    p, e, json = _patient(world, cell.target), _episode(world, cell.target), "application/json"
    v = _cleared_visit(world, cell.target) if cell.endpoint in VISIT_ENDPOINTS else 0
    match cell.endpoint:
        case "lot_find":
            return client.get("/api/visits/lots/LOT-1")
        case "visit_list":
            return client.get(f"/api/visits/?patient_id={p}")
        case "visit_create":
            return client.post("/api/visits/", {"episode_id": e, "source": "blank"},
                               content_type=json)
        case "visit_detail":
            return client.get(f"/api/visits/{v}")
        case "visit_update":
            return client.put(f"/api/visits/{v}", {"subjective": "Stiff"}, content_type=json,
                              HTTP_IF_MATCH='"1.0"')
        case "visit_sign":
            return client.post(f"/api/visits/{v}/sign", {"password": PASSWORD},
                               content_type=json, HTTP_IF_MATCH='"1.0"')
        case "amendment_create":
            return client.post(f"/api/visits/{v}/amendments",
                               {"kind": "entered_in_error", "reason": "wrong patient"},
                               content_type=json)
        case "adverse_event_create":
            return client.post(f"/api/visits/{v}/adverse-events", payloads.adverse_event(),
                               content_type=json)
        case "outcome_episode":
            return client.get(f"/api/outcomes/episodes/{e}")
        case "claims_ledger":
            return client.get("/api/outcomes/claims")
        case "episode_painkillers":
            return client.get(f"/api/visits/episode/{e}/painkillers")
        case "patient_list":
            return client.get("/api/patients/")
        case "patient_create":
            return client.post("/api/patients/", payloads.new_patient(), content_type=json)
        case "patient_detail":
            return client.get(f"/api/patients/{p}")
        case "patient_update":
            return client.put(f"/api/patients/{p}", payloads.patient_update(1), content_type=json)
        case "health_detail":
            return client.get(f"/api/patients/{p}/health")
        case "health_update":
            return client.put(f"/api/patients/{p}/health", payloads.health(), content_type=json)
        case "patient_episodes":
            return client.get(f"/api/patients/{p}/episodes")
        case "episode_create":
            return client.post("/api/episodes/", payloads.new_episode(p), content_type=json)
        case "episode_detail":
            return client.get(f"/api/episodes/{e}")
        case "episode_update":
            return client.put(f"/api/episodes/{e}", payloads.episode_update(1), content_type=json)
    raise AssertionError(cell.endpoint)


def test_it_covers_every_persona_and_endpoint() -> None:
    assert {c.persona for c in CELLS} == set(PERSONAS)
    assert len(CELLS) == 7 * (4 + 17 * 3)


@pytest.mark.parametrize("cell", CELLS, ids=lambda c: c.id)
def test_it_answers_as_the_table_says(world: World, client_for, cell: Cell) -> None:  # noqa: ANN001
    response = request(client_for(cell.persona), world, cell)
    assert response.status_code == cell.expected, response.content


REFUSALS = [c for c in CELLS if c.expected in (403, 404)]


@pytest.mark.parametrize("cell", REFUSALS, ids=lambda c: c.id)
def test_it_audits_every_refusal_with_the_actor(world: World, client_for, cell: Cell) -> None:  # noqa: ANN001
    last = AuditEntry.objects.order_by("-seq").first().seq
    request(client_for(cell.persona), world, cell)
    outcome = {403: "denied", 404: "not_found"}[cell.expected]
    refused = AuditEntry.objects.filter(seq__gt=last, outcome=outcome,
                                        actor_id=world.persona(cell.persona).pk)
    assert refused.exists(), list(AuditEntry.objects.filter(seq__gt=last).values(
        "action", "object_type", "outcome", "actor_username"))


ALLOWED_WRITES = [c for c in CELLS if c.expected in (200, 201) and c.endpoint.endswith(
    ("create", "update"))]


@pytest.mark.parametrize("cell", ALLOWED_WRITES, ids=lambda c: c.id)
def test_it_audits_every_allowed_write_with_the_actor(world: World, client_for, cell: Cell) -> None:  # noqa: ANN001
    last = AuditEntry.objects.order_by("-seq").first().seq
    request(client_for(cell.persona), world, cell)
    action = "create" if cell.endpoint.endswith("create") else "update"
    assert AuditEntry.objects.filter(seq__gt=last, action=action, outcome="ok",
                                     actor_id=world.persona(cell.persona).pk).exists()


def test_it_never_lists_another_clinics_patients(world: World, client_for) -> None:  # noqa: ANN001
    a_ids = {world.patient.pk, world.other_patient.pk}
    for persona in ("outsider", "outsider_owner"):
        listed = {p["id"] for p in client_for(persona).get("/api/patients/").json()["results"]}
        assert listed == {world.patient_b.pk}
        assert not listed & a_ids


def test_it_registers_an_outsiders_patient_in_their_own_clinic(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("outsider").post("/api/patients/", payloads.new_patient(),
                                           content_type="application/json")
    body = client_for("practitioner").get(f"/api/patients/{response.json()['id']}")
    assert body.status_code == 404


def test_it_refuses_an_outsider_the_same_way_as_a_missing_id(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("outsider")
    other = client.get(f"/api/episodes/{world.episode.pk}")
    missing = client.get(f"/api/episodes/{world.episode_b.pk + 1000}")
    assert (other.status_code, other.content) == (missing.status_code, missing.content)
