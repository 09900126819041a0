"""The read paths of billing, scoped to the actor's clinic and audited.

Who sees what (the decision, tested in tests/billing/test_access.py and the access matrix):

- **Billing records** (a patient's payer, coverage status, ABNs, claim lines, payments,
  superbills, the CMS-1500 export): every member of the clinic's staff, front desk included.
  Front desk usually does the billing, and a superbill cannot be made without the diagnosis
  codes: HIPAA lets a practice use and disclose what payment needs, and no more (the
  "minimum necessary" standard, 45 CFR 164.502(b)). So front desk sees ICD-10-CM codes and
  their titles, CPT codes, units, modifiers and the one-line reason for each modifier
  (what an ABN must tell the patient), and never visit notes, outcome scores, screens or the
  health history: the coverage status given to front desk leaves the outcome evidence out.
- **The audit pack** (visit notes, addenda, outcome measures): practitioners and owners only.
- **Fees**: every staff member reads them (front desk quotes them); owners set them.
- Patients see none of these pages; another clinic's records are not found.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.models import (
    CLINICAL_ROLES,
    STAFF_ROLES,
    Clinic,
    PractitionerProfile,
    Role,
    User,
)
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.billing.coverage import CoverageWarning, visit_coverage_warning
from acuback.billing.models import (
    Abn,
    BillingProfile,
    ClaimLine,
    ClinicBilling,
    Fee,
    Payment,
)
from acuback.clinical.cpt import cpt_table
from acuback.clinical.icd10 import code_list
from acuback.episodes.models import Episode
from acuback.patients.models import Patient
from acuback.sqlrows import key as request_key
from acuback.visits.models import Visit, VisitStatus

LONGEST_PERIOD_DAYS = 3 * 366  # a superbill or audit pack spans at most three years


def _scoped(actor: User, what: str, object_id: object, clinic_of: int | None,
            roles: frozenset[str], action: str = Action.READ,
            patient: Patient | None = None) -> None:
    """Audit and refuse unless the record (of clinic `clinic_of`, None = not found; about
    `patient`) belongs to the actor's clinic and their role is in `roles`; audit the read when
    it may go ahead. A patient is told that only their own records exist."""
    membership = membership_of(actor)
    others = (membership is not None and membership.role == Role.PATIENT
              and (patient is None or patient.user_id != actor.pk))
    if membership is None or clinic_of is None or membership.clinic_id != clinic_of or others:
        audit_record(actor=actor, action=action, object_type=what, object_id=object_id,
                     outcome=Outcome.NOT_FOUND)
        raise NotFound(f"{what} not found")
    if membership.role not in roles:
        audit_record(actor=actor, action=action, object_type=what, object_id=object_id,
                     outcome=Outcome.DENIED, clinic_id=clinic_of)
        raise Forbidden(f"this role may not see the {what.replace('_', ' ')}")
    audit_record(actor=actor, action=action, object_type=what, object_id=object_id,
                 outcome=Outcome.OK, clinic_id=clinic_of)


def billing_patient_get(*, actor: User, patient_id: object, what: str = "billing",
                        roles: frozenset[str] = STAFF_ROLES) -> Patient:
    pk = request_key(patient_id)
    patient = Patient.objects.filter(pk=pk).first() if pk is not None else None
    _scoped(actor, what, patient.pk if patient else patient_id,
            patient.clinic_id if patient else None, roles, patient=patient)
    assert patient is not None  # noqa: S101 - _scoped refused a missing one
    return patient


def billing_episode_get(*, actor: User, episode_id: object, what: str = "coverage") -> Episode:
    pk = request_key(episode_id)
    episode = (Episode.objects.select_related("patient").filter(pk=pk).first()
               if pk is not None else None)
    _scoped(actor, what, episode.pk if episode else episode_id,
            episode.clinic_id if episode else None, STAFF_ROLES,
            patient=episode.patient if episode else None)
    assert episode is not None  # noqa: S101
    return episode


def billing_visit_get(*, actor: User, visit_id: object, what: str = "claim_lines",
                      roles: frozenset[str] = STAFF_ROLES, action: str = Action.READ) -> Visit:
    pk = request_key(visit_id)
    visit = (Visit.objects.select_related("episode__patient", "practitioner__practitioner")
             .filter(pk=pk).first() if pk is not None else None)
    _scoped(actor, what, visit.pk if visit else visit_id,
            visit.clinic_id if visit else None, roles, action,
            patient=visit.episode.patient if visit else None)
    assert visit is not None  # noqa: S101
    return visit


def abn_get(*, actor: User, abn_id: object) -> Abn:
    pk = request_key(abn_id)
    abn = Abn.objects.select_related("patient").filter(pk=pk).first() if pk is not None else None
    _scoped(actor, "abn", abn.pk if abn else abn_id, abn.clinic_id if abn else None,
            STAFF_ROLES, patient=abn.patient if abn else None)
    assert abn is not None  # noqa: S101
    return abn


def payment_get(*, actor: User, payment_id: object) -> Payment:
    pk = request_key(payment_id)
    payment = (Payment.objects.select_related("patient").filter(pk=pk).first()
               if pk is not None else None)
    _scoped(actor, "payment", payment.pk if payment else payment_id,
            payment.clinic_id if payment else None, STAFF_ROLES,
            patient=payment.patient if payment else None)
    assert payment is not None  # noqa: S101
    return payment


def coverage_status(*, actor: User, episode: Episode, on: dt.date | None = None
                    ) -> CoverageWarning:
    """How Medicare would judge a visit of the episode on `on` (today by default), for an
    actor who holds the episode from `billing_episode_get` or a clinical selector."""
    return visit_coverage_warning(episode, on or timezone.localdate())


def shows_evidence(actor: User) -> bool:
    """Outcome scores behind an improvement are clinical content: clinicians only."""
    membership = membership_of(actor)
    return membership is not None and membership.role in CLINICAL_ROLES


# --- the clinic's fees and details ------------------------------------------------------------


@dataclass(frozen=True)
class FeeRow:
    code: str
    short: str
    current: Fee | None
    history: list[Fee]


def fee_schedule(*, actor: User, on: dt.date | None = None) -> list[FeeRow]:
    """Every acupuncture code with the fee in force on `on` and all fees set for it."""
    membership = membership_of(actor)
    if membership is None or membership.role not in STAFF_ROLES:
        audit_record(actor=actor, action=Action.LIST, object_type="fee",
                     outcome=Outcome.DENIED)
        raise Forbidden("only the clinic's staff see its fees")
    day = on or timezone.localdate()
    fees = list(Fee.objects.filter(clinic_id=membership.clinic_id).select_related("set_by"))
    rows = []
    for code in cpt_table().codes.values():
        history = [f for f in fees if f.code == code.code]
        current = next((f for f in history if f.effective_from <= day), None)
        rows.append(FeeRow(code.code, code.short, current, history))
    audit_record(actor=actor, action=Action.LIST, object_type="fee", outcome=Outcome.OK,
                 clinic_id=membership.clinic_id)
    return rows


def clinic_billing_of(clinic_id: int) -> ClinicBilling | None:
    return ClinicBilling.objects.filter(clinic_id=clinic_id).first()


# --- claim lines and payments of a patient ------------------------------------------------


def period(since: dt.date | None, until: dt.date | None) -> tuple[dt.date, dt.date]:
    """The period asked for: this calendar month to date by default; at most three years."""
    from acuback.errors import InputError

    today = timezone.localdate()
    until = until or today
    since = since or until.replace(day=1)
    if since > until:
        raise InputError({"since": ["The period starts on or before its end."]})
    if (until - since).days > LONGEST_PERIOD_DAYS:
        raise InputError({"since": ["Choose a period of at most three years."]})
    return since, until


def _lines(qs: QuerySet[ClaimLine]) -> list[ClaimLine]:
    return list(qs.select_related("practitioner__practitioner", "visit"))


def claim_lines_of_patient(*, actor: User, patient: Patient, since: dt.date, until: dt.date,
                           history: bool = False) -> list[ClaimLine]:
    qs = ClaimLine.objects.filter(patient=patient, service_date__gte=since,
                                  service_date__lte=until)
    if not history:
        qs = qs.filter(superseded_at__isnull=True)
    lines = _lines(qs)
    audit_record(actor=actor, action=Action.LIST, object_type="claim_lines", outcome=Outcome.OK,
                 clinic_id=patient.clinic_id,
                 detail={"patient": patient.pk, "since": since.isoformat(),
                         "until": until.isoformat(), "lines": len(lines)})
    return lines


def claim_lines_of_visit(visit: Visit, *, history: bool = True) -> list[ClaimLine]:
    """For an actor who holds the visit from `billing_visit_get` (which audited the read)."""
    qs = ClaimLine.objects.filter(visit=visit)
    if not history:
        qs = qs.filter(superseded_at__isnull=True)
    return _lines(qs.order_by("derivation", "position"))


# --- the superbill ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderRow:
    name: str
    credentials: str
    npi: str
    licence: str
    incident_to: str  # the supervisor's name when billed incident to them


@dataclass
class Superbill:
    clinic: Clinic
    details: ClinicBilling | None
    patient: Patient
    profile: BillingProfile | None
    since: dt.date
    until: dt.date
    lines: list[ClaimLine]
    payments: list[Payment]
    visit: Visit | None = None  # a superbill of one visit
    unsigned: int = 0  # visits in the period not signed yet: they have no claim line
    providers: list[ProviderRow] = field(default_factory=list)
    diagnoses: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total_charges(self) -> Decimal:
        return sum((line.charge or Decimal("0") for line in self.lines), Decimal("0"))

    @property
    def total_paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0"))

    @property
    def balance(self) -> Decimal:
        return self.total_charges - self.total_paid

    @property
    def held(self) -> list[ClaimLine]:
        return [line for line in self.lines if not line.billable]

    @property
    def title(self) -> str:
        if self.visit is not None:
            return f"Superbill: visit of {self.since:%-d %b %Y}"
        return f"Superbill: {self.since:%-d %b %Y} to {self.until:%-d %b %Y}"

    def as_dict(self) -> dict[str, object]:
        return {
            "patient": {"id": self.patient.pk, "name": self.patient.full_name,
                        "date_of_birth": self.patient.date_of_birth.isoformat(),
                        "payer": self.profile.payer if self.profile else None,
                        "member_id": self.profile.member_id if self.profile else ""},
            "clinic": {"name": (self.details.billing_name if self.details else "")
                       or self.clinic.name,
                       "npi": self.details.group_npi if self.details else "",
                       "tax_id": self.details.tax_id if self.details else ""},
            "since": self.since.isoformat(), "until": self.until.isoformat(),
            "visit_id": self.visit.pk if self.visit else None,
            "providers": [p.__dict__ for p in self.providers],
            "diagnoses": [{"code": c, "title": t} for c, t in self.diagnoses],
            "lines": [line_dict(x) for x in self.lines],
            "payments": [{"id": p.pk, "received_on": p.received_on.isoformat(),
                          "amount": str(p.amount), "method": p.method,
                          "visit_id": p.visit_id} for p in self.payments],
            "total_charges": str(self.total_charges), "total_paid": str(self.total_paid),
            "balance": str(self.balance), "unsigned_visits": self.unsigned,
        }


def line_dict(line: ClaimLine) -> dict[str, object]:
    return {
        "id": line.pk, "visit_id": line.visit_id, "derivation": line.derivation,
        "service_date": line.service_date.isoformat(), "code": line.code, "short": line.short,
        "units": line.units, "modifier": line.modifier or None,
        "modifier_why": line.modifier_why, "diagnoses": line.diagnoses,
        "unit_charge": None if line.unit_charge is None else str(line.unit_charge),
        "charge": None if line.charge is None else str(line.charge), "payer": line.payer or None,
        "to_medicare": line.to_medicare, "billable": line.billable,
        "hold_reasons": line.hold_reasons, "covered": line.covered,
        "rendering_npi": line.rendering_npi, "incident_to": line.incident_to,
        "supervisor": line.supervisor_name, "versions": line.versions, "trace": line.trace,
        "derived_at": line.derived_at.isoformat(),
        "superseded_at": line.superseded_at.isoformat() if line.superseded_at else None,
        "superseded_why": line.superseded_why,
    }


def _providers(lines: list[ClaimLine]) -> list[ProviderRow]:
    seen: dict[int, ProviderRow] = {}
    for line in lines:
        user = line.practitioner
        if user.pk in seen:
            continue
        profile: PractitionerProfile | None = getattr(user, "practitioner", None)
        licence = (f"{profile.licence_number} ({profile.licence_state})".replace(" ()", "")
                   if profile else "")
        seen[user.pk] = ProviderRow(user.get_full_name() or user.username,
                                    profile.credentials if profile else "",
                                    profile.npi if profile else "", licence,
                                    line.supervisor_name if line.incident_to else "")
    return list(seen.values())


def _diagnoses(lines: list[ClaimLine]) -> list[tuple[str, str]]:
    codes = code_list().codes
    found = dict.fromkeys(code for line in lines for code in line.diagnoses)
    return [(c, codes[c].title if c in codes else "") for c in found]


def _superbill(patient: Patient, since: dt.date, until: dt.date, lines: list[ClaimLine],
               payments: list[Payment], visit: Visit | None, unsigned: int) -> Superbill:
    return Superbill(
        clinic=patient.clinic, details=clinic_billing_of(patient.clinic_id), patient=patient,
        profile=BillingProfile.objects.filter(patient=patient).first(), since=since,
        until=until, lines=lines, payments=payments, visit=visit, unsigned=unsigned,
        providers=_providers(lines), diagnoses=_diagnoses(lines))


def superbill_of_period(*, actor: User, patient: Patient, since: dt.date, until: dt.date
                        ) -> Superbill:
    """The patient's current claim lines and payments received from `since` to `until`."""
    lines = claim_lines_of_patient(actor=actor, patient=patient, since=since, until=until)
    payments = list(Payment.objects.filter(patient=patient, voided_at__isnull=True,
                                           received_on__gte=since, received_on__lte=until))
    unsigned = Visit.objects.filter(episode__patient=patient, status=VisitStatus.DRAFT,
                                    started_at__date__gte=since,
                                    started_at__date__lte=until).count()
    return _superbill(patient, since, until, lines, payments, None, unsigned)


