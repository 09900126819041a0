"""Writes of billing, each checked, written and audited in one transaction: the fee schedule
and the clinic's billing details (owners), a patient's payer, ABNs, direct supervision of a
visit, payments (staff; supervision by clinicians). Claim lines are written by
`billing.claims` alone.

Who may: every refusal is audited before any transaction opens. Another clinic's record is
NotFound, a role that may not is Forbidden.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from acuback.accounts.access import AccessError, Forbidden, NotFound, membership_of
from acuback.accounts.models import CLINICAL_ROLES, STAFF_ROLES, Role, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.billing.claims import claim_lines_derive
from acuback.billing.models import (
    Abn,
    AbnOption,
    BillingProfile,
    ClaimLine,
    ClinicBilling,
    Fee,
    Payer,
    Payment,
    PaymentMethod,
    Supervision,
)
from acuback.clinical.cpt import cpt_table
from acuback.clinical.identifiers import mbi_is_valid, mbi_normalise, npi_is_valid
from acuback.episodes.models import Episode
from acuback.errors import ConflictError, InputError
from acuback.patients.models import Patient
from acuback.visits.models import Visit

MAX_AMOUNT = Decimal("99999.99")
TEXT_MAX = 2000


def require_member(actor: User, *, clinic_id: int | None, roles: frozenset[str], what: str,
                   action: str = Action.CREATE, object_id: object = "") -> None:
    """An actor of `clinic_id` (None: any clinic, e.g. the clinic's own settings) in `roles`;
    NotFound for another clinic, Forbidden for another role; both audited."""
    membership = membership_of(actor)
    if membership is None or (clinic_id is not None and membership.clinic_id != clinic_id):
        refusal: AccessError = NotFound(f"{what} not found")
    elif membership.role not in roles:
        refusal = Forbidden(f"this role may not {action} a {what}")
    else:
        return
    audit_record(actor=actor, action=action, object_type=what, object_id=object_id,
                 outcome=Outcome.NOT_FOUND if isinstance(refusal, NotFound) else Outcome.DENIED)
    raise refusal


def money(value: object, field: str, *, allow_zero: bool = False) -> Decimal:
    """An amount of dollars and cents, positive (or zero when allowed), as a Decimal."""
    try:
        amount = Decimal(str(value).strip().lstrip("$"))
    except (InvalidOperation, ValueError):
        raise InputError({field: ["Give an amount such as 85 or 85.00."]}) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise InputError({field: ["Give dollars and cents, at most two decimals."]})
    if amount < 0 or (amount == 0 and not allow_zero) or amount > MAX_AMOUNT:
        low = "0" if allow_zero else "0.01"
        raise InputError({field: [f"Give an amount from {low} to {MAX_AMOUNT}."]})
    return amount


# --- the clinic: fees and billing details (owners) ----------------------------------------


def fee_set(*, actor: User, code: str, unit_charge: object, effective_from: dt.date) -> Fee:
    """Set the charge of one unit of a CPT code from a day on. Past claim lines keep theirs."""
    require_member(actor, clinic_id=None, roles=frozenset({Role.OWNER}), what="fee")
    errors: dict[str, list[str]] = {}
    if code not in cpt_table().codes:
        errors["code"] = [f"Choose one of the acupuncture codes: {', '.join(cpt_table().codes)}."]
    try:
        amount = money(unit_charge, "unit_charge")
    except InputError as exc:
        errors.update(exc.errors)
    if errors:
        raise InputError(errors)
    clinic_id = actor.membership.clinic_id
    with transaction.atomic():
        if Fee.objects.filter(clinic_id=clinic_id, code=code,
                              effective_from=effective_from).exists():
            raise ConflictError(f"A fee for {code} from {effective_from:%-d %b %Y} is already "
                                "set; choose another day for the new one.")
        fee = Fee.objects.create(clinic_id=clinic_id, code=code, unit_charge=amount,
                                 effective_from=effective_from, set_by=actor)
        audit_record(actor=actor, action=Action.CREATE, object_type="fee", object_id=fee.pk,
                     outcome=Outcome.OK, detail={"code": code, "unit_charge": str(amount),
                                                 "from": effective_from.isoformat()})
    return fee


@dataclass(frozen=True)
class ClinicBillingInput:
    billing_name: str = ""
    address: str = ""
    phone: str = ""
    group_npi: str = ""
    tax_id: str = ""


def clinic_billing_set(*, actor: User, data: ClinicBillingInput, version: int) -> ClinicBilling:
    require_member(actor, clinic_id=None, roles=frozenset({Role.OWNER}), what="clinic_billing",
                   action=Action.UPDATE)
    errors: dict[str, list[str]] = {}
    if data.group_npi and not (data.group_npi.isascii() and npi_is_valid(data.group_npi)):
        errors["group_npi"] = ["NPI must be 10 digits with a valid check digit."]
    tax_id = data.tax_id.replace("-", "").strip()
    if tax_id and not (tax_id.isascii() and tax_id.isdigit() and len(tax_id) == 9):
        errors["tax_id"] = ["An employer identification number has 9 digits (12-3456789)."]
    if errors:
        raise InputError(errors)
    clinic_id = actor.membership.clinic_id
    with transaction.atomic():
        row, _ = ClinicBilling.objects.select_for_update().get_or_create(clinic_id=clinic_id)
        if row.version != version:
            raise ConflictError("The billing details were changed since you opened them; "
                                "reload and save again.", current_version=row.version)
        values = {"billing_name": data.billing_name.strip()[:200],
                  "address": data.address.strip()[:TEXT_MAX], "phone": data.phone.strip()[:40],
                  "group_npi": data.group_npi.strip(), "tax_id": tax_id}
        for name, value in values.items():
            setattr(row, name, value)
        row.version += 1
        row.updated_by = actor
        row.save()
        audit_record(actor=actor, action=Action.UPDATE, object_type="clinic_billing",
                     object_id=row.pk, outcome=Outcome.OK, detail={"version": row.version})
    return row


# --- a patient's payer ------------------------------------------------------------------------


def billing_profile_set(*, actor: User, patient: Patient, payer: str, member_id: str,
                        version: int) -> BillingProfile:
    """Record who pays for a patient's care. `version` is the one read (0: none yet)."""
    require_member(actor, clinic_id=patient.clinic_id, roles=STAFF_ROLES,
                   what="billing_profile", action=Action.UPDATE, object_id=patient.pk)
    errors: dict[str, list[str]] = {}
    if payer and payer not in Payer.values:
        errors["payer"] = [f"Choose one of: {', '.join(Payer.values)}."]
    member = mbi_normalise(member_id) if payer == Payer.MEDICARE else member_id.strip()
    if payer == Payer.MEDICARE and member and not mbi_is_valid(member):
        errors["member_id"] = ["A Medicare Beneficiary Identifier has 11 characters, e.g. "
                               "1EG4-TE5-MK73 (no S, L, O, I, B or Z)."]
    if len(member) > 20:
        errors["member_id"] = ["Keep the member ID to 20 characters."]
    if errors:
        raise InputError(errors)
    with transaction.atomic():
        profile = BillingProfile.objects.select_for_update().filter(patient=patient).first()
        current = profile.version if profile else 0
        if current != version:
            raise ConflictError("The patient's billing details were changed since you opened "
                                "them; reload and save again.", current_version=current)
        if profile is None:
            profile = BillingProfile(clinic_id=patient.clinic_id, patient=patient, version=0)
        profile.payer, profile.member_id, profile.updated_by = payer, member, actor
        profile.version += 1
        profile.save()
        audit_record(actor=actor, action=Action.UPDATE, object_type="billing_profile",
                     object_id=patient.pk, outcome=Outcome.OK, clinic_id=patient.clinic_id,
                     detail={"payer": payer, "version": profile.version})
    return profile


# --- Advance Beneficiary Notices --------------------------------------------------------------


@dataclass(frozen=True)
class AbnInput:
    signed_on: dt.date
    covers_until: dt.date
    option: str
    reason: str
    estimated_cost: str = ""


def _check_abn(data: AbnInput, today: dt.date) -> Decimal | None:
    errors: dict[str, list[str]] = {}
    if data.option not in AbnOption.values:
        errors["option"] = ["Mark the option the patient chose on the notice."]
    if data.signed_on > today:
        errors["signed_on"] = ["A notice is recorded once the patient has signed it."]
    if data.covers_until < data.signed_on:
        errors["covers_until"] = ["The course the notice covers ends on or after the day it "
                                  "was signed."]
    elif data.covers_until > data.signed_on + dt.timedelta(days=366):
        errors["covers_until"] = ["Give the course of treatment the notice names, at most a "
                                  "year; sign a new notice for a longer one."]
    if not data.reason.strip():
        errors["reason"] = ["Write why Medicare may not pay, as the notice says."]
    elif len(data.reason) > TEXT_MAX:
        errors["reason"] = [f"Keep this under {TEXT_MAX} characters."]
    cost = None
    if data.estimated_cost.strip():
        try:
            cost = money(data.estimated_cost, "estimated_cost")
        except InputError as exc:
            errors.update(exc.errors)
    if errors:
        raise InputError(errors)
    return cost


def abn_record(*, actor: User, episode: Episode, data: AbnInput) -> Abn:
    """Record the ABN the patient signed for a course of this episode's acupuncture. Staff:
    front desk usually hands the notice over; a clinician may."""
    require_member(actor, clinic_id=episode.clinic_id, roles=STAFF_ROLES, what="abn",
                   object_id=episode.pk)
    cost = _check_abn(data, timezone.localdate())
    with transaction.atomic():
        abn = Abn.objects.create(
            clinic_id=episode.clinic_id, patient_id=episode.patient_id, episode=episode,
            signed_on=data.signed_on, covers_until=data.covers_until, option=data.option,
            reason=data.reason.strip(), estimated_cost=cost, recorded_by=actor,
            recorded_at=timezone.now())
        audit_record(actor=actor, action=Action.CREATE, object_type="abn", object_id=abn.pk,
                     outcome=Outcome.OK, clinic_id=episode.clinic_id,
                     detail={"episode": episode.pk, "option": data.option,
                             "from": data.signed_on.isoformat(),
                             "until": data.covers_until.isoformat()})
    return abn


def abn_void(*, actor: User, abn: Abn, reason: str) -> Abn:
    """An ABN recorded by mistake (wrong patient, wrong dates) stops counting; it is kept."""
    require_member(actor, clinic_id=abn.clinic_id, roles=STAFF_ROLES, what="abn",
                   action=Action.UPDATE, object_id=abn.pk)
    if not reason.strip():
        raise InputError({"reason": ["Say why this notice no longer counts."]})
    with transaction.atomic():
        if Abn.objects.filter(pk=abn.pk, voided_at__isnull=True).update(
                voided_at=timezone.now(), voided_by=actor, void_reason=reason.strip()) == 0:
            raise ConflictError("This notice is already voided.")
        audit_record(actor=actor, action=Action.UPDATE, object_type="abn", object_id=abn.pk,
                     outcome=Outcome.OK, clinic_id=abn.clinic_id, detail={"voided": True})
    abn.refresh_from_db()
    return abn


# --- direct supervision -----------------------------------------------------------------------


def supervision_record(*, actor: User, visit: Visit, present: bool) -> Supervision:
    """The treating acupuncturist (or a clinic owner) records whether their supervising
    physician directly supervised the visit. Once recorded it stands (a mistake is a matter
    for an amendment of the visit). A signed visit whose lines were held for it gets its
    lines derived again, with this as the trace."""
    require_member(actor, clinic_id=visit.clinic_id, roles=CLINICAL_ROLES, what="supervision",
                   object_id=visit.pk)
    if actor.membership.role != Role.OWNER and visit.practitioner_id != actor.pk:
        audit_record(actor=actor, action=Action.CREATE, object_type="supervision",
                     object_id=visit.pk, outcome=Outcome.DENIED, clinic_id=visit.clinic_id)
        raise Forbidden("only the visit's practitioner or an owner records its supervision")
    profile = getattr(visit.practitioner, "practitioner", None)
    if profile is None or not (profile.supervising_physician or profile.supervisor_npi):
        raise InputError({"present": ["No supervising physician is recorded for "
                                      f"{visit.practitioner.get_full_name() or 'this practitioner'}"
                                      "; an owner records one with their credentials."]})
    with transaction.atomic():
        if Supervision.objects.filter(visit=visit).exists():
            raise ConflictError("Supervision of this visit is already recorded.")
        row = Supervision.objects.create(
            visit=visit, supervisor_name=profile.supervising_physician,
            supervisor_kind=profile.supervisor_kind, supervisor_npi=profile.supervisor_npi,
            present=present, recorded_by=actor, recorded_at=timezone.now())
        audit_record(actor=actor, action=Action.CREATE, object_type="supervision",
                     object_id=visit.pk, outcome=Outcome.OK, clinic_id=visit.clinic_id,
                     detail={"present": present, "supervisor": row.supervisor_name})
        held = ClaimLine.objects.filter(visit=visit, superseded_at__isnull=True, billable=False)
        if visit.is_signed and held.exists():
            state = "present" if present else "absent"
            claim_lines_derive(visit=visit, actor=actor,
                               trace=f"direct supervision recorded ({state})")
    return row


# --- payments -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentInput:
    received_on: dt.date
    amount: str
    method: str
    reference: str = ""
    visit_id: int | None = None


def payment_record(*, actor: User, patient: Patient, data: PaymentInput) -> Payment:
    require_member(actor, clinic_id=patient.clinic_id, roles=STAFF_ROLES, what="payment",
                   object_id=patient.pk)
    errors: dict[str, list[str]] = {}
    try:
        amount = money(data.amount, "amount")
    except InputError as exc:
        errors.update(exc.errors)
    if data.method not in PaymentMethod.values:
        errors["method"] = [f"Choose one of: {', '.join(PaymentMethod.values)}."]
    if data.received_on > timezone.localdate():
        errors["received_on"] = ["A payment is recorded once it is received."]
    visit = None
    if data.visit_id is not None:
        visit = Visit.objects.filter(pk=data.visit_id, episode__patient=patient).first()
        if visit is None:
            errors["visit_id"] = ["Choose one of this patient's visits, or none."]
    if errors:
        raise InputError(errors)
    with transaction.atomic():
        payment = Payment.objects.create(
            clinic_id=patient.clinic_id, patient=patient, visit=visit,
            received_on=data.received_on, amount=amount, method=data.method,
            reference=data.reference.strip()[:100], recorded_by=actor,
            recorded_at=timezone.now())
        audit_record(actor=actor, action=Action.CREATE, object_type="payment",
                     object_id=payment.pk, outcome=Outcome.OK, clinic_id=patient.clinic_id,
                     detail={"patient": patient.pk, "amount": str(amount),
                             "visit": visit.pk if visit else None})
    return payment


def payment_void(*, actor: User, payment: Payment, reason: str) -> Payment:
    require_member(actor, clinic_id=payment.clinic_id, roles=STAFF_ROLES, what="payment",
                   action=Action.UPDATE, object_id=payment.pk)
    if not reason.strip():
        raise InputError({"reason": ["Say why this payment no longer counts."]})
    with transaction.atomic():
        if Payment.objects.filter(pk=payment.pk, voided_at__isnull=True).update(
                voided_at=timezone.now(), voided_by=actor, void_reason=reason.strip()) == 0:
            raise ConflictError("This payment is already voided.")
        audit_record(actor=actor, action=Action.UPDATE, object_type="payment",
                     object_id=payment.pk, outcome=Outcome.OK, clinic_id=payment.clinic_id,
                     detail={"voided": True})
    payment.refresh_from_db()
    return payment
