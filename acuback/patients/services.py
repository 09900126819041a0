"""Writes to the patient record. Each validates, writes and audits in one transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from acuback.accounts.access import AccessError, Forbidden, NotFound, membership_of
from acuback.accounts.models import CLINICAL_ROLES, STAFF_ROLES, Clinic, Role, User
from acuback.accounts.staff import Invitee, account_invite, link_resend, staff_active_set
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.cohort.summaries import refresh_patient_summaries
from acuback.errors import ConflictError, InputError
from acuback.patients import contact, search
from acuback.patients.consent import VERSIONS as CONSENT_VERSIONS
from acuback.patients.duplicates import Candidate, likely_duplicates
from acuback.patients.models import (
    HEALTH_KEYS,
    HEALTH_QUESTIONS,
    AnswerSource,
    Consent,
    ConsentMethod,
    HealthHistory,
    HealthHistoryVersion,
    ImplantedDevice,
    Patient,
    PatientSearchTerm,
    Sex,
)


@dataclass
class PatientInput:
    given_name: str
    family_name: str
    date_of_birth: dt.date
    sex: str
    email: str = ""
    phone: str = ""
    address: str = ""
    practitioner_id: int | None = None


@dataclass
class HealthInput:
    """Answers to set, for code that answers a few questions at once (the demo, tests): every
    field left at None is left as it is. Interfaces send what the person sent, through
    `health_history_write`."""

    pregnant: bool | None = None
    pregnancy_weeks: int | None = None
    anticoagulant: bool | None = None
    bleeding_disorder: bool | None = None
    implanted_device: str | None = None
    needle_phobia: bool | None = None
    immunosuppressed: bool | None = None
    diabetes: bool | None = None
    epilepsy: bool | None = None
    metal_allergy: bool | None = None
    skin_conditions: str | None = None
    skin_lesion_regions: list[str] | None = None
    medications: str | None = None


class HealthHistoryConflict(ConflictError):
    """The history changed since the writer read it: both versions go back to them."""

    def __init__(self, current: HealthHistory, yours: Mapping[str, object], version: int) -> None:
        self.current = current
        who = current.versions.select_related("recorded_by").first()
        name = _name(who.recorded_by) if who is not None and who.recorded_by else "someone"
        super().__init__(
            f"{name} saved this health history (version {current.version}) after you opened "
            f"version {version}. Their answers are shown beside yours: check them and save "
            "again.",
            your_version=version, current_version=current.version,
            yours=dict(yours), current=current.answers(), current_by=name,
        )


def _today() -> dt.date:
    return timezone.localdate()


def _validate_patient(data: PatientInput, clinic: Clinic, patient: Patient | None = None
                      ) -> PatientInput:
    """The input checked, with the phone number in E.164 and the e-mail address normalised
    (`acuback.patients.contact`); every error at once."""
    errors: dict[str, list[str]] = {}
    if not data.given_name.strip():
        errors["given_name"] = ["Enter the patient's given name."]
    if not data.family_name.strip():
        errors["family_name"] = ["Enter the patient's family name."]
    if data.date_of_birth > _today():
        errors["date_of_birth"] = ["Date of birth cannot be in the future."]
    elif data.date_of_birth < dt.date(1900, 1, 1):
        errors["date_of_birth"] = ["Date of birth must be after 1900."]
    elif patient is not None and (first := _first_onset(patient)) is not None \
            and first < data.date_of_birth:
        errors["date_of_birth"] = [f"An episode of this patient's back pain began on "
                                   f"{first:%-d %b %Y}, before this date of birth."]
    if data.sex not in Sex.values:
        errors["sex"] = [f"Choose one of: {', '.join(Sex.values)}."]
    if data.practitioner_id is not None and not User.objects.filter(
        pk=data.practitioner_id,
        membership__clinic_id=clinic.pk,
        membership__role__in=[Role.PRACTITIONER, Role.OWNER],
    ).exists():
        errors["practitioner_id"] = ["Choose a practitioner of this clinic."]
    phone, email = data.phone, data.email
    try:
        phone = contact.phone_normalised(data.phone, clinic.region)
    except ValueError as exc:
        errors["phone"] = [str(exc)]
    try:
        email = contact.email_normalised(data.email)
    except ValueError as exc:
        errors["email"] = [str(exc)]
    if errors:
        raise InputError(errors)
    return dataclasses.replace(data, phone=phone, email=email)


def _first_onset(patient: Patient) -> dt.date | None:
    return patient.episodes.order_by("onset_date").values_list("onset_date", flat=True).first()


_TEXT_LIMITS = {"skin_conditions": 300, "medications": 4000}


def _check_health_values(answers: Mapping[str, object], errors: dict[str, list[str]]) -> None:
    """Each value's type and range. None is "not asked" for every question."""
    from acuback.clinical.regions import BODY_REGIONS

    for key, value in answers.items():
        if key in HEALTH_QUESTIONS and key not in ("implanted_device", "skin_lesion_regions"):
            if value is not None and not isinstance(value, bool):
                errors[key] = ["Answer yes (true), no (false) or not asked (null)."]
        elif key == "implanted_device":
            if value is not None and value not in ImplantedDevice.values:
                errors[key] = [f"Choose one of: {', '.join(ImplantedDevice.values)}, or null."]
        elif key == "skin_lesion_regions":
            if value is not None and (not isinstance(value, list)
                                      or not all(isinstance(r, str) for r in value)):
                errors[key] = ["Give a list of body regions ([] for none), or null."]
            elif value:
                unknown = [r for r in value if r not in BODY_REGIONS]
                if unknown:
                    errors[key] = [f"Unknown body region: {', '.join(unknown)}."]
        elif key == "pregnancy_weeks":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or not 0 <= value <= 45):
                errors[key] = ["Weeks of pregnancy must be a whole number from 0 to 45."]
        elif not isinstance(value, str) or len(value) > _TEXT_LIMITS[key]:
            errors[key] = [f"Text of at most {_TEXT_LIMITS[key]} characters."]


