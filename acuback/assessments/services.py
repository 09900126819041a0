"""Writes for assessments: validate, score with the clinical core, write, audit, in one
transaction. Views, the API, the CLI and the demo all call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.models import CLINICAL_ROLES, Clinic, Role, User
from acuback.assessments.models import (
    AlertKind,
    Assessment,
    EnteredBy,
    LicensedWording,
    SafetyAlert,
    TimePoint,
)
from acuback.assessments.selectors import latest_wording
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical import instruments
from acuback.cohort.summaries import refresh_episode_summary
from acuback.episodes.models import Episode
from acuback.errors import ConflictError, InputError
from acuback.patients.models import Patient
from acuback.screening.models import Screening

# A device clock a little ahead of the server's must not make a fresh answer "in the future".
CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_VISIT_NUMBER = 200
MAX_NOTE = 2000


def _entered_by(actor: User, episode: Episode) -> str:
    """Who is entering: a clinician of the episode's clinic, or the patient for their own
    episode. Anyone else is refused the way the selectors refuse them."""
    membership = membership_of(actor)
    if membership is None or membership.clinic_id != episode.clinic_id:
        raise NotFound("episode not found")
    if membership.role in CLINICAL_ROLES:
        return EnteredBy.CLINICIAN
    if membership.role == Role.PATIENT:
        if episode.patient.user_id != actor.pk:
            raise NotFound("episode not found")
        return EnteredBy.PATIENT
    raise Forbidden("only clinicians and the patient may record questionnaires")


def _check_when(
    time_point: str, visit_number: int | None, administered_at: dt.datetime | None
) -> dt.datetime:
    errors: dict[str, list[str]] = {}
    if time_point not in TimePoint.values:
        errors["time_point"] = [f"Choose one of: {', '.join(TimePoint.values)}."]
    if time_point == TimePoint.BEFORE_VISIT:
        if type(visit_number) is not int or not 1 <= visit_number <= MAX_VISIT_NUMBER:
            errors["visit_number"] = [f"Give the visit number (1 to {MAX_VISIT_NUMBER})."]
    elif visit_number is not None:
        errors["visit_number"] = ["A visit number goes only with the 'before a visit' time point."]
    now = timezone.now()
    when = administered_at or now
    if timezone.is_naive(when):
        errors["administered_at"] = ["Give the time with its time zone."]
    elif when > now + CLOCK_SKEW:
        errors["administered_at"] = ["The questionnaire cannot have been answered in the future."]
    if errors:
        raise InputError(errors)
    return when


def _score(instrument: str, answers: Sequence[Any]) -> instruments.Result:
    """Score with the core; any answer it cannot read, or a response its missing-item rule
    cannot score, is an input error that names the item."""
    try:
        definition = instruments.get(instrument)
    except instruments.UnknownInstrumentError as exc:
        raise InputError({"instrument": [str(exc)]}) from None
    if isinstance(answers, Sequence) and not isinstance(answers, str | bytes):
        answers = list(answers)
    try:
        result = instruments.score(definition.id, answers)
    except instruments.AnswerError as exc:
        raise InputError({"answers": [str(exc)]}) from None
    if result.total is None:
        # A stored assessment always has a score: an unscorable response is sent back.
        raise InputError({"answers": [result.reason or "this response cannot be scored"]})
    return result


def assessment_record(
    *,
    actor: User,
    episode: Episode,
    instrument: str,
    answers: Sequence[int | None],
    time_point: str,
    visit_number: int | None = None,
    administered_at: dt.datetime | None = None,
    entered_by_patient: bool = False,
) -> Assessment:
    """Score and store one response. Raises InputError (nothing stored, refusal audited),
    NotFound / Forbidden for someone who may not record on this episode.

    `entered_by_patient`: a clinician records answers the patient entered elsewhere (a FHIR
    import of the patient's own response), so the record says who answered."""
    try:
        entered_by = _entered_by(actor, episode)
        if entered_by_patient:
            entered_by = EnteredBy.PATIENT
        when = _check_when(time_point, visit_number, administered_at)
        result = _score(instrument, answers)
    except (InputError, Forbidden, NotFound) as exc:
        # Audited outside the write's transaction, so the refusal stays on record.
        _audit_refusal(actor, episode, instrument, exc)
        raise
    with transaction.atomic():
        return _store(actor, episode, entered_by, when, result, answers, time_point, visit_number)


def _store(
    actor: User, episode: Episode, entered_by: str, when: dt.datetime,
    result: instruments.Result, answers: Sequence[int | None], time_point: str,
    visit_number: int | None,
) -> Assessment:
    definition = instruments.get(result.instrument)
    wording = latest_wording(clinic_id=episode.clinic_id, instrument=definition.id)
    assessment = Assessment.objects.create(
        clinic_id=episode.clinic_id, episode=episode, instrument=definition.id,
        definition_version=definition.version, answers=list(answers),
        results=result.as_dict(), total=result.total, band=result.band or "",
        time_point=time_point, visit_number=visit_number, administered_at=when,
        entered_by=entered_by, entered_by_user=actor,
        wording=wording.row if wording else None,
    )
    audit_record(
        actor=actor, action=Action.CREATE, object_type="assessment", object_id=assessment.pk,
        outcome=Outcome.OK, clinic_id=episode.clinic_id,
        detail={"episode": episode.pk, "instrument": definition.id,
                "version": definition.version, "entered_by": entered_by},
    )
    refresh_episode_summary(episode.pk)  # the cohort report's baseline and latest
    # DOMAIN.md 1.6: any answer above 0 to PHQ-9 item 9 starts the safety workflow, whatever
    # the total.
    if result.item9_positive:
        alert_raise(actor=actor, patient=episode.patient, assessment=assessment,
                    kind=AlertKind.PHQ9_ITEM9)
    return assessment


def _audit_refusal(actor: User, episode: Episode, instrument: object, exc: Exception) -> None:
    if isinstance(exc, InputError):
        outcome, detail = Outcome.INVALID, {"errors": exc.errors}
    else:
        outcome = Outcome.NOT_FOUND if isinstance(exc, NotFound) else Outcome.DENIED
        detail = {}
    membership = membership_of(actor)
    audit_record(
        actor=actor, action=Action.CREATE, object_type="assessment", outcome=outcome,
        clinic_id=membership.clinic_id if membership else None,
        detail={"episode": episode.pk, "instrument": str(instrument)[:40], **detail},
    )


def alert_raise(
    *, actor: User, patient: Patient, kind: str, assessment: Assessment | None = None,
    screening: Screening | None = None,
) -> SafetyAlert:
    """Open a safety alert for the patient's clinicians; called inside the transaction that
    stores its source (the assessment or the red-flag screen), so both are kept or neither."""
    alert = SafetyAlert.objects.create(
        clinic_id=patient.clinic_id, patient=patient, assessment=assessment,
        screening=screening, kind=kind, raised_by=actor,
    )
    source = assessment if assessment is not None else screening
    audit_record(
        actor=actor, action=Action.CREATE, object_type="safety_alert", object_id=alert.pk,
        outcome=Outcome.OK, clinic_id=patient.clinic_id,
        detail={"patient": patient.pk, "episode": source.episode_id if source else None,
                "assessment": assessment.pk if assessment else None,
                "screening": screening.pk if screening else None, "kind": kind},
    )
    return alert


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: SafetyAlert, note: str) -> SafetyAlert:
    """A clinician confirms they have seen the alert and says what was done; recorded once,
    audited. The note is required: an alert closed without one says nothing about whether the
    patient was reached, and the next clinician could not tell."""
    membership = membership_of(actor)
    if membership is None or membership.role not in CLINICAL_ROLES:
        raise Forbidden("only clinicians may acknowledge a safety alert")
    note = note.strip()
    if not note:
        raise InputError({"note": ["Say what was done (for example: phoned the patient, "
                                   "safe, GP informed)."]})
    if len(note) > MAX_NOTE:
        raise InputError({"note": [f"Keep the note under {MAX_NOTE} characters."]})
    now = timezone.now()
    updated = SafetyAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_by=actor, acknowledged_at=now, note=note
    )
    if not updated:
        raise ConflictError("This alert was already acknowledged.")
    audit_record(
        actor=actor, action=Action.UPDATE, object_type="safety_alert", object_id=alert.pk,
        outcome=Outcome.OK, clinic_id=alert.clinic_id,
        detail={"acknowledged": True, "patient": alert.patient_id,
                "assessment": alert.assessment_id, "screening": alert.screening_id},
    )
    alert.refresh_from_db()
    return alert


@transaction.atomic
def licensed_wording_load(
    *, clinic: Clinic, data: object, loaded_by: User | None = None
) -> LicensedWording:
    """Store a clinic's licensed wording after the core has checked it against the structure.
    Raises `instruments.WordingError` (nothing stored) when it does not fit."""
    wording = instruments.parse_wording(data)
    if loaded_by is not None:
        membership = membership_of(loaded_by)
        if membership is None or membership.clinic_id != clinic.pk or (
            membership.role not in CLINICAL_ROLES
        ):
            raise Forbidden("only an owner or practitioner of this clinic may load its wording")
    row = LicensedWording.objects.create(
        clinic=clinic, instrument=wording.instrument, language=wording.language,
        source=wording.source, content=data, loaded_by=loaded_by,
    )
    audit_record(
        actor=loaded_by, action=Action.CREATE, object_type="licensed_wording", object_id=row.pk,
        outcome=Outcome.OK, clinic_id=clinic.pk,
        detail={"instrument": wording.instrument, "language": wording.language,
                "source": wording.source[:200]},
    )
    return row
