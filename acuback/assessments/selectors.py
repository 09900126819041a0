"""The one read path for assessments and safety alerts, scoped to the actor, audited.

Clinicians (owner, practitioner) see their clinic's; a patient sees their own episodes'; front
desk is refused (403) for anything of their clinic; another clinic's records are not found (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet, prefetch_related_objects

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.models import CLINICAL_ROLES, Role, User
from acuback.assessments.models import Assessment, LicensedWording, SafetyAlert, TimePoint
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical import instruments
from acuback.episodes.models import Episode
from acuback.patients.models import Patient
from acuback.patients.selectors import can_see_clinical
from acuback.prefetch import prefetched, prefetched_set
from acuback.sqlrows import Columns, fetch, marks, starts, table
from acuback.sqlrows import key as request_key


def assessment_queryset(actor: User) -> QuerySet[Assessment]:
    membership = membership_of(actor)
    if membership is None:
        return Assessment.objects.none()
    qs = Assessment.objects.filter(clinic_id=membership.clinic_id)
    if membership.role in CLINICAL_ROLES:
        return qs
    if membership.role == Role.PATIENT:
        return qs.filter(episode__patient__user=actor)
    return Assessment.objects.none()


def assessment_get(*, actor: User, assessment_id: object) -> Assessment:
    pk = request_key(assessment_id)
    membership = membership_of(actor)
    if membership is not None and membership.role == Role.FRONT_DESK:
        exists = Assessment.objects.filter(pk=pk, clinic_id=membership.clinic_id).exists()
        audit_record(
            actor=actor, action=Action.READ, object_type="assessment", object_id=assessment_id,
            outcome=Outcome.DENIED if exists else Outcome.NOT_FOUND,
        )
        raise Forbidden("front desk may not see assessments") if exists else NotFound()
    assessment = (
        assessment_queryset(actor).select_related("episode__patient", "entered_by_user")
        .filter(pk=pk).first() if pk is not None else None
    )
    audit_record(
        actor=actor, action=Action.READ, object_type="assessment",
        object_id=assessment.pk if assessment else assessment_id,
        outcome=Outcome.OK if assessment else Outcome.NOT_FOUND,
        clinic_id=assessment.clinic_id if assessment else None,
    )
    if assessment is None:
        raise NotFound("assessment not found")
    return assessment


def _require_clinical(actor: User, patient: Patient, what: str) -> None:
    if not can_see_clinical(actor, patient):
        audit_record(
            actor=actor, action=Action.LIST, object_type=what, outcome=Outcome.DENIED,
            detail={"patient": patient.pk},
        )
        raise Forbidden("this role may not see assessments")


def assessments_of_episode(*, actor: User, episode: Episode) -> list[Assessment]:
    """The episode's assessments, newest first, for an actor who holds it from episode_get."""
    _require_clinical(actor, episode.patient, "assessment")
    found = _assessments_with_alerts(episode.pk)
    audit_record(
        actor=actor, action=Action.LIST, object_type="assessment", outcome=Outcome.OK,
        clinic_id=episode.clinic_id,
        detail={"episode": episode.pk, "ids": [a.pk for a in found]},
    )
    return found


_ASSESSMENT = Columns(Assessment, "a")
_ENTERER = Columns(User, "u")
_ALERT = Columns(SafetyAlert, "al")


def _assessments_with_alerts(episode_id: int) -> list[Assessment]:
    """The episode's assessments (Assessment.Meta.ordering) with who entered them and their
    alerts (SafetyAlert.Meta.ordering), as `select_related("entered_by_user")
    .prefetch_related("alerts")` leaves them, in one hand-written statement (a row per alert,
    one with none for an assessment without): the episode page reads it on every open, and
    compiling the ORM's queries cost more than running them."""
    parts = (_ASSESSMENT, _ENTERER, _ALERT)
    rows = fetch(
        f"SELECT {', '.join(c.sql() for c in parts)} FROM {table(Assessment)} a "  # noqa: S608
        f"JOIN {table(User)} u ON u.id = a.entered_by_user_id "
        f"LEFT JOIN {table(SafetyAlert)} al ON al.assessment_id = a.id "
        "WHERE a.episode_id = %s "
        "ORDER BY a.administered_at DESC, a.id DESC, al.raised_at DESC, al.id DESC", [episode_id])
    (_, _), (_, at_user), (_, at_alert) = starts(parts)
    found: list[Assessment] = []
    alerts: dict[int, list[SafetyAlert]] = {}
    for row in rows:
        if not found or found[-1].pk != row[0]:
            assessment = _ASSESSMENT.build(row)
            Assessment.entered_by_user.field.set_cached_value(
                assessment, _ENTERER.build(row, at_user))
            found.append(assessment)
            alerts[assessment.pk] = []
        if row[at_alert] is not None:
            alert = _ALERT.build(row, at_alert)
            SafetyAlert.assessment.field.set_cached_value(alert, found[-1])
            alerts[found[-1].pk].append(alert)
    for assessment in found:
        prefetched_set(assessment, "alerts", alerts[assessment.pk])
    return found