def _validate_health(answers: Mapping[str, object], merged: Mapping[str, object],
                     replace: bool, source: str) -> None:
    errors: dict[str, list[str]] = {}
    unknown = sorted(str(k) for k in answers if k not in HEALTH_KEYS)
    if unknown:
        errors["__all__"] = [f"Unknown key(s): {', '.join(unknown)}; the keys are "
                             f"{', '.join(HEALTH_KEYS)}."]
    missing = [k for k in HEALTH_KEYS if k not in answers] if replace else []
    for key in missing:
        errors[key] = ["Required: a full replacement sends every question (null = not asked)."]
    if source not in AnswerSource.values:
        errors["source"] = [f"Say who gave the answers: {' or '.join(AnswerSource.values)}."]
    _check_health_values({k: v for k, v in answers.items() if k in HEALTH_KEYS}, errors)
    if not errors and merged.get("pregnancy_weeks") is not None and merged["pregnant"] is not True:
        errors["pregnancy_weeks"] = ["Weeks of pregnancy only apply when the patient is "
                                     "pregnant: clear them (null) too."]
    if errors:
        raise InputError(errors)


def _require_role(
    actor: User, roles: frozenset[str], *, action: str, object_type: str, object_id: object = "",
    patient: Patient | None = None,
) -> int:
    """The actor's clinic, or an audited refusal: NotFound for another clinic's patient,
    Forbidden for a role that may not. Call it before the write's transaction opens: a refusal
    raised inside it would roll its own audit entry back."""
    membership = membership_of(actor)
    clinic_id = membership.clinic_id if membership is not None else None
    if patient is not None and patient.clinic_id != clinic_id:
        refusal: AccessError = NotFound("patient not found")
    elif membership is None or membership.role not in roles:
        refusal = Forbidden("this role may not change patient records")
    else:
        return membership.clinic_id
    audit_record(
        actor=actor, action=action, object_type=object_type, object_id=object_id,
        outcome=Outcome.NOT_FOUND if isinstance(refusal, NotFound) else Outcome.DENIED,
        detail={"patient": patient.pk} if patient is not None else None,
    )
    raise refusal


def _require_own(actor: User, patient: Patient, *, action: str, object_type: str) -> int:
    """For the portal: the patient themself, on their own record only. Anyone else gets the
    audited refusal `_require_role` gives (staff have their own forms: 403; another record,
    or another clinic's: 404). Call it before the write's transaction opens."""
    membership = membership_of(actor)
    if (membership is not None and membership.role == Role.PATIENT
            and patient.user_id == actor.pk and patient.clinic_id == membership.clinic_id):
        return membership.clinic_id
    if membership is not None and membership.role == Role.PATIENT:
        audit_record(actor=actor, action=action, object_type=object_type, object_id=patient.pk,
                     outcome=Outcome.NOT_FOUND, detail={"patient": patient.pk})
        raise NotFound("patient not found")
    _require_role(actor, frozenset({Role.PATIENT}), action=action, object_type=object_type,
                  object_id=patient.pk, patient=patient)
    raise AssertionError("unreachable: _require_role refuses every non-patient")


