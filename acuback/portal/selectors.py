"""What the portal shows a patient, read through the scoped selectors: their own record only.

Questionnaires due come from the follow-up schedule (`acuback.clinical.questionnaire_schedule`)
applied to each of the patient's episodes: the answers on record, the visits held (the visits
app), the discharge day. Only instruments a patient can answer appear (the validated wording
ships, or the clinic has loaded its licensed wording).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from acuback.accounts.access import Forbidden, membership_of
from acuback.accounts.models import Role, User
from acuback.assessments.models import Assessment
from acuback.assessments.selectors import answerable
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical import instruments
from acuback.clinical import questionnaire_schedule as qs
from acuback.episodes.models import Episode, EpisodeStatus
from acuback.patients.models import Patient
from acuback.patients.selectors import patient_get, patient_queryset
from acuback.plans.selectors import plan_current


def own_patient(actor: User) -> Patient:
    """The logged-in patient's own record (audited read); staff have no portal."""
    membership = membership_of(actor)
    if membership is None or membership.role != Role.PATIENT:
        audit_record(actor=actor, action=Action.READ, object_type="portal",
                     outcome=Outcome.DENIED)
        raise Forbidden("the portal is for patients")
    own = patient_queryset(actor).values_list("pk", flat=True).first()
    return patient_get(actor=actor, patient_id=own, what="portal")


def episode_label(episode: Episode, siblings: Iterable[Episode] = ()) -> str:
    """Words a patient tells their episodes apart by: where, since when (to the day when
    another episode of the same place began the same month), when it was opened if that
    is not enough, and its state."""
    where = f"{episode.get_region_display()} back pain"
    if episode.side in ("left", "right"):
        where += f", {episode.get_side_display().lower()} side"
    alike = [e for e in siblings if e.pk != episode.pk and e.region == episode.region
             and e.side == episode.side]
    same_month = [e for e in alike if (e.onset_date.year, e.onset_date.month)
                  == (episode.onset_date.year, episode.onset_date.month)]
    since = (f"{episode.onset_date.day} {episode.onset_date:%B %Y}" if same_month
             else f"{episode.onset_date:%B %Y}")
    label = f"{where}, since {since}"
    same_day = [e for e in same_month if e.onset_date == episode.onset_date]
    if same_day:
        label += f", seen from {episode.opened_on.day} {episode.opened_on:%B %Y}"
        if any(e.opened_on == episode.opened_on for e in same_day):
            label += f" (record {episode.pk})"
    if episode.status != EpisodeStatus.ACTIVE:
        label += f" · {episode.get_status_display().lower()}"
    return label


@dataclass(frozen=True)
class DueQuestionnaire:
    episode: Episode
    episode_label: str
    due: qs.Due
    definition: instruments.Definition


# The promises beyond pain and function the schedule follows, by the measure it asks again
# (the claims ledger's sleep, stress and mood: acuback/clinical/claims/claims.json).
TRACKED = {"isi": "sleep", "pss10": "stress", "phq9": "mood"}


def tracked(plan: object, answered: Iterable[qs.Answered] = ()) -> set[str]:
    """Which of sleep, stress and mood an episode tracks: the measure is on record for it
    (a change can only be judged if it is asked again at discharge), or its current plan
    sets a goal on it."""
    goals = getattr(plan, "goals", None) or []
    measured = {a.instrument for a in answered} | {str(g.get("instrument") or "") for g in goals}
    return {promise for instrument, promise in TRACKED.items() if instrument in measured}


def schedule_for(episode: Episode, can_answer: set[str],
                 answered: Iterable[qs.Answered] = ()) -> tuple[qs.Item, ...]:
    """The episode's schedule: the defaults, re-assessing as its current plan says (after
    every K sessions, and from its re-assessment date if it names one), with
    ISI, PSS-10 and PHQ-9 where the episode tracks sleep, stress or mood, and the plan's own
    questionnaires added to them."""
    plan = plan_current(episode)
    every = plan.reassess_after_session if plan and plan.reassess_after_session else None
    measure = "odi" if "odi" in can_answer else "rmdq"
    promises = tracked(plan, answered)
    return qs.default_schedule(function_measure=measure, every=every or qs.DEFAULT_EVERY,
                               sleep="sleep" in promises, stress="stress" in promises,
                               mood="mood" in promises,
                               reassess_on=plan.reassess_on if plan else None,
                               own=qs.plan_items(plan.questionnaires) if plan else ())