def baseline_for(assessment: Assessment) -> Assessment | None:
    """The episode's first baseline of the same instrument before this one, if any. Called
    with an assessment already read through `assessment_get` (same episode, same audit)."""
    if assessment.time_point == TimePoint.BASELINE:
        return None
    return (
        Assessment.objects.filter(
            episode_id=assessment.episode_id, instrument=assessment.instrument,
            time_point=TimePoint.BASELINE, administered_at__lte=assessment.administered_at,
        )
        .exclude(pk=assessment.pk)
        .order_by("administered_at", "id")
        .first()
    )


def open_alerts(*, actor: User, patient: Patient, episode: Episode | None = None
                ) -> list[SafetyAlert]:
    """Unacknowledged safety alerts of a patient (or one episode), for clinicians only: a
    patient is never shown the clinic's alert banner, front desk sees nothing clinical."""
    if not has_clinical_access(actor, patient):
        return []
    # A hand-written statement, newest first (the model's ordering): the chart and the episode
    # page ask on every request, and building the ORM's form of it cost ten times running it.
    # What raised an alert (answers, screen) and who is read only when there are alerts.
    sql = (f"SELECT * FROM {SafetyAlert._meta.db_table} WHERE patient_id = %s "  # noqa: S608
           "AND acknowledged_at IS NULL")
    params: list[object] = [patient.pk]
    if episode is not None:
        sql += (f" AND (assessment_id IN (SELECT id FROM {Assessment._meta.db_table} "  # noqa: S608
                f"WHERE episode_id = %s) OR screening_id IN (SELECT id FROM "
                f"{_screenings_table()} WHERE episode_id = %s))")
        params += [episode.pk, episode.pk]
    found = list(SafetyAlert.objects.raw(sql + " ORDER BY raised_at DESC, id DESC", params))
    if found:
        for alert in found:
            alert.patient = patient
        prefetch_related_objects(found, "raised_by", "assessment", "screening")
        audit_record(
            actor=actor, action=Action.LIST, object_type="safety_alert", outcome=Outcome.OK,
            clinic_id=patient.clinic_id,
            detail={"patient": patient.pk, "ids": [a.pk for a in found]},
        )
    return found


def _screenings_table() -> str:
    return str(SafetyAlert._meta.get_field("screening").related_model._meta.db_table)  # type: ignore[union-attr]


def has_clinical_access(actor: User, patient: Patient) -> bool:
    membership = membership_of(actor)
    return (
        membership is not None and membership.role in CLINICAL_ROLES
        and membership.clinic_id == patient.clinic_id
    )


def alert_get(*, actor: User, alert_id: object) -> SafetyAlert:
    """One alert, for a clinician of its clinic (to acknowledge it)."""
    pk = request_key(alert_id)
    membership = membership_of(actor)
    alert = (
        SafetyAlert.objects.select_related("patient", "assessment", "screening")
        .filter(pk=pk, clinic_id=membership.clinic_id).first()
        if membership is not None and pk is not None else None
    )
    allowed = alert is not None and membership is not None and (
        membership.role in CLINICAL_ROLES
    )
    audit_record(
        actor=actor, action=Action.READ, object_type="safety_alert", object_id=alert_id,
        outcome=Outcome.OK if allowed else Outcome.DENIED if alert else Outcome.NOT_FOUND,
    )
    if alert is None:
        raise NotFound("alert not found")
    if not allowed:
        raise Forbidden("only clinicians may see safety alerts")
    return alert