class LikelyDuplicate(ConflictError):
    """The patient may be registered already: the candidates go back to the person, who may
    register a new patient anyway, deliberately (`confirm_duplicate`)."""

    def __init__(self, candidates: list[Candidate]) -> None:
        self.candidates = candidates
        who = "; ".join(f"{c.patient.full_name}, born {c.patient.date_of_birth:%-d %b %Y} "
                        f"({c.words})" for c in candidates)
        super().__init__(
            f"This may be a patient already registered: {who}. Open the existing record "
            "instead; if this is a different person, confirm that you mean to register them "
            "(confirm_duplicate).",
            candidates=[c.as_json() for c in candidates],
        )


def patient_create(*, actor: User, data: PatientInput, confirm_duplicate: bool = False,
                   seen_duplicates: Collection[int] | None = None) -> Patient:
    """Register a patient. A likely duplicate of someone of the clinic (same names and date
    of birth, same phone or same e-mail: `acuback.patients.duplicates`) raises
    LikelyDuplicate, unless `confirm_duplicate`: then, if `seen_duplicates` is given, only
    those candidates are confirmed (a page confirms what it showed), and the confirmation is
    audited with the candidates' ids."""
    clinic_id = _require_role(actor, STAFF_ROLES, action=Action.CREATE, object_type="patient")
    with transaction.atomic():
        return _patient_create(actor, data, clinic_id, confirm_duplicate, seen_duplicates)


def _patient_create(actor: User, data: PatientInput, clinic_id: int, confirm_duplicate: bool,
                    seen_duplicates: Collection[int] | None) -> Patient:
    clean = _validate_patient(data, _clinic(actor, clinic_id))
    values = _patient_fields(clean)
    candidates = likely_duplicates(clinic_id=clinic_id, **{
        k: values[k] for k in ("given_name", "family_name", "date_of_birth", "phone", "email")})
    unseen = [c for c in candidates
              if seen_duplicates is not None and c.patient.pk not in seen_duplicates]
    if candidates and (not confirm_duplicate or unseen):
        raise LikelyDuplicate(candidates)
    patient = Patient.objects.create(clinic_id=clinic_id, **values)
    _health_history_open(patient, actor)  # open, nothing asked yet
    _index(patient)
    audit_record(
        actor=actor, action=Action.CREATE, object_type="patient", object_id=patient.pk,
        outcome=Outcome.OK, clinic_id=clinic_id,
        detail={"confirmed_duplicate_of": [c.patient.pk for c in candidates]}
        if candidates else None,
    )
    return patient


def _clinic(actor: User, clinic_id: int) -> Clinic:
    membership = membership_of(actor)
    if membership is not None and membership.clinic_id == clinic_id:
        return membership.clinic
    return Clinic.objects.get(pk=clinic_id)


def _patient_fields(data: PatientInput) -> dict[str, Any]:
    values = {f.name: getattr(data, f.name) for f in fields(data)}
    values["given_name"] = values["given_name"].strip()
    values["family_name"] = values["family_name"].strip()
    return values


def patient_update(*, actor: User, patient: Patient, data: PatientInput, version: int) -> Patient:
    """Update demographics. `version` is the one the editor read: a stale one is refused."""
    clinic_id = _require_role(actor, STAFF_ROLES, action=Action.UPDATE, object_type="patient",
                              object_id=patient.pk, patient=patient)
    with transaction.atomic():
        return _patient_update(actor, patient, data, version, clinic_id)


def _patient_update(
    actor: User, patient: Patient, data: PatientInput, version: int, clinic_id: int
) -> Patient:
    clean = _validate_patient(data, _clinic(actor, clinic_id), patient)
    values = _patient_fields(clean)
    changed = sorted(k for k, v in values.items() if getattr(patient, k) != v)
    updated = Patient.objects.filter(pk=patient.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )
    if not updated:
        raise ConflictError("This patient was changed by someone else; reload and try again.")
    if "practitioner_id" in changed:
        refresh_patient_summaries(patient.pk)
    audit_record(
        actor=actor, action=Action.UPDATE, object_type="patient", object_id=patient.pk,
        outcome=Outcome.OK, clinic_id=clinic_id, detail={"fields": changed},
    )
    patient.refresh_from_db()
    if set(changed) & SEARCHED_FIELDS:
        _index(patient)
    return patient