def questionnaires_due(patient: Patient, *, today: dt.date | None = None,
                       ) -> list[DueQuestionnaire]:
    """Every questionnaire due now, per episode, for a patient already read through a scoped
    selector (the portal's own patient, or a clinician's chart). Episodes and plans the page
    has loaded already (`episodes_of_patient`, `plans.selectors.prefetch_care`) are not read
    again."""
    from django.db.models import Prefetch, prefetch_related_objects

    from acuback.plans.models import Plan
    from acuback.prefetch import prefetched

    today = today or timezone.localdate()
    loaded = prefetched(patient, "episodes")  # in Episode's order: newest first
    episodes = (loaded if loaded is not None else
                list(Episode.objects.filter(patient=patient).order_by("-opened_on", "-id")))
    # The plans and the visits held for all episodes at once: a chart or portal page costs the
    # same few queries whatever the number of episodes. Plans prefetched already are kept.
    prefetch_related_objects(episodes, Prefetch(
        "plans", queryset=Plan.objects.select_related("created_by").prefetch_related("points")))
    held_by_episode, answers = _held_and_answered(episodes)
    can_answer = answerable(patient.clinic_id)
    found = []
    for episode in episodes:
        if episode.status == EpisodeStatus.REFERRED_OUT:
            continue
        held = held_by_episode.get(episode.pk, 0)
        discharged = episode.closed_on if episode.status == EpisodeStatus.DISCHARGED else None
        course = qs.Course(held, discharged, today)
        label = episode_label(episode, episodes)
        answered = answers.get(episode.pk, [])
        for item in qs.due(schedule_for(episode, can_answer, answered), course, answered):
            if item.instrument in can_answer:
                found.append(DueQuestionnaire(episode, label, item,
                                              instruments.get(item.instrument)))
    return found


def _held_and_answered(episodes: list[Episode],
                       ) -> tuple[dict[int, int], dict[int, list[qs.Answered]]]:
    """The episodes' live visits counted (`visits.access.live_visits`) and their answers,
    newest first: two hand-written statements (every chart and portal page reads them), the
    second not when the page's questionnaire summary has read the answers already."""
    from acuback.assessments.selectors import answered_of
    from acuback.dbtime import db_datetime
    from acuback.sqlrows import fetch, marks
    from acuback.visits.access import live_visit_sql
    from acuback.visits.models import Visit

    if not episodes:
        return {}, {}
    episode_ids = [e.pk for e in episodes]
    ids = marks(episode_ids)
    live, live_params = live_visit_sql("v.id")
    held = dict(fetch(
        f"SELECT v.episode_id, COUNT(*) FROM {Visit._meta.db_table} v "  # noqa: S608
        f"WHERE v.episode_id IN ({ids}) AND {live} GROUP BY v.episode_id",
        [*episode_ids, *live_params]))
    answers: dict[int, list[qs.Answered]] = {}
    summarised = [answered_of(e) for e in episodes]
    if all(found is not None for found in summarised):
        for episode, found in zip(episodes, summarised, strict=True):
            answers[episode.pk] = [qs.Answered(a.instrument, a.time_point, a.visit_number,
                                               a.administered_at.date()) for a in found or []]
        return held, {k: v for k, v in answers.items() if v}
    for episode_id, instrument, time_point, visit_number, at in fetch(
            "SELECT episode_id, instrument, time_point, visit_number, administered_at "  # noqa: S608
            f"FROM {Assessment._meta.db_table} WHERE episode_id IN ({ids}) "
            "ORDER BY administered_at DESC, id DESC", episode_ids):
        taken = db_datetime(at)
        assert taken is not None  # administered_at: NOT NULL
        answers.setdefault(episode_id, []).append(
            qs.Answered(instrument, time_point, visit_number, taken.date()))
    return held, answers


def has_due_questionnaires(patient: Patient) -> bool:
    return bool(patient.user_id) and bool(questionnaires_due(patient))


def due_one(patient: Patient, episode_id: int, instrument: str) -> DueQuestionnaire | None:
    return next((d for d in questionnaires_due(patient)
                 if d.episode.pk == episode_id and d.definition.id == instrument), None)


@dataclass(frozen=True)
class Point:
    id: int
    on: dt.date
    total: float
    label: str


def progress(patient: Patient, episode: Episode, instrument: str) -> list[Point]:
    """The patient's own totals of one instrument in one episode, oldest first."""
    rows = Assessment.objects.filter(episode=episode, episode__patient=patient,
                                     instrument=instrument, total__isnull=False
                                     ).order_by("administered_at", "id")
    return [Point(a.pk, a.administered_at.date(), a.total, a.time_point_label) for a in rows
            if a.total is not None]
