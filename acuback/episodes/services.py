"""Writes to episodes of care: validate, write, audit, in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from acuback.accounts.access import AccessError, Forbidden, NotFound, membership_of
from acuback.accounts.models import CLINICAL_ROLES, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical import icd10
from acuback.cohort.summaries import refresh_episode_summary
from acuback.episodes.models import Episode, EpisodeStatus, Radiation, Region, Side
from acuback.errors import ConflictError, InputError
from acuback.patients.models import Patient


@dataclass
class EpisodeInput:
    onset_date: dt.date
    region: str
    side: str
    icd10_code: str
    radiation: str = Radiation.NONE
    suspected_cause: str = ""
    surgery_associated: bool = False
    pregnancy_associated: bool = False
    status: str = EpisodeStatus.ACTIVE


def _validate(data: EpisodeInput, patient: Patient) -> icd10.Icd10Code:
    errors: dict[str, list[str]] = {}
    if data.onset_date > timezone.localdate():
        errors["onset_date"] = ["Onset cannot be after today."]
    elif data.onset_date < patient.date_of_birth:
        errors["onset_date"] = [f"Onset cannot be before the patient's date of birth "
                                f"({patient.date_of_birth:%-d %b %Y})."]
    for name, choices in (("region", Region), ("side", Side), ("radiation", Radiation),
                          ("status", EpisodeStatus)):
        if getattr(data, name) not in choices.values:
            errors[name] = [f"Choose one of: {', '.join(choices.values)}."]
    code = None
    try:
        code = icd10.validate(data.icd10_code)
    except icd10.Icd10Error as exc:
        errors["icd10_code"] = [str(exc)]
    if errors or code is None:
        raise InputError(errors)
    return code


def _clinician_clinic(
    actor: User, *, action: str, clinic_id: int, object_id: object = "",
    detail: dict[str, object] | None = None,
) -> int:
    """The actor's clinic, or an audited refusal: NotFound when the record (of `clinic_id`)
    belongs to another clinic, Forbidden for a role that may not. Called before the write's
    transaction opens, so that the refusal's audit entry is not rolled back with it."""
    membership = membership_of(actor)
    if membership is None or membership.clinic_id != clinic_id:
        refusal: AccessError = NotFound("episode not found")
    elif membership.role not in CLINICAL_ROLES:
        refusal = Forbidden("only practitioners and owners may change episodes of care")
    else:
        return membership.clinic_id
    audit_record(
        actor=actor, action=action, object_type="episode", object_id=object_id,
        outcome=Outcome.NOT_FOUND if isinstance(refusal, NotFound) else Outcome.DENIED,
        detail=detail,
    )
    raise refusal


def _values(data: EpisodeInput, code: icd10.Icd10Code) -> dict[str, object]:
    values = {f.name: getattr(data, f.name) for f in fields(data)}
    values["icd10_code"] = code.code
    values["icd10_version"] = icd10.code_list().version
    values["suspected_cause"] = str(values["suspected_cause"]).strip()
    return values


def episode_create(
    *, actor: User, patient: Patient, data: EpisodeInput, opened_on: dt.date | None = None,
    closed_on: dt.date | None = None,
) -> Episode:
    """`opened_on` / `closed_on`: for an episode recorded after the fact (a FHIR import keeps
    the days it was opened and closed); by default it opens today."""
    clinic_id = _clinician_clinic(actor, action=Action.CREATE, clinic_id=patient.clinic_id,
                                  detail={"patient": patient.pk})
    with transaction.atomic():
        return _episode_create(actor, patient, data, clinic_id, opened_on, closed_on)


def _check_period(data: EpisodeInput, opened_on: dt.date | None, closed_on: dt.date | None
                  ) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if opened_on is not None and opened_on > today:
        errors["opened_on"] = ["An episode cannot open after today."]
    if closed_on is not None:
        if data.status == EpisodeStatus.ACTIVE:
            errors["closed_on"] = ["An active episode has no closing day."]
        elif closed_on > today or closed_on < (opened_on or today):
            errors["closed_on"] = ["The closing day falls between opening and today."]
    if errors:
        raise InputError(errors)
    period: dict[str, object] = {"closed_on": closed_on}
    if opened_on is not None:
        period["opened_on"] = opened_on
    return period


def _episode_create(actor: User, patient: Patient, data: EpisodeInput, clinic_id: int,
                    opened_on: dt.date | None, closed_on: dt.date | None) -> Episode:
    code = _validate(data, patient)
    period = _check_period(data, opened_on, closed_on)
    episode = Episode.objects.create(
        clinic_id=clinic_id, patient=patient, created_by=actor, **_values(data, code), **period
    )
    refresh_episode_summary(episode.pk)  # a new episode: its summary row
    audit_record(
        actor=actor, action=Action.CREATE, object_type="episode", object_id=episode.pk,
        outcome=Outcome.OK, clinic_id=clinic_id, detail={"patient": patient.pk},
    )
    return episode


def episode_update(*, actor: User, episode: Episode, data: EpisodeInput, version: int) -> Episode:
    clinic_id = _clinician_clinic(actor, action=Action.UPDATE, clinic_id=episode.clinic_id,
                                  object_id=episode.pk)
    with transaction.atomic():
        return _episode_update(actor, episode, data, version, clinic_id)


def _episode_update(
    actor: User, episode: Episode, data: EpisodeInput, version: int, clinic_id: int
) -> Episode:
    code = _validate(data, episode.patient)
    values = _values(data, code)
    if data.status != EpisodeStatus.ACTIVE and episode.closed_on is None:
        values["closed_on"] = timezone.localdate()
    elif data.status == EpisodeStatus.ACTIVE:
        values["closed_on"] = None
    changed = sorted(k for k, v in values.items() if getattr(episode, k) != v)
    updated = Episode.objects.filter(pk=episode.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )
    if not updated:
        raise ConflictError("This episode was changed by someone else; reload and try again.")
    refresh_episode_summary(episode.pk)  # onset (chronicity), discharge, reopening
    audit_record(
        actor=actor, action=Action.UPDATE, object_type="episode", object_id=episode.pk,
        outcome=Outcome.OK, clinic_id=clinic_id, detail={"fields": changed},
    )
    episode.refresh_from_db()
    return episode