def patient_contact_update(*, actor: User, patient: Patient, email: str, phone: str,
                           address: str, version: int) -> Patient:
    """The patient's own contact details, from the portal's pre-visit intake. Names, date of
    birth and practitioner stay as the clinic has them; the checks, version and audit are the
    staff form's (`patient_update`)."""
    clinic_id = _require_own(actor, patient, action=Action.UPDATE, object_type="patient")
    data = PatientInput(given_name=patient.given_name, family_name=patient.family_name,
                        date_of_birth=patient.date_of_birth, sex=patient.sex, email=email,
                        phone=phone, address=address, practitioner_id=patient.practitioner_id)
    with transaction.atomic():
        return _patient_update(actor, patient, data, version, clinic_id)


# What a patient is found by (acuback.patients.search): a change to any of these re-indexes.
SEARCHED_FIELDS = {"given_name", "family_name", "phone", "email"}


def _index(patient: Patient) -> None:
    """Rewrite the patient's search terms, in the write's own transaction."""
    PatientSearchTerm.objects.filter(patient=patient).delete()
    PatientSearchTerm.objects.bulk_create(search_rows(patient))


def search_rows(patient: Patient) -> list[PatientSearchTerm]:
    found = search.terms(patient.given_name, patient.family_name, patient.phone, patient.email)
    return [PatientSearchTerm(clinic_id=patient.clinic_id, patient_id=patient.pk, kind=kind,
                              term=term) for kind, term in sorted(found)]


def health_history_write(
    *, actor: User, patient: Patient, answers: Mapping[str, object], version: int,
    source: str, replace: bool = False, confirmed: bool = True,
) -> HealthHistory:
    """Write health-history answers, in one transaction, audited.

    `replace=True` (API PUT, the web form) must send every key of HEALTH_KEYS; otherwise (API
    PATCH) only the keys sent change: nothing else is touched, so a stored "yes" can only
    become "no" or "not asked" when that very key is sent. `version` is the one the writer read:
    a stale one raises HealthHistoryConflict with both versions. `source` says whether the
    patient or a clinician gave the answers; each answered key records who, when and source.
    `confirmed=False` (a FHIR import of a patient's answers no clinician has confirmed yet)
    keeps them unconfirmed, as the portal's intake writes them."""
    if not confirmed and source != AnswerSource.PATIENT:
        raise InputError({"source": ["Only the patient's own answers await confirmation."]})
    clinic_id = _require_role(actor, CLINICAL_ROLES, action=Action.UPDATE,
                              object_type="health_history", object_id=patient.pk, patient=patient)
    with transaction.atomic():
        return _health_history_write(actor, patient, answers, version, source, replace, clinic_id,
                                     by_patient=not confirmed)


def health_history_intake(*, actor: User, patient: Patient, answers: Mapping[str, object],
                          version: int) -> HealthHistory:
    """The patient's own answers, from the portal's pre-visit intake: patient-reported and not
    yet confirmed by a clinician (`HealthHistory.care_answer` says what that means for safety)
    until `health_history_confirm` or the staff form. Only the keys sent change, as in PATCH.
    A patient answers yes or no: "not asked" (None) is refused, so the form leaves out a
    question the patient is not sure of. An answer the same as one a clinician confirmed keeps
    that confirmation."""
    clinic_id = _require_own(actor, patient, action=Action.UPDATE, object_type="health_history")
    blank = sorted(k for k, v in answers.items() if k in HEALTH_QUESTIONS and v is None)
    if blank:
        raise InputError({k: ["Answer yes or no, or leave the question out."] for k in blank})
    with transaction.atomic():
        return _health_history_write(actor, patient, answers, version, AnswerSource.PATIENT,
                                     False, clinic_id, by_patient=True)