@dataclass(frozen=True)
class ClinicWording:
    row: LicensedWording
    wording: instruments.Wording


def latest_wording(*, clinic_id: int, instrument: str) -> ClinicWording | None:
    """The clinic's newest licensed wording for an instrument (reference text, not patient
    data: not audited). Checked again on the way out, so a row can never misfit its form."""
    row = LicensedWording.objects.filter(clinic_id=clinic_id, instrument=instrument).first()
    if row is None:
        return None
    return ClinicWording(row, instruments.parse_wording(row.content))


def answerable(clinic_id: int) -> set[str]:
    """Instruments a patient can answer at this clinic: the validated wording ships, or the
    clinic has loaded its licensed wording (reference text, not patient data: not audited)."""
    # One hand-written statement: every chart and portal page asks.
    loaded = {instrument for (instrument,) in fetch(
        f"SELECT instrument FROM {table(LicensedWording)} WHERE clinic_id = %s",  # noqa: S608
        [clinic_id])}
    return {d.id for d in instruments.INSTRUMENTS.values() if d.ships_wording or d.id in loaded}


def wording_of(assessment: Assessment) -> instruments.Wording | None:
    """The licensed wording that was shown when this assessment was answered, if any."""
    if assessment.wording is None:
        return None
    return instruments.parse_wording(assessment.wording.content)


def suggested_time_point(*, episode: Episode, instrument: str) -> str:
    """Baseline for the first response to an instrument in an episode, follow-up after that."""
    has_baseline = Assessment.objects.filter(
        episode=episode, instrument=instrument, time_point=TimePoint.BASELINE
    ).exists()
    return TimePoint.FOLLOW_UP if has_baseline else TimePoint.BASELINE


@dataclass(frozen=True)
class EpisodeSummary:
    episode: Episode
    count: int
    latest: Assessment | None


_SUMMARY = Columns(Assessment, "a", [f.attname for f in Assessment._meta.concrete_fields
                                     if f.name not in ("answers", "results")])
ANSWERED_LOADED = "assessments_summarised"


def answered_of(episode: Episode) -> list[Assessment] | None:
    """The episode's assessments (newest first, without their answers and results) as
    `assessment_summary_of_patient` read them for the same page; None when it did not."""
    return prefetched(episode, ANSWERED_LOADED)


def assessment_summary_of_patient(*, actor: User, patient: Patient) -> list[EpisodeSummary]:
    """Per episode of a patient: how many assessments and the newest one. Clinicians and the
    patient themself; anyone else gets nothing (the chart decides what else they see)."""
    if not can_see_clinical(actor, patient):
        return []
    episodes = list(patient.episodes.all())  # newest first; the chart has them loaded already
    newest: dict[int, Assessment] = {}
    counts: dict[int, int] = {}
    of_episode: dict[int, list[Assessment]] = {e.pk: [] for e in episodes}
    # The summary shows counts and the newest's score: its answers and results stay unread.
    # One hand-written statement, newest first (Assessment.Meta.ordering): the chart reads it
    # on every open.
    ids = [e.pk for e in episodes]
    rows = fetch(
        f"SELECT {_SUMMARY.sql()} FROM {table(Assessment)} a "  # noqa: S608
        f"WHERE a.episode_id IN ({marks(ids)}) ORDER BY a.administered_at DESC, a.id DESC",
        ids) if ids else []
    for assessment in map(_SUMMARY.build, rows):
        counts[assessment.episode_id] = counts.get(assessment.episode_id, 0) + 1
        newest.setdefault(assessment.episode_id, assessment)
        of_episode[assessment.episode_id].append(assessment)
    # Left on each episode for the page's other panels (the questionnaires due: `answered_of`).
    for episode in episodes:
        episode.__dict__.setdefault("_prefetched_objects_cache", {})[ANSWERED_LOADED] = \
            of_episode[episode.pk]
    audit_record(
        actor=actor, action=Action.LIST, object_type="assessment", outcome=Outcome.OK,
        clinic_id=patient.clinic_id,
        detail={"patient": patient.pk, "ids": [a.pk for a in newest.values()]},
    )
    return [EpisodeSummary(e, counts.get(e.pk, 0), newest.get(e.pk)) for e in episodes]
