"""Writes for red-flag screening: record a screen, record a referral outcome. Each validates,
writes and audits in one transaction; only practitioners and owners may do either."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from django.db import transaction
from django.utils import timezone

from acuback.accounts.access import AccessError, Forbidden, NotFound, membership_of
from acuback.accounts.models import CLINICAL_ROLES, User
from acuback.assessments.models import AlertKind
from acuback.assessments.services import alert_raise
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical import screening as rules
from acuback.episodes.models import Episode, EpisodeStatus
from acuback.episodes.services import EpisodeInput, episode_update
from acuback.errors import InputError
from acuback.screening.models import (
    BLOCKING_DECISIONS,
    REFERRED_OUT_OUTCOMES,
    Decision,
    Referral,
    ReferralOutcome,
    Screening,
)

NOTE_MAX = 2000


@dataclass(frozen=True)
class Recorded:
    """Who recorded a screen or a referral outcome, and when, for a record made in another
    system and imported (FHIR): kept as the record says, while the audit entry names the one
    who imported it. `marked_no`: the questions that system's clinician answered no with the
    one "no to every question still blank" act. `not_asked_kept`: questions the record left
    not asked stay not asked (never no); such a screen cannot clear planning (see
    `acuback.screening.selectors`), only a full screen recorded here can."""

    by: User
    at: dt.datetime
    marked_no: Sequence[str] = ()
    not_asked_kept: bool = True


@cache
def rules_version() -> str:
    """A fingerprint of the screening rules: the first 12 hex digits of the SHA-256 of
    acuback/clinical/screening.py. Any change to the rules changes it, with no one having to
    remember to bump a number; the stored value says exactly which rules made a decision."""
    source = resources.files("acuback.clinical").joinpath("screening.py").read_bytes()
    return f"screening.py@{hashlib.sha256(source).hexdigest()[:12]}"


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Whole years of age on `day` (a 29 February birthday counts from 1 March)."""
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


def require_clinician(actor: User, episode: Episode, what: str) -> None:
    """Refuse, with an audit entry, anyone but a practitioner or owner of the episode's clinic:
    NotFound for another clinic (we never confirm the record exists), Forbidden for a role.
    Called before the write's transaction opens, so the refusal's entry is not rolled back."""
    membership = membership_of(actor)
    if membership is None or membership.clinic_id != episode.clinic_id:
        refusal: AccessError = NotFound(f"{what} not found")
    elif membership.role not in CLINICAL_ROLES:
        refusal = Forbidden(f"only practitioners and owners may record a {what}")
    else:
        return
    audit_record(
        actor=actor, action=Action.CREATE, object_type=what, detail={"episode": episode.pk},
        outcome=Outcome.NOT_FOUND if isinstance(refusal, NotFound) else Outcome.DENIED,
    )
    raise refusal


def _answers(flags: Mapping[str, object], rest_no: bool, not_asked_kept: bool = False
             ) -> tuple[dict[str, bool | None], list[str]]:
    """Every question must be answered yes or no: a question left blank is more likely not
    asked than answered no, and "clear" must never come from a half-filled form (our choice,
    stricter than the core, which counts a missing flag as no).

    `rest_no` is the one deliberate act that answers no to every question still blank (the
    clinician asked them all and heard no to each): those questions are returned too, so the
    screen records which answers came from it rather than passing them off as ticked one by
    one. An answer that is neither yes, no nor blank is still refused."""
    unknown = sorted(set(flags) - set(rules.FLAG_QUESTIONS))
    if unknown:
        raise InputError({"flags": [f"Unknown red flag(s): {', '.join(unknown)}."]})
    marked = [str(flag) for flag in rules.FLAG_QUESTIONS if flags.get(flag) is None] \
        if rest_no else []
    given = {**flags, **dict.fromkeys(marked, False)}
    errors = {
        str(flag): ["Answer yes or no."]
        for flag in rules.FLAG_QUESTIONS
        if not isinstance(given.get(flag), bool)
        and not (not_asked_kept and given.get(flag) is None)
    }
    if errors:
        raise InputError(errors)
    answers = {str(flag): given.get(flag) for flag in rules.FLAG_QUESTIONS}
    return {flag: a if isinstance(a, bool) else None for flag, a in answers.items()}, marked