def health_history_confirm(*, actor: User, patient: Patient, version: int) -> HealthHistory:
    """A clinician confirms, as they stand, the answers the patient gave in the portal (they
    stay patient-reported, now confirmed). To correct one, the clinician uses the health form,
    which confirms every answer it saves. `version` is the one the clinician looked at."""
    clinic_id = _require_role(actor, CLINICAL_ROLES, action=Action.UPDATE,
                              object_type="health_history", object_id=patient.pk, patient=patient)
    health = health_history_of(patient)
    pending = {key: health.answer(key) for key in health.unconfirmed}
    if not pending and version == health.version:
        raise InputError({"__all__": ["No answer of the patient is waiting to be confirmed."]})
    with transaction.atomic():
        return _health_history_write(actor, patient, pending, version, AnswerSource.PATIENT,
                                     False, clinic_id)


def health_history_update(*, actor: User, patient: Patient, data: HealthInput,
                          source: str = AnswerSource.CLINICIAN) -> HealthHistory:
    """Answer the questions given in `data` (fields left None stay as they are), at the current
    version: for the demo and tests, which have no stale reader to protect."""
    health = health_history_of(patient)
    answers = {f.name: getattr(data, f.name) for f in fields(data)
               if getattr(data, f.name) is not None}
    return health_history_write(actor=actor, patient=patient, answers=answers,
                                version=health.version, source=source)


def health_history_of(patient: Patient) -> HealthHistory:
    """The patient's history, made (empty: nothing asked yet) if missing; for writers."""
    health = HealthHistory.objects.filter(patient=patient).first()
    return health if health is not None else _health_history_open(patient, None)


def _health_history_open(patient: Patient, actor: User | None) -> HealthHistory:
    health, created = HealthHistory.objects.get_or_create(patient=patient)
    if created:
        HealthHistoryVersion.objects.create(history=health, version=1, answers=health.answers(),
                                            recorded_by=actor)
    return health


def _health_history_write(
    actor: User, patient: Patient, answers: Mapping[str, object], version: int, source: str,
    replace: bool, clinic_id: int, by_patient: bool = False,
) -> HealthHistory:
    _health_history_open(patient, actor)
    health = HealthHistory.objects.select_for_update().get(patient=patient)
    before = health.answers()
    merged = {**before, **{k: v for k, v in answers.items() if k in HEALTH_KEYS}}
    _validate_health(answers, merged, replace, source)
    if version != health.version:
        raise HealthHistoryConflict(health, answers, version)
    changed = {k: [before[k], merged[k]] for k in answers if before[k] != merged[k]}
    now = timezone.now()
    for key in answers:
        value = merged[key]
        setattr(health, key, "" if key == "implanted_device" and value is None else value)
        if value is None and key in HEALTH_QUESTIONS:
            health.answered.pop(key, None)  # not asked: nobody answered it
        elif by_patient and before[key] == value and key in health.answered \
                and health.confirmed(key):
            continue  # the patient says what a clinician confirmed: it stays confirmed
        else:
            health.answered[key] = {"by": actor.pk, "name": _name(actor),
                                    "at": now.isoformat(), "source": source}
            if by_patient:
                health.answered[key].update(confirmed=False, previous=before[key])
    health.version += 1
    health.save()
    HealthHistoryVersion.objects.create(
        history=health, version=health.version, answers=health.answers(),
        asked=sorted(answers), changed=changed, source=source, recorded_by=actor,
    )
    audit_record(
        actor=actor, action=Action.UPDATE, object_type="health_history", object_id=patient.pk,
        outcome=Outcome.OK, clinic_id=clinic_id,
        detail={"fields": sorted(changed), "asked": sorted(answers), "version": health.version,
                "source": source, "confirmed": not by_patient},
    )
    return health


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def consent_record(
    *, actor: User, patient: Patient, given_on: dt.date, witness: str = "",
    text_version: str | None = None,
) -> Consent:
    clinic_id = _require_role(actor, STAFF_ROLES, action=Action.CREATE, object_type="consent",
                              patient=patient)
    with transaction.atomic():
        return _consent_record(actor, patient, given_on, witness, text_version, clinic_id)


def consent_sign(*, actor: User, patient: Patient, text_version: str, signature: str,
                 agreed: bool) -> Consent:
    """The patient's e-consent in the portal: they read the text of `text_version`, tick that
    they agree and type their full name as the clinic has it. Dated today; the consent keeps
    the typed name and the SHA-256 of the text shown, so what was signed can be proved."""
    clinic_id = _require_own(actor, patient, action=Action.CREATE, object_type="consent")
    errors: dict[str, list[str]] = {}
    if not agreed:
        errors["agreed"] = ["Tick the box to say you agree, or talk to the clinic first."]
    if " ".join(signature.split()).casefold() != " ".join(patient.full_name.split()).casefold():
        errors["signature"] = [f"Type your full name as the clinic has it: {patient.full_name}."]
    if errors:
        raise InputError(errors)
    typed = " ".join(signature.split())
    with transaction.atomic():
        return _consent_record(actor, patient, _today(), "", text_version, clinic_id,
                               method=ConsentMethod.ELECTRONIC, signature=typed)


