"""Claim lines: derived from a signed visit, once at signing, and again only with a trace.

`claim_lines_derive` is the one write path. It refuses a draft ("no claim line for an
unsigned visit"), reads the visit's signed CPT lines (stored at signing with their rule
version), judges Medicare coverage (`billing.coverage.visit_judgement`), checks who may bill
(`acuback.clinical.medicare_provider`), prices each line from the fee schedule as of the day of
service, and stores every line with the code-set and rule versions it used. Earlier lines of
the visit are superseded, not changed: a claim already sent can always be shown as it was.

Callers: signing (`visits.signing`, trace "signed"), a correction amendment (its reason), a
visit entered in error (lines withdrawn, none derived), and a person fixing what held a line
back (`claim_lines_rederive`: payer, MBI, fee, credentials or supervision recorded since).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.models import STAFF_ROLES, PractitionerProfile, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.billing.coverage import CoverageWarning, Level, visit_judgement
from acuback.billing.models import AbnOption, BillingProfile, ClaimLine, Fee, Payer, Supervision
from acuback.clinical import coverage
from acuback.clinical.claim_lines import covered_diagnoses
from acuback.clinical.coverage_course import COURSE_RULES_VERSION
from acuback.clinical.cpt import cpt_table
from acuback.clinical.icd10 import Icd10Error, code_list, validate
from acuback.clinical.identifiers import mbi_is_valid
from acuback.clinical.medicare_provider import (
    PROVIDER_RULES_VERSION,
    BillingProvider,
    Provider,
    ProviderKind,
    billing_provider,
)
from acuback.clinical.outcomes import OUTCOME_RULES_VERSION
from acuback.errors import ConflictError, InputError
from acuback.visits.access import is_in_error
from acuback.visits.models import Amendment, Visit

CLAIM_RULES_VERSION = "claim-lines/acuback-1"


def fee_on(clinic_id: int, code: str, day: dt.date) -> Fee | None:
    """The fee for `code` in force on `day`: the latest set on or before it."""
    return (Fee.objects.filter(clinic_id=clinic_id, code=code, effective_from__lte=day)
            .order_by("-effective_from", "-id").first())


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def provider_facts(user: User) -> tuple[Provider, Provider | None]:
    """(the treating provider, their supervising physician if one is recorded) as the clinical
    core reads them; a missing profile reads as nothing recorded."""
    profile = PractitionerProfile.objects.filter(user=user).first()
    if profile is None:
        return Provider(_name(user), None, "", "", "", None, None), None
    treating = Provider(
        name=_name(user), kind=ProviderKind(profile.provider_kind) if profile.provider_kind
        else None, npi=profile.npi, licence_number=profile.licence_number,
        licence_state=profile.licence_state, licence_expires=profile.licence_expires,
        acaom_degree=profile.acaom_degree)
    supervisor = None
    if profile.supervising_physician or profile.supervisor_npi:
        supervisor = Provider(
            name=profile.supervising_physician or "the supervising physician",
            kind=ProviderKind(profile.supervisor_kind) if profile.supervisor_kind else None,
            npi=profile.supervisor_npi, licence_number="", licence_state="",
            licence_expires=None, acaom_degree=None)
    return treating, supervisor


def visit_provider_check(visit: Visit) -> BillingProvider:
    """May this visit be billed to Medicare, and under whose NPI? For an acupuncturist, the
    supervision recorded for the visit names the supervisor (as it was on that day)."""
    day = timezone.localtime(visit.started_at).date()
    treating, supervisor = provider_facts(visit.practitioner)
    supervision = Supervision.objects.filter(visit=visit).first()
    if supervision is not None:
        supervisor = Provider(supervision.supervisor_name,
                              ProviderKind(supervision.supervisor_kind)
                              if supervision.supervisor_kind else None,
                              supervision.supervisor_npi, "", "", None, None)
    return billing_provider(treating, day, supervisor=supervisor,
                            supervised=supervision.present if supervision else None)


@dataclass(frozen=True)
class Billing:
    """Who is billed for the visit and what holds its lines back."""

    payer: str
    to_medicare: bool
    modifier: str
    modifier_why: str
    holds: list[str]
    provider: BillingProvider | None


def _billing(visit: Visit, judged: CoverageWarning) -> Billing:
    profile = BillingProfile.objects.filter(patient_id=visit.episode.patient_id).first()
    return billing_of(profile.payer if profile else "", profile.member_id if profile else "",
                      judged, lambda: visit_provider_check(visit))


def billing_of(payer: str, member_id: str, judged: CoverageWarning,
               provider_check: Callable[[], BillingProvider]) -> Billing:
    """Who is billed and what holds the lines back, from the patient's payer and member id,
    the coverage judgement and (asked only for a Medicare claim) the provider check."""
    if payer in (Payer.OTHER, Payer.SELF_PAY):
        return Billing(payer, False, "", "not a Medicare claim", [], None)
    if judged.level is Level.NOT_BILLED:
        why = "the patient chose on the ABN (option 2) to pay and not to bill Medicare"
        return Billing(payer, False, "", why, [], None)
    holds = []
    if not payer:
        holds.append("the patient's payer is not recorded (billing details on the patient's "
                     "billing page)")
    elif not mbi_is_valid(member_id):
        holds.append("the patient's Medicare Beneficiary Identifier is missing or not valid")
    provider = provider_check()
    holds += list(provider.reasons)
    modifier = judged.judgement.modifier
    return Billing(payer, True, modifier.modifier or "", modifier.why, holds, provider)


def diagnosis_holds(code: str) -> list[str]:
    """Why the episode's ICD-10-CM code cannot go on a claim line (empty when it can): a code
    the shipped code set does not hold, or one deleted from ICD-10-CM, named with its
    replacements (an episode recorded or imported under an earlier release keeps its code; the
    claim is judged against the release in force now, whatever payer)."""
    try:
        validate(code)
    except Icd10Error as exc:
        return [f"the episode's diagnosis cannot be billed: {exc} Correct the episode's code."]
    return []


def _versions(visit: Visit) -> dict[str, object]:
    return {
        "icd10cm": code_list().version, "ncd_diagnoses": covered_diagnoses().version,
        "icd10cm_ncd_release": covered_diagnoses().icd10cm_version,
        "cpt_codes": cpt_table().version, "cpt_rules": visit.cpt_rule_version,
        "coverage_rules": coverage.RULES_VERSION, "course_rules": COURSE_RULES_VERSION,
        "outcome_rules": OUTCOME_RULES_VERSION, "provider_rules": PROVIDER_RULES_VERSION,
        "claim_rules": CLAIM_RULES_VERSION,
    }


def _lines(visit: Visit, derivation: int, actor: User | None, trace: str,
           amendment: Amendment | None) -> list[ClaimLine]:
    judged = visit_judgement(visit)
    return claim_lines_built(
        visit, judged, _billing(visit, judged), derivation=derivation, actor=actor,
        trace=trace, amendment=amendment, now=timezone.now(),
        fee=lambda code, day: fee_on(visit.clinic_id, code, day),
        own_npi=lambda: _own_npi(visit))


def claim_lines_built(visit: Visit, judged: CoverageWarning, billing: Billing, *,
                      derivation: int, actor: User | None, trace: str,
                      amendment: Amendment | None, now: dt.datetime,
                      fee: Callable[[str, dt.date], Fee | None],
                      own_npi: Callable[[], str]) -> list[ClaimLine]:
    """The visit's lines (unsaved) from its judgement, its billing and the fee schedule."""
    return [ClaimLine(**values) for values in claim_line_values(
        visit, judged, billing, derivation=derivation, actor=actor, trace=trace,
        amendment=amendment, now=now, fee=fee, own_npi=own_npi)]