def _screen(age: int, answers: dict[str, bool | None]) -> rules.ScreeningResult:
    # A question not asked cannot fire; the core sees the answers given (a screen with any
    # question not asked never clears planning: acuback.screening.selectors._planning).
    given = {flag: answer for flag, answer in answers.items() if answer is not None}
    try:
        return rules.screen_data({"age": age, "flags": given})
    except rules.ScreeningInputError as exc:
        raise InputError({"age": [str(exc)]}) from exc


def screening_record(
    *, actor: User, episode: Episode, flags: Mapping[str, object],
    screened_on: dt.date | None = None, rest_no: bool = False, recorded: Recorded | None = None,
) -> Screening:
    """Run the red-flag screen on the answers and store answers, decision and why.
    `rest_no`: answer no to every question left blank (None or missing), recorded as such.
    `recorded`: the screen was made elsewhere (an import): who and when, as it says. The
    decision is always acuback's own, from the answers, never taken from the record."""
    # Checked outside the transaction, so that the audit entry of a refusal is kept.
    require_clinician(actor, episode, "screening")
    if recorded is not None:
        _require_recorder(recorded, episode)
    with transaction.atomic():
        return _screening_write(actor, episode, flags, screened_on, rest_no, recorded)


def _screening_write(
    actor: User, episode: Episode, flags: Mapping[str, object], screened_on: dt.date | None,
    rest_no: bool, recorded: Recorded | None,
) -> Screening:
    day = screened_on or timezone.localdate()
    if day > timezone.localdate():
        raise InputError({"screened_on": ["The screening date cannot be after today."]})
    answers, marked_no = _answers(flags, rest_no,
                                  recorded is not None and recorded.not_asked_kept)
    if recorded is not None:
        marked_no = _marked_no(recorded.marked_no, answers)
    age = age_on(episode.patient.date_of_birth, day)
    result = _screen(age, answers)
    screening = Screening.objects.create(
        clinic_id=episode.clinic_id, episode=episode, screened_on=day, age=age, answers=answers,
        decision=result.decision.value,
        fired=[{**f.to_dict(), "level": f.level.value} for f in result.fired],
        action=result.action, nonspecific=result.nonspecific, rules_version=rules_version(),
        rest_marked_no=marked_no, recorded_by=recorded.by if recorded else actor,
    )
    if recorded is not None:
        _keep_recorded_at(screening, recorded)
    audit_record(
        actor=actor, action=Action.CREATE, object_type="screening", object_id=screening.pk,
        outcome=Outcome.OK, clinic_id=episode.clinic_id,
        detail={"episode": episode.pk, "decision": screening.decision,
                "fired": screening.fired_flags,
                **({"rest_marked_no": marked_no} if rest_no or marked_no else {}),
                **({"not_asked": screening.not_asked} if screening.not_asked else {}),
                **(_recorded_detail(recorded) if recorded else {})},
    )
    if screening.blocks_treatment:
        # Urgent and emergency screens need a referral before any needling: the patient's
        # clinicians see an alert on the list and the start page until one acknowledges it.
        alert_raise(actor=actor, patient=episode.patient, screening=screening,
                    kind=AlertKind.RED_FLAG_REFERRAL)
    return screening


def _require_recorder(recorded: Recorded, episode: Episode) -> None:
    """The one a record names as its author must be a clinician of the episode's clinic."""
    membership = membership_of(recorded.by)
    if membership is None or membership.clinic_id != episode.clinic_id or (
            membership.role not in CLINICAL_ROLES):
        raise InputError({"recorded_by": ["Name a practitioner or owner of this clinic."]})


def _marked_no(marked: Sequence[str], answers: Mapping[str, bool | None]) -> list[str]:
    """The record's "answered no at once" questions: each must be one answered no."""
    wrong = sorted(set(marked) - {flag for flag, answer in answers.items() if answer is False})
    if wrong:
        raise InputError({"rest_marked_no": [
            f"Answered no at once, yet not answered no: {', '.join(wrong)}."]})
    return [str(flag) for flag in rules.FLAG_QUESTIONS if flag in set(marked)]


