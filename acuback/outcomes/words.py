"""A patient's own progress in plain words, for the portal:

    from acuback.outcomes.selectors import own_episode_outcome
    from acuback.outcomes.words import patient_progress
    lines = patient_progress(own_episode_outcome(actor=request.user, episode_id=pk))

Each line names a measure as a patient would, and says whether it is better, about the same or
worse than at the start, by the same verdicts the clinic sees. Written for patients, in our own
words; no codes, no thresholds jargon.
"""

from __future__ import annotations

from dataclasses import dataclass

from acuback.clinical.claims import number
from acuback.clinical.instruments import Verdict, get
from acuback.clinical.outcomes import InstrumentOutcome
from acuback.outcomes.selectors import EpisodeOutcome

PLAIN_NAMES = {
    "nrs": "Pain", "peg": "Pain and how much it gets in the way",
    "odi": "Everyday activities", "rmdq": "Everyday activities", "phq9": "Mood",
    "phq4": "Mood and worry", "gad7": "Worry", "isi": "Sleep", "pss10": "Stress",
    "fatigue4a": "Tiredness", "stiffness": "Stiffness in the morning",
    "pgic": "How you feel overall",
}
# Questionnaires that sort a patient into a group rather than measure change.
NOT_A_MEASURE_OF_CHANGE = {"startback"}
TONE = {Verdict.IMPROVED: "better", Verdict.NO_CHANGE: "same", Verdict.WORSE: "worse"}


@dataclass(frozen=True)
class PlainLine:
    measure: str  # the instrument id
    name: str
    words: str
    tone: str  # better | same | worse | neutral


def _line(outcome: InstrumentOutcome) -> PlainLine:
    name = PLAIN_NAMES.get(outcome.instrument, get(outcome.instrument).short_name)
    verdict = outcome.verdict
    tone = TONE.get(verdict, "neutral") if verdict is not None else "neutral"
    if outcome.baseline is None:  # the PGIC: the patient's own rating of change
        label = get("pgic").items[0].option(int(outcome.latest.total)).label
        return PlainLine(outcome.instrument, name, f"You told us: {label}.", tone)
    first = number(outcome.baseline.total)
    if not outcome.follow_ups:
        return PlainLine(outcome.instrument, name,
                         f"Measured once so far ({first}). We will ask again to see the change.",
                         "neutral")
    latest = number(outcome.latest.total)
    if verdict is Verdict.IMPROVED:
        words = f"Better: from {first} at the start to {latest} now, a change that matters."
    elif verdict is Verdict.WORSE:
        words = (f"Worse: from {first} at the start to {latest} now. Please talk with your "
                 "practitioner about it.")
    elif verdict is Verdict.NO_CHANGE:
        words = f"About the same: {first} at the start, {latest} now."
    else:
        words = (f"From {first} at the start to {latest} now. There is no agreed size of "
                 "change for this questionnaire, so we show the numbers only.")
    return PlainLine(outcome.instrument, name, words, tone)


def patient_progress(outcome: EpisodeOutcome) -> list[PlainLine]:
    """One line per measure the patient answered (lower numbers mean less trouble on every
    questionnaire acuback uses), plus painkillers when recorded twice or more."""
    lines = [_line(o) for o in outcome.progress.instruments
             if o.instrument not in NOT_A_MEASURE_OF_CHANGE]
    pk = outcome.progress.painkillers
    if pk.baseline is not None and pk.latest is not None:
        tone = TONE.get(pk.verdict, "neutral") if pk.verdict is not None else "neutral"
        lines.append(PlainLine(
            "painkillers", "Painkillers",
            f"{pk.baseline.days_per_week} days a week at the start, "
            f"{pk.latest.days_per_week} days a week at your last visit.", tone))
    return lines