def claim_line_values(visit: Visit, judged: CoverageWarning, billing: Billing, *,
                      derivation: int, actor: User | None, trace: str,
                      amendment: Amendment | None, now: dt.datetime,
                      fee: Callable[[str, dt.date], Fee | None],
                      own_npi: Callable[[], str]) -> list[dict[str, Any]]:
    """Each of the visit's lines as the fields of a ClaimLine (model field names): the one
    place a line's fields are filled, for signing (`claim_lines_built`) and for the bulk demo
    (which writes them as rows without building a model instance each)."""
    day = judged.on
    diagnosis = diagnosis_holds(visit.episode.icd10_code)
    lines = []
    for position, line in enumerate(visit.cpt.get("lines", []), start=1):
        charge = fee(line["code"], day)
        holds = [*diagnosis, *billing.holds]
        if charge is None:
            holds.append(f"no fee is set for {line['code']} on {day.isoformat()} (the owner "
                         "sets fees on the fee schedule page)")
        provider = billing.provider
        lines.append(dict(
            clinic_id=visit.clinic_id, patient_id=visit.episode.patient_id,
            episode_id=visit.episode_id, visit=visit, derivation=derivation, position=position,
            service_date=day, code=line["code"], short=line.get("short", ""),
            units=line["units"], modifier=billing.modifier, modifier_why=billing.modifier_why,
            diagnoses=[visit.episode.icd10_code],
            unit_charge=charge.unit_charge if charge else None,
            charge=(charge.unit_charge * line["units"]) if charge else None,
            payer=billing.payer, to_medicare=billing.to_medicare, billable=not holds,
            hold_reasons=holds, covered=judged.judgement.counted,
            practitioner_id=visit.practitioner_id,
            rendering_npi=provider.rendering_npi if provider else own_npi(),
            incident_to=bool(provider and provider.incident_to),
            supervisor_name=provider.supervisor_name if provider else "",
            coverage=judged.as_dict(),
            provider_check=provider.as_dict() if provider else {"medicare": False},
            versions=_versions(visit), visit_version=visit.version,
            visit_hash=visit.content_hash, derived_at=now, derived_by=actor,
            trace=trace, amendment=amendment,
        ))
    return lines