def _keep_recorded_at(row: Screening | Referral, recorded: Recorded) -> None:
    if recorded.at > timezone.now():
        raise InputError({"recorded_at": ["The time it was recorded cannot be in the future."]})
    type(row).objects.filter(pk=row.pk).update(recorded_at=recorded.at)
    row.recorded_at = recorded.at


def _recorded_detail(recorded: Recorded) -> dict[str, object]:
    return {"imported": True, "recorded_by": recorded.by.pk,
            "recorded_at": recorded.at.isoformat()}


def _validate_referral(screening: Screening, outcome: str, note: str) -> None:
    errors: dict[str, list[str]] = {}
    if outcome not in ReferralOutcome.values:
        errors["outcome"] = [f"Choose one of: {', '.join(ReferralOutcome.values)}."]
    if screening.decision == Decision.CLEAR:
        errors["__all__"] = ["This screen found no red flags: there is no referral to record."]
    # A clearance is what lets needling go ahead after a serious red flag: say who cleared the
    # patient and on what grounds, so the decision can be checked later.
    if outcome == ReferralOutcome.CLEARED_BY_PHYSICIAN and not note:
        errors["note"] = ["Say who cleared the patient, when, and on what grounds."]
    if len(note) > NOTE_MAX:
        errors["note"] = [f"Keep the note under {NOTE_MAX} characters."]
    if errors:
        raise InputError(errors)


def _episode_status_after(outcome: str, episode: Episode) -> str:
    if outcome in REFERRED_OUT_OUTCOMES:
        return EpisodeStatus.REFERRED_OUT
    if outcome == ReferralOutcome.CLEARED_BY_PHYSICIAN and (
        episode.status == EpisodeStatus.REFERRED_OUT
    ):
        return EpisodeStatus.ACTIVE  # back from the referral, cleared to treat
    return episode.status


def _set_episode_status(actor: User, episode: Episode, status: str) -> None:
    if status == episode.status:
        return
    data = EpisodeInput(
        onset_date=episode.onset_date, region=episode.region, side=episode.side,
        icd10_code=episode.icd10_code, radiation=episode.radiation,
        suspected_cause=episode.suspected_cause, surgery_associated=episode.surgery_associated,
        pregnancy_associated=episode.pregnancy_associated, status=status,
    )
    episode_update(actor=actor, episode=episode, data=data, version=episode.version)


def referral_record(
    *, actor: User, screening: Screening, outcome: str, note: str = "",
    recorded: Recorded | None = None,
) -> Referral:
    """Record what came of a positive screen. `referred_emergency` and `referred_gp_urgent`
    mark the episode "referred out"; `cleared_by_physician` sets a referred-out episode back to
    active and is the only outcome that unblocks planning after an urgent or emergency screen.
    `recorded`: the outcome was recorded elsewhere (an import): who and when, as it says; the
    episode's status is then the one its own record carries, left as it is."""
    require_clinician(actor, screening.episode, "referral")
    if recorded is not None:
        _require_recorder(recorded, screening.episode)
    with transaction.atomic():
        return _referral_write(actor, screening, outcome, note, recorded)


def _referral_write(actor: User, screening: Screening, outcome: str, note: str,
                    recorded: Recorded | None) -> Referral:
    # Locked, so that the episode version we pass to episode_update is the one we read.
    episode = Episode.objects.select_for_update().get(pk=screening.episode_id)
    note = note.strip()
    _validate_referral(screening, outcome, note)
    referral = Referral.objects.create(
        screening=screening, outcome=outcome, note=note,
        recorded_by=recorded.by if recorded else actor,
    )
    if recorded is not None:
        _keep_recorded_at(referral, recorded)
    audit_record(
        actor=actor, action=Action.CREATE, object_type="referral", object_id=referral.pk,
        outcome=Outcome.OK, clinic_id=episode.clinic_id,
        detail={"episode": episode.pk, "screening": screening.pk, "outcome": outcome,
                "blocking": screening.decision in BLOCKING_DECISIONS,
                **(_recorded_detail(recorded) if recorded else {})},
    )
    if recorded is None:
        _set_episode_status(actor, episode, _episode_status_after(outcome, episode))
    return referral
