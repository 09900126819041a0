"""Demo step: every demo episode gets a baseline set of questionnaires and most get a follow-up,
some showing a clinically important improvement and some not.

Synthetic answers only, drawn from the demo's seeded random generator, and recorded through
`assessment_record` like any other response. Idempotent: episodes that already have an
assessment are left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.utils import timezone

from acuback.accounts.models import User
from acuback.assessments.models import TimePoint
from acuback.assessments.services import assessment_record
from acuback.clinical import instruments
from acuback.clinical.instruments import Item
from acuback.episodes.models import Episode

if TYPE_CHECKING:
    from acuback.demo import DemoContext

# A realistic mix: function (ODI), pain (NRS or PEG), risk (STarT Back), mood (PHQ-4 or PHQ-9),
# sleep or stress (ISI or PSS-10).
BASELINE_SETS = (
    ("odi", "nrs", "startback", "phq9", "isi"),
    ("odi", "peg", "startback", "phq4", "pss10"),
    ("odi", "nrs", "peg", "startback", "phq4", "isi"),
    ("odi", "nrs", "startback", "phq9", "pss10"),
)
REPEATED = ("odi", "nrs", "peg", "phq9", "phq4", "isi")  # asked again at follow-up
FOLLOW_UP_SHARE = 0.75
RESPONDER_SHARE = 0.6


def demo_assessments(ctx: DemoContext) -> None:
    episodes = (
        Episode.objects.filter(assessments__isnull=True)
        .select_related("patient__user__membership", "created_by__membership")
        .order_by("id")
    )
    for episode in episodes:
        _episode(ctx.rng, ctx.today, episode)


def _episode(rng: random.Random, today: dt.date, episode: Episode) -> None:
    severity = rng.uniform(0.2, 0.75)  # how much the back pain limits this patient, 0..1
    mood = rng.uniform(0.0, 0.55)
    given = BASELINE_SETS[episode.pk % len(BASELINE_SETS)]
    baseline_days = rng.randint(45, 90)
    clinician = episode.created_by
    for instrument in given:
        _record(rng, episode, clinician, instrument, severity, mood,
                TimePoint.BASELINE, _at(today, baseline_days))
    if rng.random() > FOLLOW_UP_SHARE:
        return
    responder = rng.random() < RESPONDER_SHARE
    factor = rng.uniform(0.3, 0.6) if responder else rng.uniform(0.85, 1.1)
    # The demo patient with a portal login answers their own follow-up.
    who = episode.patient.user if episode.patient.user_id else clinician
    when = _at(today, baseline_days - rng.randint(28, 42))
    for instrument in (i for i in given if i in REPEATED):
        _record(rng, episode, who, instrument, severity * factor,
                mood * (factor + 0.2 if responder else 1.0), TimePoint.FOLLOW_UP, when)
    pgic = [rng.choice([1, 2, 2]) if responder else rng.choice([3, 4, 4, 5])]
    assessment_record(actor=who, episode=episode, instrument="pgic", answers=pgic,
                      time_point=TimePoint.FOLLOW_UP, administered_at=when)


def _record(rng: random.Random, episode: Episode, actor: User, instrument: str,
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