def consent_record_imported(
    *, actor: User, patient: Patient, given_on: dt.date, text_version: str, method: str,
    signature: str = "", witness: str = "",
) -> Consent:
    """A consent given elsewhere, as the file records it (FHIR import): its own method and the
    name signed. Only a text acuback holds can be consented to (the hash proves which words
    were agreed), so an unknown version is refused like any other way of recording one."""
    clinic_id = _require_role(actor, STAFF_ROLES, action=Action.CREATE, object_type="consent",
                              patient=patient)
    if method not in ConsentMethod.values:
        raise InputError({"method": [f"Record the consent's method as one of "
                                     f"{', '.join(ConsentMethod.values)}."]})
    with transaction.atomic():
        return _consent_record(actor, patient, given_on, witness, text_version, clinic_id,
                               method=method, signature=" ".join(signature.split()))


def _consent_record(
    actor: User, patient: Patient, given_on: dt.date, witness: str, text_version: str | None,
    clinic_id: int, *, method: str = ConsentMethod.RECORDED, signature: str = "",
) -> Consent:
    from acuback.patients.consent import CURRENT_VERSION, consent_text

    version = text_version or CURRENT_VERSION
    errors: dict[str, list[str]] = {}
    if version not in CONSENT_VERSIONS:
        errors["text_version"] = [f"Unknown consent text {version!r}."]
    if given_on > _today():
        errors["given_on"] = ["Consent cannot be dated in the future."]
    if errors:
        raise InputError(errors)
    consent = Consent.objects.create(
        patient=patient, text_version=version, given_on=given_on, witness=witness.strip(),
        recorded_by=actor, method=method, signature=signature,
        text_sha256=hashlib.sha256(consent_text(version).encode()).hexdigest(),
    )
    audit_record(
        actor=actor, action=Action.CREATE, object_type="consent", object_id=consent.pk,
        outcome=Outcome.OK, clinic_id=clinic_id, detail={"patient": patient.pk, "method": method},
    )
    return consent


# --- the patient's portal login ------------------------------------------------------------------


def patient_portal_invite(*, actor: User, patient: Patient, email: str, username: str,
                          base_url: str) -> User:
    """Invite the patient to the portal: a login of their own (role patient) linked to this
    record, whose password they choose through a one-time link e-mailed to them."""
    _require_role(actor, STAFF_ROLES, action=Action.CREATE, object_type="portal_login",
                  object_id=patient.pk, patient=patient)
    if patient.user_id is not None:
        raise InputError({"__all__": ["This patient already has a portal login."]})
    invitee = Invitee(username=username, email=email, role=Role.PATIENT,
                      first_name=patient.given_name, last_name=patient.family_name)
    with transaction.atomic():
        user = account_invite(clinic=patient.clinic, invitee=invitee, actor=actor,
                              base_url=base_url, roles=frozenset({Role.PATIENT}),
                              object_type="portal_login", about={"patient": patient.pk})
        Patient.objects.filter(pk=patient.pk).update(user=user)
        patient.user = user
    return user


def patient_portal_link(*, actor: User, patient: Patient, base_url: str) -> str:
    """Send the portal invitation again, or a password reset link once a password is chosen."""
    _require_role(actor, STAFF_ROLES, action=Action.CREATE, object_type="portal_login",
                  object_id=patient.pk, patient=patient)
    if patient.user is None:
        raise InputError({"__all__": ["This patient has no portal login yet."]})
    return str(link_resend(actor=actor, member=patient.user, base_url=base_url))


def patient_portal_active_set(*, actor: User, patient: Patient, active: bool) -> None:
    _require_role(actor, STAFF_ROLES, action=Action.UPDATE, object_type="portal_login",
                  object_id=patient.pk, patient=patient)
    if patient.user is None:
        raise InputError({"__all__": ["This patient has no portal login yet."]})
    staff_active_set(actor=actor, member=patient.user, active=active)
