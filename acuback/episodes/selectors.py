"""The one read path for episodes: clinical content, so clinicians and the patient only."""

from __future__ import annotations

from django.db.models import QuerySet, prefetch_related_objects

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.models import Role, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.episodes.models import Episode
from acuback.patients.models import Patient
from acuback.patients.selectors import can_see_clinical


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
    try:
        pk: int | None = int(str(episode_id))
    except ValueError:
        pk = None
    membership = membership_of(actor)
    if membership is not None and membership.role == Role.FRONT_DESK:
        exists = Episode.objects.filter(pk=pk, clinic_id=membership.clinic_id).exists()
        audit_record(
            actor=actor, action=Action.READ, object_type="episode", object_id=episode_id,
            outcome=Outcome.DENIED if exists else Outcome.NOT_FOUND,
        )
        raise Forbidden("front desk may not see episodes") if exists else NotFound()
    episode = (
        episode_queryset(actor).select_related("patient").filter(pk=pk).first()
        if pk is not None else None
    )
    outcome = Outcome.OK if episode else Outcome.NOT_FOUND
    audit_record(
        actor=actor, action=Action.READ, object_type="episode",
        object_id=episode.pk if episode else episode_id, outcome=outcome,
        clinic_id=episode.clinic_id if episode else None,
    )
    if episode is None:
        raise NotFound("episode not found")
    return episode


def episodes_of_patient(*, actor: User, patient: Patient) -> list[Episode]:
    """The patient's episodes, for an actor who already holds the patient from patient_get."""
    if not can_see_clinical(actor, patient):
        audit_record(
            actor=actor, action=Action.LIST, object_type="episode", outcome=Outcome.DENIED,
            detail={"patient": patient.pk},
        )
        raise Forbidden("this role may not see episodes")
    # Loaded into the patient's cache, so the chart's panels read the same rows again free.
    prefetch_related_objects([patient], "episodes")
    episodes = list(patient.episodes.all())
    audit_record(
        actor=actor, action=Action.LIST, object_type="episode", outcome=Outcome.OK,
        clinic_id=patient.clinic_id,
        detail={"patient": patient.pk, "ids": [e.pk for e in episodes]},
    )
    return episodes
