"""Demo step: every demo episode gets a baseline set of questionnaires and most get a follow-up,
with outcomes as varied as a real clinic's: clear responders, some who improve, some with no
change, a few who get worse, and some still waiting for their follow-up.

Synthetic answers only, recorded through `assessment_record` like any other response.
Deterministic: each episode's outcome profile and question set follow from its place among
the episodes being filled (never from its database id, which differs between databases and
runs), and its answers come from its own generator, seeded from the demo's, so one episode's
draws never shift another's. Idempotent: episodes that already have an assessment are left
alone.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.utils import timezone

from acuback.accounts.models import User
from acuback.assessments.models import AlertKind, Assessment, EnteredBy, SafetyAlert, TimePoint
from acuback.assessments.services import assessment_record
from acuback.bulk import BATCH, db_json, insert_rows, next_id, reset_sequences
from acuback.clinical import instruments
from acuback.clinical.instruments import Item
from acuback.clinical.outcomes import Measurement
from acuback.episodes.models import Episode, EpisodeStatus

if TYPE_CHECKING:
    from acuback.demo import DemoContext
    from acuback.demo.bulk import BulkContext, BulkEpisode

# A realistic mix: function (ODI), pain (NRS or PEG), risk (STarT Back), mood (PHQ-4 or PHQ-9),
# sleep or stress (ISI or PSS-10), morning stiffness, energy (PROMIS Fatigue 4a).
BASELINE_SETS = (
    ("odi", "nrs", "startback", "phq9", "isi", "stiffness"),
    ("odi", "peg", "startback", "phq4", "pss10"),
    ("odi", "nrs", "peg", "startback", "phq4", "isi", "fatigue4a"),
    ("odi", "nrs", "startback", "phq9", "pss10", "stiffness"),
)
REPEATED = ("odi", "nrs", "peg", "phq9", "phq4", "isi", "stiffness", "fatigue4a")


@dataclass(frozen=True)
class Profile:
    """How an episode's measures move from baseline to follow-up: the follow-up's level is the
    baseline's times a factor drawn from ``factor`` (None: no follow-up yet)."""

    name: str
    factor: tuple[float, float] | None
    severity: tuple[float, float]  # the baseline level, 0..1: room to get better or worse
    pgic: tuple[int, ...]  # the patient's global impression, drawn from these


STRONG = Profile("strong responder", (0.2, 0.4), (0.45, 0.75), (1, 1, 2))
RESPONDER = Profile("responder", (0.45, 0.65), (0.35, 0.75), (2, 2, 3))
NO_CHANGE = Profile("no change", (0.92, 1.08), (0.3, 0.7), (3, 4, 4, 5))
WORSE = Profile("worse", (1.35, 1.6), (0.35, 0.55), (5, 6, 6))
WAITING = Profile("waiting for the follow-up", None, (0.2, 0.75), ())
# In this order, over and over: 6 of 8 have a follow-up; of those half improve by the minimal
# important change (trials report 45-60 % responders), a third show no change, one in six worse.
PROFILES = (STRONG, NO_CHANGE, RESPONDER, WAITING, WORSE, RESPONDER, NO_CHANGE, WAITING)


def demo_assessments(ctx: DemoContext) -> None:
    episodes = (
        ctx.episodes().filter(assessments__isnull=True)
        .select_related("patient__user__membership", "created_by__membership")
        .order_by("id")
    )
    for place, episode in enumerate(episodes):
        # One draw of the demo's generator per episode, whatever the episode then draws.
        rng = random.Random(ctx.rng.getrandbits(64))  # noqa: S311 - synthetic data
        _episode(rng, ctx.today, episode, place)


def _episode(rng: random.Random, today: dt.date, episode: Episode, place: int) -> None:
    profile = PROFILES[place % len(PROFILES)]
    severity = rng.uniform(*profile.severity)  # how much the back pain limits this patient
    mood = rng.uniform(0.0, 0.55)
    given = BASELINE_SETS[place % len(BASELINE_SETS)]
    baseline_days = rng.randint(45, 90)
    clinician = episode.created_by
    for instrument in given:
        record_at_level(rng, episode, clinician, instrument, severity, mood,
                TimePoint.BASELINE, _at(today, baseline_days))
    if profile.factor is None:
        return
    factor = rng.uniform(*profile.factor)
    # The demo patient with a portal login answers their own follow-up.
    who = episode.patient.user if episode.patient.user_id else clinician
    when = _at(today, baseline_days - rng.randint(28, 42))
    for instrument in (i for i in given if i in REPEATED):
        record_at_level(rng, episode, who, instrument, min(severity * factor, 1.0),
                min(mood * (0.5 + factor / 2), 1.0), TimePoint.FOLLOW_UP, when)
    assessment_record(actor=who, episode=episode, instrument="pgic",
                      answers=[rng.choice(profile.pgic)], time_point=TimePoint.FOLLOW_UP,
                      administered_at=when)