def superbill_of_visit(*, actor: User, visit: Visit) -> Superbill:
    """One visit's current claim lines and the payments recorded against it."""
    patient = visit.episode.patient
    day = timezone.localtime(visit.started_at).date()
    lines = claim_lines_of_visit(visit, history=False)
    payments = list(Payment.objects.filter(visit=visit, voided_at__isnull=True))
    audit_record(actor=actor, action=Action.READ, object_type="superbill", object_id=visit.pk,
                 outcome=Outcome.OK, clinic_id=visit.clinic_id, detail={"lines": len(lines)})
    return _superbill(patient, day, day, lines, payments, visit, 0 if visit.is_signed else 1)


# --- the patient's billing page ---------------------------------------------------------------


@dataclass
class BillingPage:
    patient: Patient
    profile: BillingProfile | None
    coverage: list[CoverageWarning]
    episodes: list[Episode]
    abns: list[Abn]
    lines: list[ClaimLine]
    payments: list[Payment]
    visits: list[Visit]


def billing_page(*, actor: User, patient: Patient) -> BillingPage:
    """What the patient's billing page shows (the caller holds the patient from
    `billing_patient_get`)."""
    episodes = list(Episode.objects.filter(patient=patient).order_by("-opened_on", "-id"))
    active = [e for e in episodes if e.status == "active"]
    lines = _lines(ClaimLine.objects.filter(patient=patient, superseded_at__isnull=True)
                   .order_by("-service_date", "-visit_id", "position"))
    visits = list(Visit.objects.filter(episode__patient=patient).order_by("-started_at", "-id"))
    audit_record(actor=actor, action=Action.READ, object_type="billing", object_id=patient.pk,
                 outcome=Outcome.OK, clinic_id=patient.clinic_id)
    return BillingPage(
        patient=patient, profile=BillingProfile.objects.filter(patient=patient).first(),
        coverage=[visit_coverage_warning(e, timezone.localdate()) for e in active],
        episodes=episodes,
        abns=list(Abn.objects.filter(patient=patient).select_related("episode", "recorded_by")),
        lines=lines, payments=list(Payment.objects.filter(patient=patient).order_by(
            "-received_on", "-id")), visits=visits)


