"""Demo step: every demo episode gets a red-flag screen, recorded through the services.

Most screens are clear. In each demo clinic two are routine, one is urgent and was cleared by a
physician (so it can be planned), and one is an emergency referred out the same day and left
blocked, so that a newcomer sees every state. Idempotent: screened episodes are left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acuback.clinical.screening import FLAG_QUESTIONS
from acuback.episodes.models import Episode
from acuback.screening.models import ReferralOutcome
from acuback.screening.services import referral_record, screening_record

if TYPE_CHECKING:
    from acuback.demo import DemoContext

# Position of the episode in its clinic (by id) -> the flags answered yes.
ROUTINE_AT = {2: ("morning_stiffness", "onset_before_45"), 7: ("night_pain",)}
URGENT_AT = 4  # major trauma: possible fracture (AHCPR 1994)
EMERGENCY_AT = 9  # new bladder dysfunction: possible cauda equina syndrome
CLEARANCE = ("Seen by Dr R. Hale (GP) after the fall; X-ray of the lumbar spine shows no "
             "fracture. Cleared for acupuncture.")
EMERGENCY_NOTE = "Sent to the emergency department the same day; awaiting their letter."


def demo_screenings(ctx: DemoContext) -> None:
    for clinic in ctx.clinics.values():
        episodes = Episode.objects.filter(clinic=clinic).select_related(
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