def record_at_level(rng: random.Random, episode: Episode, actor: User, instrument: str,
            severity: float, mood: float, time_point: str, when: dt.datetime) -> None:
    definition = instruments.get(instrument)
    level = mood if instrument in ("phq9", "phq4") else severity
    answers: list[int | None] = [_answer(rng, item, level) for item in definition.items]
    if instrument == "phq9":
        # Thoughts of self-harm are rare: an occasional demo alert, not one per patient.
        answers[8] = 1 if rng.random() < 0.03 else 0
    if instrument == "odi" and rng.random() < 0.2:
        answers[7] = None  # sex life section left out: allowed, scored on 9 sections
    assessment_record(actor=actor, episode=episode, instrument=instrument, answers=answers,
                      time_point=time_point, administered_at=when)


def _answer(rng: random.Random, item: Item, level: float) -> int:
    """The option whose scoring weight is nearest a noisy target: reversed items (PSS-10) and
    recoded ones (STarT Back item 9) come out consistent with the patient's level."""
    weights = [option.score for option in item.options]
    target = min(max(level + rng.gauss(0, 0.15), 0.0), 1.0) * max(weights)
    best = min(abs(w - target) for w in weights)
    return rng.choice([o.code for o in item.options if abs(o.score - target) == best])


def _at(today: dt.date, days_ago: int) -> dt.datetime:
    day = today - dt.timedelta(days=max(days_ago, 1))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 30)))


# --- the bulk path (acuback demo --patients N) -------------------------------------------------

# Function and pain at every baseline (the measures the NCD design note asks for, DOMAIN.md
# part 3), then one of risk or mood; follow-up repeats function and pain, with PGIC at the end.
BULK_BASELINES = (("odi", "nrs", "startback"), ("odi", "nrs", "phq4"), ("odi", "peg", "phq9"),
                  ("odi", "nrs", "phq4"))
BULK_FOLLOW_UP = ("odi", "nrs", "peg")
BULK_RESPONDER_SHARE = 0.6
# Active episodes whose baseline questionnaires are still to be taken, so that the patient list
# has outstanding questionnaires to show.
BULK_OUTSTANDING_SHARE = 0.1
# Responses are drawn from a pool per instrument and level (0..LEVELS-1), each response made as
# the usual demo makes one and scored by the core once: the same data, without scoring a
# million answer lists.
LEVELS, POOL = 20, 40
ASSESSMENT_COLUMNS = ("id", "clinic", "episode", "instrument", "definition_version", "answers",
                      "results", "total", "band", "time_point", "visit_number",
                      "administered_at", "entered_by", "entered_by_user", "wording",
                      "created_at")
ALERT_COLUMNS = ("clinic", "patient", "assessment", "kind", "raised_at", "raised_by",
                 "acknowledged_by", "acknowledged_at", "note")
ALERT_NOTE = "Talked with the patient the same day; no plan or intent; safety plan agreed."


@dataclass(frozen=True)
class Response:
    """One scored response, in database form."""

    instrument: str
    version: str
    answers: str
    results: str
    total: float | None
    band: str
    alert: bool


@dataclass
class _Visit:
    time_point: str
    when: object
    instruments: tuple[str, ...]
    change: float  # 1.0 at baseline; below 1 when the patient improved
    day: dt.date


