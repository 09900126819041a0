"""Billing over the JSON API (/api/billing/): what each endpoint answers, not only who may
reach it (tests/access/test_billing_matrix.py). The coverage status is checked against the pure
rules run by hand on the visit dates (`acuback coverage`'s own function), the ABN it asks for is
recorded over the API and puts GA on the claim line, and bad input is refused with nothing
stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from acuback.billing.models import Abn, ClaimLine, Fee, Payment
from acuback.clinical.coverage import coverage_data
from tests.billing.factories import (
    MBI,
    course,
    credential,
    measure,
    medicare_episode,
    set_fees,
    visit_on,
)
from tests.personas import World

FIRST = dt.date(2026, 3, 2)
DAY_13 = FIRST + dt.timedelta(days=36)  # 12 visits every 3 days end on day 33 (4 April)
JSON = "application/json"


@pytest.fixture
def billed(world: World):  # noqa: ANN201
    """A Medicare patient (onset 2 June 2025, screened clear) with 12 signed visits from
    2 March 2026 every 3 days, and a baseline pain score but no follow-up."""
    credential(world.practitioner)
    set_fees(world)
    episode = medicare_episode(world)
    measure(world, episode, FIRST - dt.timedelta(days=1), 7, "baseline")
    visits = course(world, episode, FIRST, 12)
    return world, episode, visits


def get(client: Any, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def test_it_answers_the_coverage_the_pure_rules_give_for_the_same_dates(billed,  # noqa: ANN001
                                                                        client_for) -> None:  # noqa: ANN001
    world, episode, visits = billed
    body = get(client_for("practitioner"),
               f"/api/billing/episodes/{episode.pk}/coverage?on={DAY_13}")
    expected = coverage_data({
        "as_of": DAY_13.isoformat(),
        "episode": {"onset": "2025-06-02", "systemic_cause": False,
                    "surgery_associated": False, "pregnancy_associated": False},
        "visits": [(FIRST + dt.timedelta(days=3 * n)).isoformat() for n in range(12)],
        "improvement": None})
    assert body["coverage"] == expected
    assert (expected["visits_in_benefit_year"], expected["next_visit"]["covered"]) == (12, False)  # type: ignore[index]
    assert (body["on"], body["payer"], body["level"], body["needs_abn"], body["abn_id"]) == (
        DAY_13.isoformat(), "medicare", "abn_needed", True, None)
    assert body["rules_version"] == "ncd-30.3.3/acuback-1"
    assert body["improvement"]["status"] is None


def test_it_gives_the_outcome_evidence_to_a_clinician_and_only_the_verdict_to_front_desk(
        billed, client_for) -> None:  # noqa: ANN001
    world, episode, _ = billed
    measure(world, episode, DAY_13 - dt.timedelta(days=1), 4)  # 7 -> 4: improved
    url = f"/api/billing/episodes/{episode.pk}/coverage?on={DAY_13}"
    clinician = get(client_for("practitioner"), url)
    desk = get(client_for("front_desk"), url)
    assert (clinician["level"], clinician["modifier"]) == ("kx", "KX")
    assert clinician["coverage"]["next_visit"] == {
        "covered": True, "kx_modifier": True,
        "why": "covered with the KX modifier: visit 13 is past the first 12, and improvement "
               "is documented"}
    assert clinician["improvement"]["status"] == "improving"
    assert "nrs" in str(clinician["improvement"])
    assert desk["improvement"] == {"status": "improving"}
    assert {k: v for k, v in desk.items() if k != "improvement"} == {
        k: v for k, v in clinician.items() if k != "improvement"}


def test_it_records_the_abn_it_asks_for_and_bills_the_visit_ga(billed, client_for) -> None:  # noqa: ANN001
    world, episode, _ = billed
    client = client_for("front_desk")
    created = client.post(f"/api/billing/episodes/{episode.pk}/abns", {
        "signed_on": DAY_13.isoformat(), "covers_until": (DAY_13 + dt.timedelta(days=30))
        .isoformat(), "option": "bill_medicare",
        "reason": "Visit 13 without documented improvement"}, content_type=JSON)
    assert created.status_code == 201, created.content
    abn = created.json()
    assert (abn["episode_id"], abn["option"], abn["voided"]) == (episode.pk, "bill_medicare",
                                                                 False)
    status = get(client, f"/api/billing/episodes/{episode.pk}/coverage?on={DAY_13}")
    assert (status["level"], status["modifier"], status["abn_id"], status["needs_abn"]) == (
        "abn_on_file", "GA", abn["id"], False)

    visit = visit_on(world, episode, DAY_13)
    lines = get(client, f"/api/billing/visits/{visit.pk}/claim-lines")
    assert lines["signed"] is True
    [line] = lines["lines"]
    assert (line["code"], line["units"], line["modifier"], line["covered"], line["billable"],
            line["diagnoses"]) == ("97810", 1, "GA", False, True, ["M54.50"])
    assert line["versions"]["coverage_rules"] == "ncd-30.3.3/acuback-1"
    assert ClaimLine.objects.get(visit=visit).modifier == "GA"


def test_it_refuses_an_abn_it_cannot_rely_on_and_stores_nothing(billed, client_for) -> None:  # noqa: ANN001
    _, episode, _ = billed
    response = client_for("front_desk").post(f"/api/billing/episodes/{episode.pk}/abns", {
        "signed_on": DAY_13.isoformat(), "covers_until": (DAY_13 - dt.timedelta(days=1))
        .isoformat(), "option": "bill_medicare", "reason": "x"}, content_type=JSON)
    assert response.status_code == 422, response.content
    assert "covers_until" in response.content.decode()
    assert not Abn.objects.exists()


def test_it_answers_a_draft_visit_with_no_claim_line(billed, client_for) -> None:  # noqa: ANN001
    world, episode, _ = billed
    draft = visit_on(world, episode, DAY_13, sign=False)
    body = get(client_for("front_desk"), f"/api/billing/visits/{draft.pk}/claim-lines")
    assert (body["signed"], body["lines"]) == (False, [])


def test_it_totals_the_superbill_and_takes_off_a_payment(billed, client_for) -> None:  # noqa: ANN001
    world, episode, visits = billed
    client = client_for("front_desk")
    paid = client.post(f"/api/billing/patients/{episode.patient_id}/payments", {
        "received_on": DAY_13.isoformat(), "amount": "20.00", "method": "card"},
        content_type=JSON)
    assert paid.status_code == 201, paid.content
    bill = get(client, f"/api/billing/patients/{episode.patient_id}/superbill"
                       f"?since={FIRST}&until={DAY_13}")
    assert (len(bill["lines"]), bill["total_charges"], bill["total_paid"], bill["balance"]) == (
        12, "1020.00", "20.00", "1000.00")
    assert {line["modifier"] for line in bill["lines"]} == {None}
    assert bill["patient"]["member_id"] == MBI.replace("-", "")
    assert bill["diagnoses"] == [{"code": "M54.50", "title": "Low back pain, unspecified"}]
    one = get(client, f"/api/billing/visits/{visits[0].pk}/superbill")
    assert ([x["visit_id"] for x in one["lines"]], one["total_charges"]) == (
        [visits[0].pk], "85.00")


def test_it_refuses_a_payment_of_nothing_and_stores_nothing(billed, client_for) -> None:  # noqa: ANN001
    _, episode, _ = billed
    response = client_for("front_desk").post(
        f"/api/billing/patients/{episode.patient_id}/payments",
        {"received_on": DAY_13.isoformat(), "amount": "0", "method": "card"}, content_type=JSON)
    assert response.status_code == 422
    assert not Payment.objects.exists()


def test_it_exports_the_cms1500_fields_of_each_billable_visit(billed, client_for) -> None:  # noqa: ANN001
    _, episode, _ = billed
    body = get(client_for("front_desk"), f"/api/billing/patients/{episode.patient_id}/cms1500"
                                         f"?since={FIRST}&until={DAY_13}")
    assert len(body["claims"]) == 12
    form = body["claims"][0]["forms"][0]
    assert (form["1a"], form["21"], form["24"][0]["24D_code"], form["24"][0]["24F"]) == (
        MBI.replace("-", ""), {"A": "M5450"}, "97810", "85.00")


def test_it_lets_an_owner_set_a_fee_and_refuses_a_charge_with_three_decimals(
        world: World, client_for) -> None:  # noqa: ANN001
    owner = client_for("owner")
    bad = owner.post("/api/billing/fees/", {"code": "97810", "unit_charge": "85.555",
                                            "effective_from": "2026-01-01"}, content_type=JSON)
    assert bad.status_code == 422 and not Fee.objects.exists()
    made = owner.post("/api/billing/fees/", {"code": "97810", "unit_charge": "85.00",
                                             "effective_from": "2026-01-01"}, content_type=JSON)
    assert (made.status_code, made.json()) == (201, {"code": "97810", "unit_charge": "85.00",
                                                     "from": "2026-01-01"})
    fees = {f["code"]: f for f in get(client_for("front_desk"), "/api/billing/fees/")["fees"]}
    assert (fees["97810"]["unit_charge"], fees["97810"]["since"]) == ("85.00", "2026-01-01")
    assert fees["97811"]["unit_charge"] is None
