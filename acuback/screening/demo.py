"""Demo step: every demo episode gets a red-flag screen, recorded through the services.

Most screens are clear. In each demo clinic two are routine, one is urgent and was cleared by a
physician (so it can be planned), and one is an emergency referred out the same day and left
blocked, so that a newcomer sees every state. Idempotent: screened episodes are left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acuback.bulk import db_date, db_json, insert_rows, next_id, reset_sequences
from acuback.clinical import screening as rules
from acuback.clinical.screening import FLAG_QUESTIONS
from acuback.episodes.models import Episode
from acuback.screening.models import ReferralOutcome, Screening
from acuback.screening.services import age_on, referral_record, rules_version, screening_record

if TYPE_CHECKING:
    from acuback.demo import DemoContext
    from acuback.demo.bulk import BulkContext

# Position of the episode in its clinic (by id) -> the flags answered yes.
ROUTINE_AT = {2: ("morning_stiffness", "onset_before_45"), 7: ("night_pain",)}
URGENT_AT = 4  # major trauma: possible fracture (AHCPR 1994)
EMERGENCY_AT = 9  # new bladder dysfunction: possible cauda equina syndrome
CLEARANCE = ("Seen by Dr R. Hale (GP) after the fall; X-ray of the lumbar spine shows no "
             "fracture. Cleared for acupuncture.")
EMERGENCY_NOTE = "Sent to the emergency department the same day; awaiting their letter."


def demo_screenings(ctx: DemoContext) -> None:
    for clinic in ctx.clinics.values():
        episodes = ctx.episodes().filter(clinic=clinic).select_related(
            "patient", "created_by__membership").order_by("id")
        for index, episode in enumerate(episodes):
            if not episode.screenings.exists():
                _screen(index, episode, ctx)


def _screen(index: int, episode: Episode, ctx: DemoContext) -> None:
    yes: tuple[str, ...] = ROUTINE_AT.get(index, ())
    if index == URGENT_AT:
        yes = ("major_trauma",)
    if index == EMERGENCY_AT:
        yes = ("bladder_dysfunction",)
    clinician = episode.created_by
    flags = {str(flag): str(flag) in yes for flag in FLAG_QUESTIONS}
    screening = screening_record(actor=clinician, episode=episode, flags=flags,
                                 screened_on=min(ctx.today, episode.opened_on))
    if index == URGENT_AT:
        referral_record(actor=clinician, screening=screening,
                        outcome=ReferralOutcome.REFERRED_GP_URGENT)
        referral_record(actor=clinician, screening=screening,
                        outcome=ReferralOutcome.CLEARED_BY_PHYSICIAN, note=CLEARANCE)
    if index == EMERGENCY_AT:
        referral_record(actor=clinician, screening=screening,
                        outcome=ReferralOutcome.REFERRED_EMERGENCY, note=EMERGENCY_NOTE)


# --- the bulk path (acuback demo --patients N) -------------------------------------------------

BULK_ROUTINE_SHARE = 0.03  # screens with a routine flag; the rest are clear
SCREENING_COLUMNS = ("clinic", "episode", "screened_on", "age", "answers", "decision", "fired",
                     "action", "nonspecific", "rules_version", "rest_marked_no", "recorded_by",
                     "recorded_at")


def bulk_screenings(ctx: BulkContext) -> None:
    """A red-flag screen for every episode on the day it opened, decided by the core."""
    rng, first = ctx.rng, next_id(Screening)
    decided: dict[tuple[int, tuple[str, ...]], tuple[str, str, str, bool]] = {}
    rows = []
    with ctx.progress("red-flag screens", len(ctx.episodes)) as advance:
        for episode in ctx.episodes:
            yes = ROUTINE_AT[2] if rng.random() < BULK_ROUTINE_SHARE else ()
            age = age_on(episode.patient.born, episode.opened)
            key = (age, yes)
            if key not in decided:  # the core decides each distinct screen once
                result = rules.screen_data({"age": age, "flags": _flags(yes)})
                decided[key] = (result.decision.value, db_json(
                    [{**f.to_dict(), "level": f.level.value} for f in result.fired]),
                    result.action, result.nonspecific)
            decision, fired, action, nonspecific = decided[key]
            ctx.decisions[episode.id] = decision
            ctx.nonspecific[episode.id] = nonspecific
            rows.append((ctx.clinic.pk, episode.id, db_date(episode.opened), age,
                         db_json(_flags(yes)), decision, fired, action, nonspecific,
                         rules_version(), db_json([]), ctx.clinician.pk,
                         ctx.at(episode.opened, 9)))
        advance(insert_rows(Screening, SCREENING_COLUMNS, rows))
    reset_sequences(Screening)
    ctx.audit("screening", first, len(rows))


def _flags(yes: tuple[str, ...]) -> dict[str, bool]:
    return {str(flag): str(flag) in yes for flag in FLAG_QUESTIONS}
