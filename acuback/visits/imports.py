"""Importing visits charted in another system: one service call per visit, the same checks,
lock and audit as any other write.

Each record names the other system's id for the visit (`external_id`). Importing it the first
time starts a draft and writes it; importing it again rewrites that draft, so the same file
imported twice creates nothing twice; once the visit is signed, its import is refused like any
other write to a signed visit (it changes only by amendments).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from acuback.accounts.models import User
from acuback.audit.models import Action
from acuback.errors import InputError
from acuback.screening.selectors import clinical_episode_get
from acuback.visits.access import require_draft
from acuback.visits.inputs import VisitInput
from acuback.visits.models import StartedFrom, Visit
from acuback.visits.services import visit_start, visit_update


@dataclass(frozen=True)
class Imported:
    visit: Visit
    created: bool


def visit_import(*, actor: User, episode_id: int, external_id: str,
                 data: VisitInput) -> Imported:
    external_id = external_id.strip()
    if not external_id or len(external_id) > 100:
        raise InputError({"external_id": ["Give the visit's id in the other system "
                                          "(1-100 characters)."]})
    episode = clinical_episode_get(actor=actor, episode_id=episode_id, what="visit",
                                   action=Action.CREATE)
    existing = Visit.objects.filter(clinic_id=episode.clinic_id,
                                    external_id=external_id).first()
    if existing is not None and existing.episode_id != episode.pk:
        raise InputError({"episode_id": [f"Visit {external_id} was imported into another "
                                         "episode."]})
    if existing is not None:
        require_draft(actor, existing)  # audited here, outside the import's transaction
    with transaction.atomic():  # a record refused half-way leaves no empty draft behind
        visit = existing or visit_start(actor=actor, episode=episode, source=StartedFrom.BLANK,
                                        started_at=data.started_at, room=data.room,
                                        external_id=external_id)
        visit = visit_update(actor=actor, visit=visit, data=data, version=visit.version)
    return Imported(visit, existing is None)
