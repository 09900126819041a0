"""Who may reach billing, through the pages and the JSON API: every persona against every
billing page and endpoint, the expected answer of each cell written out by hand.

Targets of the id-bound ones, in this order (as in test_api_matrix.py):
  A-own    clinic A's patient with a portal login (`world.patient`) / their episode / a visit
  A-other  another clinic A patient / their episode / a visit
  B        clinic B's patient / their episode / a visit

Rules (acuback/billing/selectors.py says why): billing records are for the clinic's whole
staff, front desk included; the audit pack and the supervision of a visit are for clinicians
(owner, practitioner); fees are set by owners and read by staff; a patient reaches none of it
(their own record: 403, anyone else's: 404); another clinic's ids are 404; anonymous is sent to
the login page (pages) or answered 401 (API).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from acuback.audit.models import AuditEntry
from acuback.billing.models import Abn, Payment
from acuback.episodes.models import Episode
from acuback.patients.models import Patient
from acuback.visits.models import Visit
from acuback.visits.services import visit_start
from acuback.visits.signing import sign_checked
from tests.billing.factories import credential
from tests.personas import World
from tests.screening.factories import screen

PERSONAS = ["owner", "practitioner", "front_desk", "patient_user", "outsider",
            "outsider_owner", "anonymous"]
TARGETS = ["A-own", "A-other", "B"]
LOGIN, SAVED = "login", "saved"
TODAY = timezone.localdate()


def row(a: Any, b: Any, patient: Any = (403, 404, 404), anonymous: Any = LOGIN,
        **overrides: Any) -> dict[str, Any]:
    """A row whose clinic A staff answer `a` and clinic B staff `b` (as triples)."""
    anon = anonymous if not isinstance(a, tuple) else (anonymous,) * 3
    cells = {"owner": a, "practitioner": a, "front_desk": a, "patient_user": patient,
             "outsider": b, "outsider_owner": b, "anonymous": anon}
    return {**cells, **overrides}


def staff(ok: Any, anonymous: Any = LOGIN) -> dict[str, Any]:
    return row((ok, ok, 404), (404, 404, ok), anonymous=anonymous)


def clinicians(ok: Any, anonymous: Any = LOGIN) -> dict[str, Any]:
    return row((ok, ok, 404), (404, 404, ok), anonymous=anonymous,
               front_desk=(403, 403, 404))


# (name, method) -> persona -> answer, or (A-own, A-other, B)
PAGES: dict[tuple[str, str], dict[str, Any]] = {
    ("billing_patient", "GET"): staff(200),
    ("billing_payer", "POST"): staff(SAVED),
    ("billing_payment_new", "POST"): staff(SAVED),
    ("superbill_period", "GET"): staff(200),
    ("superbill_period_pdf", "GET"): staff(200),
    ("superbill_period_csv", "GET"): staff(200),
    ("cms1500_period", "GET"): staff(200),
    ("audit_pack", "GET"): clinicians(200),
    ("abn_new", "GET"): staff(200),
    ("abn_new", "POST"): staff(SAVED),
    ("abn_void", "POST"): staff(SAVED),
    ("payment_void", "POST"): staff(SAVED),
    ("billing_visit", "GET"): staff(200),
    ("superbill_visit", "GET"): staff(200),
    ("superbill_visit_pdf", "GET"): staff(200),
    ("claim_lines_rederive", "POST"): staff(SAVED),
    ("supervision_new", "POST"): clinicians(SAVED),
    ("billing_fees", "GET"): row(200, 200, patient=403),
    ("billing_fees", "POST"): row(SAVED, 403, patient=403, practitioner=403, front_desk=403,
                                  outsider_owner=SAVED),
    ("billing_clinic", "POST"): row(SAVED, 403, patient=403, practitioner=403,
                                    front_desk=403, outsider_owner=SAVED),
}
API: dict[tuple[str, str], dict[str, Any]] = {
    ("coverage", "GET"): staff(200, 401),
    ("visit_claim_lines", "GET"): staff(200, 401),
    ("patient_claim_lines", "GET"): staff(200, 401),
    ("patient_superbill", "GET"): staff(200, 401),
    ("visit_superbill", "GET"): staff(200, 401),
    ("patient_cms1500", "GET"): staff(200, 401),
    ("payer_set", "PUT"): staff(200, 401),
    ("abn_create", "POST"): staff(201, 401),
    ("abn_void", "POST"): staff(200, 401),
    ("payment_create", "POST"): staff(201, 401),
    ("payment_void", "POST"): staff(200, 401),
    ("claim_lines_create", "POST"): staff(201, 401),
    ("supervision_create", "POST"): clinicians(201, 401),
    ("fees", "GET"): row(200, 200, patient=403, anonymous=401),
    ("fee_create", "POST"): row(201, 403, patient=403, practitioner=403, front_desk=403,
                                outsider_owner=201, anonymous=401),
}


@dataclass(frozen=True)
class Cell:
    kind: str  # "page" or "api"
    name: str
    method: str
    persona: str
    target: str | None
    expected: Any

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.name}-{self.method}-{self.persona}" + (
            f"-{self.target}" if self.target else "")


def _cells() -> list[Cell]:
    cells = []
    for kind, table in (("page", PAGES), ("api", API)):
        for (name, method), answers in table.items():
            assert set(answers) == set(PERSONAS), name  # the table misses no persona
            for persona in PERSONAS:
                answer = answers[persona]
                targets = (zip(TARGETS, answer, strict=True) if isinstance(answer, tuple)
                           else [(None, answer)])
                cells += [Cell(kind, name, method, persona, t, a) for t, a in targets]
    return cells


CELLS = _cells()


VISIT_BOUND = {"billing_visit", "superbill_visit", "superbill_visit_pdf",
               "claim_lines_rederive", "supervision_new", "visit_claim_lines",
               "visit_superbill", "claim_lines_create", "supervision_create"}


@dataclass
class Target:
    patient: Patient
    episode: Episode
    visit: Visit | None
    abn: Abn | None
    payment: Payment | None


def target(world: World, cell: Cell) -> Target:
    """The cell's patient and episode, and what its request needs: a signed visit by the
    clinic's practitioner, a recorded ABN or a payment (made fresh for the cell)."""
    from acuback.billing.services import AbnInput, PaymentInput, abn_record, payment_record

    patient, episode = {"A-own": (world.patient, world.episode),
                        "A-other": (world.other_patient, world.other_episode),
                        "B": (world.patient_b, world.episode_b)}[cell.target or "A-own"]
    actor = world.outsider if cell.target == "B" else world.practitioner
    desk = world.outsider_owner if cell.target == "B" else world.front_desk
    visit = abn = payment = None
    if cell.name in VISIT_BOUND:
        credential(actor)
        screen(actor, episode)
        visit = visit_start(actor=actor, episode=episode, source="blank")
        visit = sign_checked(actor=actor, visit=visit, version=visit.version, attested="test")
    if cell.name == "abn_void":
        abn = abn_record(actor=desk, episode=episode, data=AbnInput(
            signed_on=TODAY, covers_until=TODAY, option="bill_medicare", reason="Over 12"))
    if cell.name == "payment_void":
        payment = payment_record(actor=desk, patient=patient, data=PaymentInput(
            received_on=TODAY, amount="10", method="cash"))
    return Target(patient, episode, visit, abn, payment)


