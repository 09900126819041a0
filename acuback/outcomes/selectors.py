"""The read paths of outcomes, scoped and audited: one episode's outcome (clinicians), the
clinic's claims ledger (clinicians), and a patient's own progress in plain words (the portal).

Outcomes are derived, never stored: each read computes them from the records through the
clinical core (`acuback.clinical.progress`, `acuback.clinical.claims`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.utils import timezone

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.models import CLINICAL_ROLES, Role, User
from acuback.assessments.models import Assessment
from acuback.assessments.scored import Scored
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical.claims import ClinicLedger, Ledger, claims, clinic_ledger, episode_ledger
from acuback.clinical.progress import EpisodeProgress, EpisodeRows, episode_progress
from acuback.episodes.models import Episode
from acuback.outcomes.rows import episode_rows
from acuback.plans.models import Plan
from acuback.screening.selectors import clinical_episode_get
from acuback.sqlrows import key as request_key
from acuback.visits.models import AdverseEvent, Amendment, PainkillerUse, Visit

# The clinic ledger covers episodes opened in this many days up to today, unless told.
LEDGER_DEFAULT_DAYS = 365
# A computed clinic ledger is kept this long, keyed by what it was computed from.
LEDGER_CACHE_SECONDS = 600


@dataclass(frozen=True)
class EpisodeOutcome:
    episode: Episode
    rows: EpisodeRows
    progress: EpisodeProgress
    ledger: Ledger

    def as_dict(self) -> dict[str, object]:
        return {**self.progress.as_dict(), "claims": self.ledger.as_dict()}


def compute(episode: Episode, rows: EpisodeRows, today: dt.date) -> EpisodeOutcome:
    progress = episode_progress(rows, today=today)
    ledger = episode_ledger(progress, plan_points=rows.plan_points, visits=rows.visits)
    return EpisodeOutcome(episode, rows, progress, ledger)


def outcome_of_episode(*, actor: User, episode: Episode, today: dt.date | None = None,
                       what: str = "episode_outcome", scored: Scored | None = None,
                       ) -> EpisodeOutcome:
    """The outcome of an episode the actor holds from a scoped selector; clinicians only. Its
    scored assessments from `scored` when the page read them already."""
    membership = membership_of(actor)
    if membership is None or membership.role not in CLINICAL_ROLES or (
            membership.clinic_id != episode.clinic_id):
        audit_record(actor=actor, action=Action.READ, object_type=what, object_id=episode.pk,
                     outcome=Outcome.DENIED, clinic_id=episode.clinic_id)
        raise Forbidden("only practitioners and owners may see an episode's outcome")
    outcome = compute(episode, episode_rows([episode], scored)[episode.pk],
                      today or timezone.localdate())
    audit_record(actor=actor, action=Action.READ, object_type=what, object_id=episode.pk,
                 outcome=Outcome.OK, clinic_id=episode.clinic_id)
    return outcome


def outcome_get(*, actor: User, episode_id: object, what: str = "episode_outcome"
                ) -> EpisodeOutcome:
    """One episode's outcome by id: 404 outside the actor's clinic, 403 for a role that may
    not see clinical content (front desk; the patient, whose portal has its own view)."""
    episode = clinical_episode_get(actor=actor, episode_id=episode_id, what=what)
    return outcome_of_episode(actor=actor, episode=episode, what=what)


@dataclass(frozen=True)
class ClinicClaims:
    since: dt.date
    until: dt.date
    ledger: ClinicLedger


def clinic_claims(*, actor: User, since: dt.date | None = None, until: dt.date | None = None,
                  today: dt.date | None = None) -> ClinicClaims:
    """The claims ledger over the clinic's episodes opened from `since` to `until` (the last
    365 days by default); practitioners and owners."""
    membership = membership_of(actor)
    if membership is None or membership.role not in CLINICAL_ROLES:
        audit_record(actor=actor, action=Action.LIST, object_type="claims_ledger",
                     outcome=Outcome.DENIED)
        raise Forbidden("only practitioners and owners may see the claims ledger")
    today = today or timezone.localdate()
    until = until or today
    since = since or until - dt.timedelta(days=LEDGER_DEFAULT_DAYS)
    clinic_id = membership.clinic_id
    key = (f"claims-ledger:{clinic_id}:{since}:{until}:{today}:{claims().version}:"
           f"{clinic_fingerprint(clinic_id)}")
    ledger = cache.get(key)
    if ledger is None:
        episodes = list(Episode.objects.filter(clinic_id=clinic_id, opened_on__gte=since,
                                               opened_on__lte=until))
        rows = episode_rows(episodes)
        ledger = clinic_ledger(compute(e, rows[e.pk], today).ledger for e in episodes)
        cache.set(key, ledger, LEDGER_CACHE_SECONDS)
    audit_record(actor=actor, action=Action.LIST, object_type="claims_ledger",
                 outcome=Outcome.OK, clinic_id=clinic_id,
                 detail={"since": since.isoformat(), "until": until.isoformat(),
                         "episodes": ledger.episodes})
    return ClinicClaims(since, until, ledger)


def clinic_fingerprint(clinic_id: int) -> str:
    """Changes whenever a record the ledger reads is added or changed (ids only grow; edits
    bump a version or set an in-error time), so a cached ledger is never stale."""
    parts = [
        Episode.objects.filter(clinic_id=clinic_id).aggregate(n=Count("id"), v=Sum("version")),
        Assessment.objects.filter(clinic_id=clinic_id).aggregate(m=Max("id")),
        Visit.objects.filter(clinic_id=clinic_id).aggregate(m=Max("id"), v=Sum("version")),
        Amendment.objects.filter(visit__clinic_id=clinic_id).aggregate(m=Max("id")),
        PainkillerUse.objects.filter(clinic_id=clinic_id).aggregate(
            m=Max("id"), e=Max("in_error_at")),
        AdverseEvent.objects.filter(clinic_id=clinic_id).aggregate(m=Max("id"),
                                                                   v=Sum("version")),
        Plan.objects.filter(clinic_id=clinic_id).aggregate(m=Max("id")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def own_episode_outcome(*, actor: User, episode_id: object) -> EpisodeOutcome:
    """A patient's own episode's outcome, for the portal's plain-words view
    (`acuback.outcomes.words.patient_progress`). Anyone else's episode is not found."""
    membership = membership_of(actor)
    episode = None
    if membership is not None and membership.role == Role.PATIENT:
        episode = Episode.objects.filter(pk=request_key(episode_id), clinic_id=membership.clinic_id,
                                         patient__user=actor).select_related("patient").first()
    if episode is None:
        audit_record(actor=actor, action=Action.READ, object_type="own_outcome",
                     object_id=episode_id, outcome=Outcome.NOT_FOUND)
        raise NotFound("episode not found")
    outcome = compute(episode, episode_rows([episode])[episode.pk], timezone.localdate())
    audit_record(actor=actor, action=Action.READ, object_type="own_outcome",
                 object_id=episode.pk, outcome=Outcome.OK, clinic_id=episode.clinic_id)
    return outcome
