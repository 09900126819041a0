"""Billing over JSON: coverage status, claim lines, superbills and the CMS-1500 data, and the
writes front desk and owners make (payer, ABNs, payments, fees, supervision, re-derivation).

Who may: the clinic's staff (front desk included) for billing records; the coverage status
gives the outcome evidence behind an improvement to clinicians only; owners set fees; the
visit's practitioner (or an owner) records its supervision. Another clinic's ids are 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from acuback.accounts.models import CLINICAL_ROLES
from acuback.audit.models import Action
from acuback.billing import documents, selectors, services
from acuback.billing.claims import claim_lines_rederive
from acuback.billing.models import AbnOption, Payer, PaymentMethod
from acuback.schemas import InputSchema

router = Router(tags=["billing"])
Json = dict[str, Any]


class PeriodQuery(Schema):
    since: dt.date | None = None
    until: dt.date | None = None


class LinesQuery(PeriodQuery):
    history: bool = False


class OnQuery(Schema):
    on: dt.date | None = None


class PayerIn(InputSchema):
    payer: Payer | Literal[""]
    member_id: str = Field("", max_length=20)
    version: int = Field(ge=0)


class AbnIn(InputSchema):
    signed_on: dt.date
    covers_until: dt.date
    option: AbnOption
    reason: str = Field(min_length=1, max_length=2000)
    estimated_cost: Decimal | None = Field(None, gt=0, max_digits=7, decimal_places=2)


class VoidIn(InputSchema):
    reason: str = Field(min_length=1, max_length=2000)


class PaymentIn(InputSchema):
    received_on: dt.date
    amount: Decimal = Field(gt=0, max_digits=7, decimal_places=2)
    method: PaymentMethod
    reference: str = Field("", max_length=100)
    visit_id: int | None = None


class FeeIn(InputSchema):
    code: str = Field(min_length=5, max_length=5)
    unit_charge: Decimal = Field(gt=0, max_digits=7, decimal_places=2)
    effective_from: dt.date


class SupervisionIn(InputSchema):
    present: bool


class RederiveIn(InputSchema):
    reason: str = Field(min_length=1, max_length=500)


def _abn(abn: Any) -> Json:
    return {"id": abn.pk, "episode_id": abn.episode_id, "signed_on": abn.signed_on.isoformat(),
            "covers_until": abn.covers_until.isoformat(), "option": abn.option,
            "reason": abn.reason, "voided": abn.voided_at is not None}


def _payment(payment: Any) -> Json:
    return {"id": payment.pk, "received_on": payment.received_on.isoformat(),
            "amount": str(payment.amount), "method": payment.method,
            "visit_id": payment.visit_id, "voided": payment.voided_at is not None}


# --- reads ------------------------------------------------------------------------------------


@router.get("/episodes/{episode_id}/coverage", response=Json,
            summary="Medicare coverage of a visit of the episode on a day (today by default)")
def coverage(request: HttpRequest, episode_id: int, query: Query[OnQuery]) -> Json:
    episode = selectors.billing_episode_get(actor=request.user, episode_id=episode_id)
    warning = selectors.coverage_status(actor=request.user, episode=episode, on=query.on)
    return warning.as_dict(evidence=selectors.shows_evidence(request.user))


@router.get("/visits/{visit_id}/claim-lines", response=Json,
            summary="A visit's claim lines, every derivation")
def visit_claim_lines(request: HttpRequest, visit_id: int) -> Json:
    visit = selectors.billing_visit_get(actor=request.user, visit_id=visit_id)
    lines = selectors.claim_lines_of_visit(visit)
    return {"visit_id": visit.pk, "signed": visit.is_signed,
            "lines": [selectors.line_dict(x) for x in lines]}


@router.get("/patients/{patient_id}/claim-lines", response=Json,
            summary="A patient's claim lines in a period")
def patient_claim_lines(request: HttpRequest, patient_id: int, query: Query[LinesQuery]
                        ) -> Json:
    patient = selectors.billing_patient_get(actor=request.user, patient_id=patient_id,
                                            what="claim_lines")
    since, until = selectors.period(query.since, query.until)
    lines = selectors.claim_lines_of_patient(actor=request.user, patient=patient, since=since,
                                             until=until, history=query.history)
    return {"since": since.isoformat(), "until": until.isoformat(),
            "lines": [selectors.line_dict(x) for x in lines]}


@router.get("/patients/{patient_id}/superbill", response=Json,
            summary="A patient's superbill for a period (this month by default)")
def patient_superbill(request: HttpRequest, patient_id: int, query: Query[PeriodQuery]
                      ) -> Json:
    patient = selectors.billing_patient_get(actor=request.user, patient_id=patient_id,
                                            what="superbill")
    since, until = selectors.period(query.since, query.until)
    return selectors.superbill_of_period(actor=request.user, patient=patient, since=since,
                                         until=until).as_dict()


@router.get("/visits/{visit_id}/superbill", response=Json, summary="One visit's superbill")
def visit_superbill(request: HttpRequest, visit_id: int) -> Json:
    visit = selectors.billing_visit_get(actor=request.user, visit_id=visit_id,
                                        what="superbill")
    return selectors.superbill_of_visit(actor=request.user, visit=visit).as_dict()


@router.get("/patients/{patient_id}/cms1500", response=Json,
            summary="CMS-1500 claim form fields of a period's billable Medicare lines")
def patient_cms1500(request: HttpRequest, patient_id: int, query: Query[PeriodQuery]) -> Json:
    patient = selectors.billing_patient_get(actor=request.user, patient_id=patient_id,
                                            what="cms1500")
    since, until = selectors.period(query.since, query.until)
    bill = selectors.superbill_of_period(actor=request.user, patient=patient, since=since,
                                         until=until)
    return {"claims": documents.cms1500_claims(bill)}


@router.get("/fees/", response=Json, summary="The clinic's fee schedule")
def fees(request: HttpRequest) -> Json:
    rows = selectors.fee_schedule(actor=request.user)
    return {"fees": [{"code": r.code, "short": r.short,
                      "unit_charge": str(r.current.unit_charge) if r.current else None,
                      "since": r.current.effective_from.isoformat() if r.current else None,
                      "history": [{"unit_charge": str(f.unit_charge),
                                   "from": f.effective_from.isoformat()} for f in r.history]}
                     for r in rows]}


# --- writes -----------------------------------------------------------------------------------


@router.put("/patients/{patient_id}/payer", response=Json, summary="Record who pays")
def payer_set(request: HttpRequest, patient_id: int, payload: PayerIn) -> Json:
    patient = selectors.billing_patient_get(actor=request.user, patient_id=patient_id,
                                            what="billing_profile")
    profile = services.billing_profile_set(actor=request.user, patient=patient,
                                           payer=payload.payer, member_id=payload.member_id,
                                           version=payload.version)
    return {"payer": profile.payer or None, "member_id": profile.member_id,
            "version": profile.version}


@router.post("/episodes/{episode_id}/abns", response={201: Json},
             summary="Record an Advance Beneficiary Notice the patient signed")
def abn_create(request: HttpRequest, episode_id: int, payload: AbnIn) -> Status[Json]:
    episode = selectors.billing_episode_get(actor=request.user, episode_id=episode_id,
                                            what="abn")
    cost = "" if payload.estimated_cost is None else str(payload.estimated_cost)
    abn = services.abn_record(actor=request.user, episode=episode, data=services.AbnInput(
        signed_on=payload.signed_on, covers_until=payload.covers_until, option=payload.option,
        reason=payload.reason, estimated_cost=cost))
    return Status(201, _abn(abn))


@router.post("/abns/{abn_id}/void", response=Json, summary="Void an ABN recorded by mistake")
def abn_void(request: HttpRequest, abn_id: int, payload: VoidIn) -> Json:
    abn = selectors.abn_get(actor=request.user, abn_id=abn_id)
    return _abn(services.abn_void(actor=request.user, abn=abn, reason=payload.reason))


@router.post("/patients/{patient_id}/payments", response={201: Json},
             summary="Record a payment received")
def payment_create(request: HttpRequest, patient_id: int, payload: PaymentIn) -> Status[Json]:
    patient = selectors.billing_patient_get(actor=request.user, patient_id=patient_id,
                                            what="payment")
    payment = services.payment_record(actor=request.user, patient=patient,
                                      data=services.PaymentInput(
                                          received_on=payload.received_on,
                                          amount=str(payload.amount), method=payload.method,
                                          reference=payload.reference,
                                          visit_id=payload.visit_id))
    return Status(201, _payment(payment))


@router.post("/payments/{payment_id}/void", response=Json,
             summary="Void a payment recorded by mistake")
def payment_void(request: HttpRequest, payment_id: int, payload: VoidIn) -> Json:
    payment = selectors.payment_get(actor=request.user, payment_id=payment_id)
    return _payment(services.payment_void(actor=request.user, payment=payment,
                                          reason=payload.reason))


@router.post("/fees/", response={201: Json}, summary="Set a fee from a day on (owners)")
def fee_create(request: HttpRequest, payload: FeeIn) -> Status[Json]:
    fee = services.fee_set(actor=request.user, code=payload.code,
                           unit_charge=str(payload.unit_charge),
                           effective_from=payload.effective_from)
    return Status(201, {"code": fee.code, "unit_charge": str(fee.unit_charge),
                        "from": fee.effective_from.isoformat()})


@router.post("/visits/{visit_id}/supervision", response={201: Json},
             summary="Record whether the supervising physician directly supervised a visit")
def supervision_create(request: HttpRequest, visit_id: int, payload: SupervisionIn
                       ) -> Status[Json]:
    visit = selectors.billing_visit_get(actor=request.user, visit_id=visit_id,
                                        what="supervision", roles=CLINICAL_ROLES,
                                        action=Action.CREATE)
    row = services.supervision_record(actor=request.user, visit=visit, present=payload.present)
    return Status(201, {"visit_id": visit.pk, "present": row.present,
                        "supervisor": row.supervisor_name})


@router.post("/visits/{visit_id}/claim-lines", response={201: Json},
             summary="Derive a signed visit's held claim lines again, saying what was fixed")
def claim_lines_create(request: HttpRequest, visit_id: int, payload: RederiveIn
                       ) -> Status[Json]:
    visit = selectors.billing_visit_get(actor=request.user, visit_id=visit_id,
                                        action=Action.CREATE)
    lines = claim_lines_rederive(actor=request.user, visit=visit, reason=payload.reason)
    return Status(201, {"visit_id": visit.pk, "lines": [selectors.line_dict(x) for x in lines]})