def _id(record: object) -> object:
    return getattr(record, "pk", 0)


def _page_url(cell: Cell, t: Target) -> str:
    by_id = {"patient": t.patient.pk, "episode": t.episode.pk, "visit": _id(t.visit),
             "abn": _id(t.abn), "payment": _id(t.payment)}
    return {
        "billing_patient": "/billing/patients/{patient}/",
        "billing_payer": "/billing/patients/{patient}/payer/",
        "billing_payment_new": "/billing/patients/{patient}/payments/",
        "superbill_period": "/billing/patients/{patient}/superbill/",
        "superbill_period_pdf": "/billing/patients/{patient}/superbill.pdf",
        "superbill_period_csv": "/billing/patients/{patient}/superbill.csv",
        "cms1500_period": "/billing/patients/{patient}/cms1500.json",
        "audit_pack": "/billing/patients/{patient}/audit-pack.pdf",
        "abn_new": "/billing/episodes/{episode}/abn/",
        "abn_void": "/billing/abns/{abn}/void/",
        "payment_void": "/billing/payments/{payment}/void/",
        "billing_visit": "/billing/visits/{visit}/",
        "superbill_visit": "/billing/visits/{visit}/superbill/",
        "superbill_visit_pdf": "/billing/visits/{visit}/superbill.pdf",
        "claim_lines_rederive": "/billing/visits/{visit}/derive/",
        "supervision_new": "/billing/visits/{visit}/supervision/",
        "billing_fees": "/billing/fees/", "billing_clinic": "/billing/clinic/",
    }[cell.name].format(**by_id)


def _form(name: str, t: Target) -> dict[str, Any]:
    """Valid data for each form, so that only access decides the answer."""
    return {
        "billing_payer": {"payer": "medicare", "member_id": "1EG4TE5MK73", "version": "0"},
        "billing_payment_new": {"received_on": TODAY, "amount": "20", "method": "card"},
        "abn_new": {"signed_on": TODAY, "covers_until": TODAY, "option": "bill_medicare",
                    "reason": "Visit 13 without improvement"},
        "abn_void": {"reason": "wrong patient"}, "payment_void": {"reason": "typed twice"},
        "claim_lines_rederive": {"reason": "fee set"}, "supervision_new": {"present": "yes"},
        "billing_fees": {"code": "97810", "unit_charge": "85", "effective_from": "2026-01-01"},
        "billing_clinic": {"billing_name": "Riverside", "version": "1"},
    }.get(name, {})