def bulk_assessments(ctx: BulkContext) -> None:
    """Baseline questionnaires for every episode but a few active ones, follow-ups for those
    discharged and for half the active ones treated for a month; scored by the core."""
    first = next_pk = next_id(Assessment)
    rows, alerts = [], []
    # Counted by episodes: how many questionnaires is known once they are drawn.
    with ctx.progress("questionnaires", len(ctx.episodes)) as advance:
        for place, episode in enumerate(ctx.episodes):
            severity, mood = ctx.rng.uniform(0.2, 0.75), ctx.rng.uniform(0.0, 0.55)
            for visit in _visits(ctx, episode, place):
                for instrument in visit.instruments:
                    level = mood if instrument in ("phq9", "phq4") else severity * visit.change
                    response = _pick(ctx.rng, instrument, level, visit.change)
                    rows.append((next_pk, ctx.clinic.pk, episode.id, response.instrument,
                                 response.version, response.answers, response.results,
                                 response.total, response.band, visit.time_point, None,
                                 visit.when, EnteredBy.CLINICIAN, ctx.clinician.pk, None,
                                 visit.when))
                    if response.alert:  # acknowledged already when the episode is over
                        done = episode.closed is not None
                        alerts.append((ctx.clinic.pk, episode.patient.id, next_pk,
                                       AlertKind.PHQ9_ITEM9, visit.when, ctx.clinician.pk,
                                       ctx.clinician.pk if done else None,
                                       visit.when if done else None,
                                       ALERT_NOTE if done else ""))
                    if response.total is not None:
                        ctx.measurements.setdefault(episode.id, []).append(
                            Measurement(response.instrument, visit.day, response.total))
                        if response.instrument == "startback":
                            ctx.startback.setdefault(episode.id, response.band)
                    next_pk += 1
            if place % BATCH == BATCH - 1:
                advance(BATCH)
        insert_rows(Assessment, ASSESSMENT_COLUMNS, rows)
        first_alert = next_id(SafetyAlert)
        insert_rows(SafetyAlert, ALERT_COLUMNS, alerts)
        advance(len(ctx.episodes) % BATCH)
    reset_sequences(Assessment, SafetyAlert)
    ctx.audit("assessment", first, len(rows))
    ctx.audit("safety_alert", first_alert, len(alerts))


def _visits(ctx: BulkContext, episode: BulkEpisode, place: int) -> list[_Visit]:
    rng = ctx.rng
    if episode.status == EpisodeStatus.ACTIVE and rng.random() < BULK_OUTSTANDING_SHARE:
        return []
    # By the episode's place in this load, never its id (ids differ between databases).
    given = BULK_BASELINES[place % len(BULK_BASELINES)]
    opened = min(episode.opened + dt.timedelta(days=rng.randint(0, 3)), ctx.today)
    visits = [_Visit(TimePoint.BASELINE, ctx.at(opened), given, 1.0, opened)]
    responder = rng.random() < BULK_RESPONDER_SHARE
    change = rng.uniform(0.3, 0.6) if responder else rng.uniform(0.85, 1.1)
    again = tuple(i for i in given if i in BULK_FOLLOW_UP)
    if episode.closed is not None:
        visits.append(_Visit(TimePoint.FOLLOW_UP, ctx.at(episode.closed), (*again, "pgic"),
                             change, episode.closed))
    elif (ctx.today - episode.opened).days > 30 and rng.random() < 0.5:
        day = ctx.today - dt.timedelta(days=rng.randint(1, 9))
        visits.append(_Visit(TimePoint.FOLLOW_UP, ctx.at(day), again, change, day))
    return visits


def _pick(rng: random.Random, instrument: str, level: float, change: float) -> Response:
    if instrument == "pgic":  # 1-2 "much" or "very much improved" (IMMPACT, Dworkin 2008)
        return _pgic(rng.choice([1, 2, 2]) if change < 0.7 else rng.choice([3, 4, 4, 5]))
    bucket = min(max(int(level * LEVELS), 0), LEVELS - 1)
    return rng.choice(_pool(instrument, bucket))


@cache
def _pool(instrument: str, bucket: int) -> list[Response]:
    rng = random.Random(f"{instrument}-{bucket}")  # noqa: S311 - synthetic data
    definition = instruments.get(instrument)
    level = (bucket + 0.5) / LEVELS
    pool = []
    for _ in range(POOL):
        answers: list[int | None] = [_answer(rng, item, level) for item in definition.items]
        if instrument == "phq9":
            answers[8] = 1 if rng.random() < 0.03 else 0  # as in the usual demo: rare alerts
        pool.append(_scored(instrument, answers))
    return pool


@cache
def _pgic(code: int) -> Response:
    return _scored("pgic", [code])


def _scored(instrument: str, answers: list[int | None]) -> Response:
    definition = instruments.get(instrument)
    result = instruments.score(instrument, answers)
    return Response(definition.id, definition.version, db_json(answers),
                    db_json(result.as_dict()), result.total, result.band or "",
                    bool(result.item9_positive))
