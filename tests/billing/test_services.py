"""The writes of billing: each checked, written whole or not at all, and audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from acuback.accounts.access import Forbidden, NotFound
from acuback.audit.models import AuditEntry
from acuback.billing.models import Abn, BillingProfile, Fee, Payer, Payment
from acuback.billing.services import (
    AbnInput,
    ClinicBillingInput,
    PaymentInput,
    abn_record,
    billing_profile_set,
    clinic_billing_set,
    fee_set,
    payment_record,
    payment_void,
)
from acuback.errors import ConflictError, InputError
from tests.personas import World

TODAY = timezone.localdate()


def last() -> AuditEntry:
    return AuditEntry.objects.order_by("-seq").first()  # type: ignore[return-value]


# --- fees -------------------------------------------------------------------------------------


def test_it_lets_an_owner_set_a_fee_and_audits_it(world: World) -> None:
    fee = fee_set(actor=world.owner, code="97810", unit_charge="85", effective_from=TODAY)
    assert fee.unit_charge == Decimal("85.00")
    assert (last().object_type, last().action, last().actor_id) == ("fee", "create",
                                                                    world.owner.pk)


@pytest.mark.parametrize("persona", ["practitioner", "front_desk"])
def test_it_refuses_a_fee_from_anyone_but_an_owner(world: World, persona: str) -> None:
    with pytest.raises(Forbidden):
        fee_set(actor=world.persona(persona), code="97810", unit_charge="85",  # type: ignore[arg-type]
                effective_from=TODAY)
    assert (Fee.objects.count(), last().outcome) == (0, "denied")


@pytest.mark.parametrize(("code", "charge", "field"), [
    ("99213", "85", "code"), ("97810", "0", "unit_charge"), ("97810", "-5", "unit_charge"),
    ("97810", "85.001", "unit_charge"), ("97810", "lots", "unit_charge"),
    ("97810", "100000", "unit_charge"), ("97810", "NaN", "unit_charge"),
])
def test_it_refuses_a_fee_it_cannot_bill(world: World, code: str, charge: str,
                                         field: str) -> None:
    with pytest.raises(InputError) as caught:
        fee_set(actor=world.owner, code=code, unit_charge=charge, effective_from=TODAY)
    assert field in caught.value.errors


def test_it_refuses_two_fees_for_one_code_on_one_day(world: World) -> None:
    fee_set(actor=world.owner, code="97810", unit_charge="85", effective_from=TODAY)
    with pytest.raises(ConflictError):
        fee_set(actor=world.owner, code="97810", unit_charge="90", effective_from=TODAY)


def test_it_keeps_the_clinics_details_with_a_version(world: World) -> None:
    data = ClinicBillingInput(billing_name="Riverside", group_npi="1234567893",
                              tax_id="12-3456789")
    row = clinic_billing_set(actor=world.owner, data=data, version=1)
    assert (row.tax_id, row.version) == ("123456789", 2)
    with pytest.raises(ConflictError):
        clinic_billing_set(actor=world.owner, data=data, version=1)
    with pytest.raises(InputError) as caught:
        clinic_billing_set(actor=world.owner, data=ClinicBillingInput(group_npi="1234567890",
                                                                      tax_id="12"), version=2)
    assert set(caught.value.errors) == {"group_npi", "tax_id"}


# --- the payer --------------------------------------------------------------------------------


def test_it_records_a_medicare_payer_with_the_mbi_as_typed_on_the_card(world: World) -> None:
    profile = billing_profile_set(actor=world.front_desk, patient=world.patient,
                                  payer=Payer.MEDICARE, member_id="1eg4-te5-mk73", version=0)
    assert (profile.member_id, profile.version) == ("1EG4TE5MK73", 1)


def test_it_refuses_an_mbi_in_the_wrong_format_and_stores_nothing(world: World) -> None:
    with pytest.raises(InputError) as caught:
        billing_profile_set(actor=world.front_desk, patient=world.patient,
                            payer=Payer.MEDICARE, member_id="1SG4TE5MK73", version=0)
    assert "member_id" in caught.value.errors
    assert not BillingProfile.objects.exists()


def test_it_refuses_a_stale_version_of_the_payer(world: World) -> None:
    billing_profile_set(actor=world.front_desk, patient=world.patient, payer=Payer.SELF_PAY,
                        member_id="", version=0)
    with pytest.raises(ConflictError):
        billing_profile_set(actor=world.owner, patient=world.patient, payer=Payer.OTHER,
                            member_id="", version=0)


def test_it_refuses_another_clinic_and_a_patient_the_payer(world: World) -> None:
    with pytest.raises(NotFound):
        billing_profile_set(actor=world.outsider, patient=world.patient, payer="", member_id="",
                            version=0)
    with pytest.raises(Forbidden):
        billing_profile_set(actor=world.patient_user, patient=world.patient, payer="",
                            member_id="", version=0)


# --- ABNs -------------------------------------------------------------------------------------


def notice(**changes: object) -> AbnInput:
    values: dict[str, object] = {"signed_on": TODAY, "covers_until": TODAY + dt.timedelta(
        days=30), "option": "bill_medicare", "reason": "Visit 13 without improvement", **changes}
    return AbnInput(**values)  # type: ignore[arg-type]


def test_it_records_an_abn_signed_today_for_a_course(world: World) -> None:
    abn = abn_record(actor=world.front_desk, episode=world.episode,
                     data=notice(estimated_cost="85"))
    assert (abn.option, abn.estimated_cost, abn.patient_id) == (
        "bill_medicare", Decimal("85.00"), world.patient.pk)
    assert (last().object_type, last().outcome) == ("abn", "ok")


@pytest.mark.parametrize(("changes", "field"), [
    ({"signed_on": TODAY + dt.timedelta(days=30)}, "signed_on"),  # a run may cross midnight
    ({"covers_until": TODAY - dt.timedelta(days=1)}, "covers_until"),
    ({"covers_until": TODAY + dt.timedelta(days=367)}, "covers_until"),
    ({"option": "maybe"}, "option"),
    ({"reason": "  "}, "reason"),
    ({"estimated_cost": "-1"}, "estimated_cost"),
])
def test_it_refuses_an_abn_it_cannot_rely_on(world: World, changes: dict[str, object],
                                             field: str) -> None:
    with pytest.raises(InputError) as caught:
        abn_record(actor=world.front_desk, episode=world.episode, data=notice(**changes))
    assert field in caught.value.errors
    assert not Abn.objects.exists()


def test_it_refuses_an_abn_for_another_clinics_episode(world: World) -> None:
    with pytest.raises(NotFound):
        abn_record(actor=world.front_desk, episode=world.episode_b, data=notice())
    assert last().outcome == "not_found"


# --- payments ---------------------------------------------------------------------------------


def test_it_records_a_payment_and_voids_it_with_a_reason_keeping_it(world: World) -> None:
    payment = payment_record(actor=world.front_desk, patient=world.patient, data=PaymentInput(
        received_on=TODAY, amount="20.00", method="card"))
    payment_void(actor=world.front_desk, payment=payment, reason="Charged twice")
    kept = Payment.objects.get(pk=payment.pk)
    assert (kept.amount, kept.void_reason) == (Decimal("20.00"), "Charged twice")
    with pytest.raises(ConflictError):
        payment_void(actor=world.front_desk, payment=kept, reason="again")


@pytest.mark.parametrize(("changes", "field"), [
    ({"amount": "0"}, "amount"), ({"method": "barter"}, "method"),
    ({"received_on": TODAY + dt.timedelta(days=1)}, "received_on"),
    ({"visit_id": 999999}, "visit_id"),
])
def test_it_refuses_a_payment_it_cannot_record(world: World, changes: dict[str, object],
                                               field: str) -> None:
    values: dict[str, object] = {"received_on": TODAY, "amount": "20", "method": "cash",
                                 **changes}
    with pytest.raises(InputError) as caught:
        payment_record(actor=world.front_desk, patient=world.patient,
                       data=PaymentInput(**values))  # type: ignore[arg-type]
    assert field in caught.value.errors
    assert not Payment.objects.exists()