# --- the audit pack ---------------------------------------------------------------------------


@dataclass
class PackEpisode:
    episode: Episode
    code_title: str
    in_ncd_list: bool
    screening: object  # the latest Screening, or None
    visits: list[Visit]
    lines: list[ClaimLine]  # every derivation, superseded ones too

    @property
    def improving_decisions(self) -> list[ClaimLine]:
        """The current lines billed on documented improvement (KX), one per visit."""
        seen: set[int] = set()
        found = []
        for line in self.lines:
            if line.superseded_at is None and line.modifier == "KX" and (
                    line.visit_id not in seen):
                seen.add(line.visit_id)
                found.append(line)
        return found


@dataclass
class AuditPack:
    patient: Patient
    details: ClinicBilling | None
    profile: BillingProfile | None
    since: dt.date
    until: dt.date
    episodes: list[PackEpisode]
    generated_by: str
    generated_at: dt.datetime


def audit_pack(*, actor: User, patient: Patient, since: dt.date, until: dt.date) -> AuditPack:
    """Everything a Medicare contractor asks for about the patient's visits from `since` to
    `until`: clinicians only (visit notes are clinical content); the caller holds the patient
    from `billing_patient_get(..., roles=CLINICAL_ROLES)`."""
    from acuback.clinical.claim_lines import is_clbp_diagnosis
    from acuback.screening.selectors import screening_current
    from acuback.visits.selectors import visit_full

    visits = list(visit_full(Visit.objects.filter(
        episode__patient=patient, started_at__date__gte=since, started_at__date__lte=until))
        .order_by("started_at", "id"))
    lines = list(ClaimLine.objects.filter(visit__in=visits).order_by(
        "service_date", "visit_id", "derivation", "position"))
    codes = code_list().codes
    episodes = []
    for episode in Episode.objects.filter(pk__in={v.episode_id for v in visits}).order_by(
            "opened_on", "id"):
        code = codes.get(episode.icd10_code)
        episodes.append(PackEpisode(
            episode, code.title if code else "", is_clbp_diagnosis(episode.icd10_code),
            screening_current(episode), [v for v in visits if v.episode_id == episode.pk],
            [x for x in lines if x.episode_id == episode.pk]))
    audit_record(actor=actor, action=Action.EXPORT, object_type="audit_pack",
                 object_id=patient.pk, outcome=Outcome.OK, clinic_id=patient.clinic_id,
                 detail={"since": since.isoformat(), "until": until.isoformat(),
                         "visits": [v.pk for v in visits]})
    return AuditPack(patient, clinic_billing_of(patient.clinic_id),
                     BillingProfile.objects.filter(patient=patient).first(), since, until,
                     episodes, actor.get_full_name() or actor.username, timezone.now())
