"""The one read path for episodes: clinical content, so clinicians and the patient only."""

from __future__ import annotations

from django.db.models import QuerySet

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.models import Membership, Role, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.episodes.models import Episode
from acuback.patients.models import Patient
from acuback.patients.selectors import can_see_clinical
from acuback.prefetch import prefetched_set
from acuback.sqlrows import Columns, fetch, key, table


def episode_queryset(actor: User) -> QuerySet[Episode]:
    """The episodes this actor may see: their clinic's (by the episode's own clinic_id, one
    index away), or for a patient, their own."""
    membership = membership_of(actor)
    if membership is None or membership.role == Role.FRONT_DESK:
        return Episode.objects.none()
    qs = Episode.objects.filter(clinic_id=membership.clinic_id)
    if membership.role == Role.PATIENT:
        qs = qs.filter(patient__user=actor)
    return qs


def episode_get(*, actor: User, episode_id: object) -> Episode:
    pk = key(episode_id)
    membership = membership_of(actor)
    if membership is not None and membership.role == Role.FRONT_DESK:
        exists = Episode.objects.filter(pk=pk, clinic_id=membership.clinic_id).exists()
        audit_record(
            actor=actor, action=Action.READ, object_type="episode", object_id=episode_id,
            outcome=Outcome.DENIED if exists else Outcome.NOT_FOUND,
        )
        raise Forbidden("front desk may not see episodes") if exists else NotFound()
    episode = _episode_read(membership, actor, pk) if pk is not None else None
    outcome = Outcome.OK if episode else Outcome.NOT_FOUND
    audit_record(
        actor=actor, action=Action.READ, object_type="episode",
        object_id=episode.pk if episode else episode_id, outcome=outcome,
        clinic_id=episode.clinic_id if episode else None,
    )
    if episode is None:
        raise NotFound("episode not found")
    return episode


_EPISODE = Columns(Episode, "e")
_PATIENT = Columns(Patient, "p")


def _episode_read(membership: Membership | None, actor: User, pk: int) -> Episode | None:
    """`episode_queryset(actor).select_related("patient")`'s episode `pk`, in a hand-written
    statement: the episode page reads it on every open, and compiling the ORM's query cost
    more than running it."""
    if membership is None or membership.role == Role.FRONT_DESK:
        return None
    own = " AND p.user_id = %s" if membership.role == Role.PATIENT else ""
    rows = fetch(
        f"SELECT {_EPISODE.sql()}, {_PATIENT.sql()} FROM {table(Episode)} e "  # noqa: S608
        f"JOIN {table(Patient)} p ON p.id = e.patient_id "
        "WHERE e.id = %s AND e.clinic_id = %s" + own,
        [pk, membership.clinic_id, *([actor.pk] if own else [])])
    if not rows:
        return None
    episode = _EPISODE.build(rows[0])
    Episode.patient.field.set_cached_value(episode, _PATIENT.build(rows[0], _EPISODE.width))
    return episode


def episodes_of_patient(*, actor: User, patient: Patient) -> list[Episode]:
    """The patient's episodes, for an actor who already holds the patient from patient_get."""
    if not can_see_clinical(actor, patient):
        audit_record(
            actor=actor, action=Action.LIST, object_type="episode", outcome=Outcome.DENIED,
            detail={"patient": patient.pk},
        )
        raise Forbidden("this role may not see episodes")
    # Loaded into the patient's cache as prefetch_related("episodes") leaves them (each knowing
    # its patient), so the chart's panels read the same rows again free. One hand-written
    # statement, in Episode.Meta.ordering: the chart reads it on every open.
    episodes = [_EPISODE.build(row) for row in fetch(
        f"SELECT {_EPISODE.sql()} FROM {table(Episode)} e WHERE e.patient_id = %s "  # noqa: S608
        "ORDER BY e.opened_on DESC, e.id DESC", [patient.pk])]
    for episode in episodes:
        Episode.patient.field.set_cached_value(episode, patient)
    prefetched_set(patient, "episodes", episodes)
    audit_record(
        actor=actor, action=Action.LIST, object_type="episode", outcome=Outcome.OK,
        clinic_id=patient.clinic_id,
        detail={"patient": patient.pk, "ids": [e.pk for e in episodes]},
    )
    return episodes