def _api(client: Client, cell: Cell, t: Target) -> Any:
    p, e, v, json = t.patient.pk, t.episode.pk, _id(t.visit), "application/json"
    bodies: dict[str, tuple[str, dict[str, Any]]] = {
        "payer_set": (f"/api/billing/patients/{p}/payer",
                      {"payer": "medicare", "member_id": "1EG4TE5MK73", "version": 0}),
        "abn_create": (f"/api/billing/episodes/{e}/abns", {
            "signed_on": str(TODAY), "covers_until": str(TODAY), "option": "bill_medicare",
            "reason": "Visit 13 without improvement"}),
        "abn_void": (f"/api/billing/abns/{_id(t.abn)}/void", {"reason": "wrong patient"}),
        "payment_create": (f"/api/billing/patients/{p}/payments", {
            "received_on": str(TODAY), "amount": "20.00", "method": "card"}),
        "payment_void": (f"/api/billing/payments/{_id(t.payment)}/void", {"reason": "twice"}),
        "claim_lines_create": (f"/api/billing/visits/{v}/claim-lines", {"reason": "fee set"}),
        "supervision_create": (f"/api/billing/visits/{v}/supervision", {"present": True}),
        "fee_create": ("/api/billing/fees/", {"code": "97810", "unit_charge": "85.00",
                                              "effective_from": "2026-01-01"}),
    }
    if cell.name in bodies:
        url, body = bodies[cell.name]
        send = client.put if cell.method == "PUT" else client.post
        return send(url, body, content_type=json)
    return client.get({
        "coverage": f"/api/billing/episodes/{e}/coverage",
        "visit_claim_lines": f"/api/billing/visits/{v}/claim-lines",
        "patient_claim_lines": f"/api/billing/patients/{p}/claim-lines",
        "patient_superbill": f"/api/billing/patients/{p}/superbill",
        "visit_superbill": f"/api/billing/visits/{v}/superbill",
        "patient_cms1500": f"/api/billing/patients/{p}/cms1500",
        "fees": "/api/billing/fees/",
    }[cell.name])


def request(client: Client, cell: Cell, t: Target) -> Any:
    if cell.kind == "api":
        return _api(client, cell, t)
    url = _page_url(cell, t)
    if cell.method == "POST":
        return client.post(url, _form(cell.name, t))
    return client.get(url)


def answer(cell: Cell, response: Any) -> Any:
    if cell.kind == "api" or response.status_code != 302:
        return response.status_code
    return LOGIN if response["Location"].startswith("/login/") else SAVED


def test_it_covers_every_persona_and_billing_page_and_endpoint() -> None:
    assert {c.persona for c in CELLS} == set(PERSONAS)
    assert (len(PAGES), len(API)) == (20, 15)


@pytest.mark.parametrize("cell", CELLS, ids=lambda c: c.id)
def test_it_answers_as_the_table_says_and_audits_each_refusal(world: World, client_for,  # noqa: ANN001
                                                              cell: Cell) -> None:
    client, t = client_for(cell.persona), target(world, cell)
    last = AuditEntry.objects.order_by("-seq").first().seq
    response = request(client, cell, t)
    assert answer(cell, response) == cell.expected, response.content[:300]
    if cell.expected in (403, 404):
        outcome = {403: "denied", 404: "not_found"}[cell.expected]
        assert AuditEntry.objects.filter(seq__gt=last, outcome=outcome,
                                         actor_id=world.persona(cell.persona).pk).exists()


def test_it_answers_another_clinics_record_as_it_answers_a_missing_one(world: World,
                                                                        client_for) -> None:  # noqa: ANN001
    client = client_for("outsider")
    other = client.get(f"/api/billing/patients/{world.patient.pk}/superbill")
    missing = client.get(f"/api/billing/patients/{world.patient_b.pk + 1000}/superbill")
    assert (other.status_code, other.content) == (missing.status_code, missing.content)


def test_it_writes_nothing_for_a_refused_billing_form(world: World, client_for) -> None:  # noqa: ANN001
    t = target(world, Cell("page", "abn_new", "POST", "outsider", "A-own", 404))
    before = (Abn.objects.count(), Payment.objects.count())
    client_for("outsider").post(f"/billing/episodes/{t.episode.pk}/abn/",
                                _form("abn_new", t))
    client_for("patient_user").post(f"/billing/patients/{t.patient.pk}/payments/",
                                    _form("billing_payment_new", t))
    assert (Abn.objects.count(), Payment.objects.count()) == before

