"""Answers and screens for tests: every question answered, the named flags yes."""

from __future__ import annotations

from acuback.accounts.models import User
from acuback.clinical.screening import FLAG_QUESTIONS
from acuback.episodes.models import Episode
from acuback.screening.models import Screening
from acuback.screening.services import screening_record

# One set of answers per decision. The world's patients were born in 1970 (over 50), so a
# history of cancer alone is urgent for them.
CLEAR: tuple[str, ...] = ()
ROUTINE = ("morning_stiffness",)
URGENT = ("history_of_cancer",)
EMERGENCY = ("saddle_anaesthesia",)


def answers(*yes: str) -> dict[str, bool]:
    return {str(flag): str(flag) in yes for flag in FLAG_QUESTIONS}


def screen(actor: User, episode: Episode, *yes: str) -> Screening:
    return screening_record(actor=actor, episode=episode, flags=answers(*yes))