def _own_npi(visit: Visit) -> str:
    profile = PractitionerProfile.objects.filter(user_id=visit.practitioner_id).first()
    return profile.npi if profile else ""


def claim_lines_derive(*, visit: Visit, actor: User | None, trace: str,
                       amendment: Amendment | None = None) -> list[ClaimLine]:
    """Derive the visit's claim lines now, superseding any earlier ones (`trace` says why).
    A visit entered in error gets none. Runs in the caller's transaction when there is one."""
    with transaction.atomic():
        locked = Visit.objects.select_for_update().select_related(
            "episode", "practitioner").get(pk=visit.pk)
        if not locked.is_signed:
            raise ConflictError("No claim line for an unsigned visit: sign it first.")
        now = timezone.now()
        current = ClaimLine.objects.filter(visit=locked, superseded_at__isnull=True)
        derivation = (ClaimLine.objects.filter(visit=locked).aggregate(
            n=Max("derivation"))["n"] or 0) + 1
        withdrawn = is_in_error(locked)
        current.update(superseded_at=now, superseded_why=(
            f"withdrawn: {trace}" if withdrawn else f"replaced by derivation {derivation}: "
            f"{trace}"))
        lines = [] if withdrawn else _lines(locked, derivation, actor, trace, amendment)
        ClaimLine.objects.bulk_create(lines)
        audit_record(actor=actor, action=Action.CREATE, object_type="claim_lines",
                     object_id=locked.pk, outcome=Outcome.OK, clinic_id=locked.clinic_id,
                     detail={"visit": locked.pk, "derivation": derivation, "trace": trace[:200],
                             "lines": [[x.code, x.units, x.modifier, x.billable] for x in lines],
                             "withdrawn": withdrawn})
    return lines


def claim_lines_rederive(*, actor: User, visit: Visit, reason: str) -> list[ClaimLine]:
    """A person derives a signed visit's lines again after fixing what held them back. Lines
    that are all billable stay as they are: only a correction amendment changes those."""
    membership = membership_of(actor)
    if membership is None or membership.clinic_id != visit.clinic_id:
        audit_record(actor=actor, action=Action.CREATE, object_type="claim_lines",
                     object_id=visit.pk, outcome=Outcome.NOT_FOUND)
        raise NotFound("visit not found")
    if membership.role not in STAFF_ROLES:
        audit_record(actor=actor, action=Action.CREATE, object_type="claim_lines",
                     object_id=visit.pk, outcome=Outcome.DENIED, clinic_id=visit.clinic_id)
        raise Forbidden("only the clinic's staff derive claim lines")
    if not reason.strip():
        raise InputError({"reason": ["Say what changed since the lines were derived."]})
    current = ClaimLine.objects.filter(visit=visit, superseded_at__isnull=True)
    if current.exists() and not current.filter(billable=False).exists():
        raise ConflictError("These claim lines are complete and billable; only a correction "
                            "amendment of the visit derives them again.")
    return claim_lines_derive(visit=visit, actor=actor, trace=reason.strip()[:500])


def claim_lines_on_sign(visit: Visit, actor: User) -> None:
    """Called by `visits.signing` inside the signing transaction."""
    claim_lines_derive(visit=visit, actor=actor, trace="derived when the visit was signed")


def claim_lines_on_amendment(amendment: Amendment, actor: User) -> None:
    """Called by `visits.signing.visit_amend` inside its transaction: a correction re-derives
    the lines from the signed content, "entered in error" withdraws them."""
    from acuback.visits.models import AmendmentKind

    visit = amendment.visit
    if not visit.is_signed:
        return
    if amendment.kind == AmendmentKind.CORRECTION:
        trace = (f"correction of {amendment.section or 'the visit'} on "
                 f"{timezone.localtime(amendment.at):%Y-%m-%d}: {amendment.reason}")
    elif amendment.kind == AmendmentKind.ENTERED_IN_ERROR:
        trace = f"visit entered in error: {amendment.reason}"
    else:
        return
    claim_lines_derive(visit=visit, actor=actor, trace=trace[:500], amendment=amendment)


def charge_total(lines: list[ClaimLine]) -> Decimal:
    return sum((line.charge or Decimal("0") for line in lines), Decimal("0"))


__all__ = ["AbnOption", "claim_lines_derive", "claim_lines_rederive", "fee_on"]
