"""Importing red-flag screens and their referral outcomes (acuback.interop.resources.screening):
checked with the rest of the Bundle before anything is written, then written through the
screening app's own services (`screening_record`, `referral_record`), so the same rules and
audit apply as on the screening page. acuback decides every screen from its answers; a file's
decision that differs is reported, never stored.

Never over a screen the clinic already holds: an episode that had a screen before this import
keeps its own, and the file's screens for it (and their referral outcomes) are left out with
a warning. Who screened is matched by NPI to a clinician of this clinic; when none matches,
the screen is recorded as by the one importing, and the warning names the file's screener.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from acuback.episodes.models import Episode
from acuback.interop.bundle import (
    Bundle,
    Entry,
    clinician,
    existing_episode,
    guarded,
    known_record,
    remember,
)
from acuback.interop.parsing import Problems, day, episode_reference, instant
from acuback.interop.resources import screening as fhir
from acuback.screening.models import Decision, ReferralOutcome, Screening
from acuback.screening.selectors import screening_queryset
from acuback.screening.services import Recorded, referral_record, screening_record


def screens(state: Bundle) -> list[Entry]:
    return [e for e in state.of_type("Observation") if fhir.is_screening(e.resource)]


def referrals(state: Bundle) -> list[Entry]:
    return [e for e in state.of_type("Observation") if fhir.is_referral(e.resource)]


def is_screening_data(resource: dict[str, Any]) -> bool:
    return fhir.is_screening(resource) or fhir.is_referral(resource)


def _screen_of(state: Bundle, entry: Entry) -> Entry | Screening | None:
    """The screen a referral outcome follows: in this Bundle, or one of the clinic's own."""
    for derived in entry.resource.get("derivedFrom") or []:
        reference = (derived or {}).get("reference")
        target = state.target(reference, "Observation")
        if target is not None and fhir.is_screening(target.resource):
            return target
        pk = str(reference or "").removeprefix(f"Observation/{fhir.SCREENING_PREFIX}")
        if pk.isdigit():
            found = screening_queryset(state.actor).filter(pk=int(pk)).first()
            if found is not None:
                return found
    return None


# --- check ------------------------------------------------------------------------------------


def check(state: Bundle, problems: Problems) -> None:
    for entry in screens(state):
        reference = episode_reference(entry.resource)
        if state.target(reference, "EpisodeOfCare") is None and existing_episode(
                state, reference) is None:
            problems.error(f"{entry.where}.extension", "must name its EpisodeOfCare "
                                                       "(workflow-episodeOfCare), in this "
                                                       "Bundle or of your clinic.", "required")
        day(entry.resource.get("effectiveDateTime"), f"{entry.where}.effectiveDateTime",
            problems, required=True)
        instant(entry.resource.get("issued"), f"{entry.where}.issued", problems, required=False)
        fhir.screening_answers(entry.resource, entry.where, problems)
    for entry in referrals(state):
        outcome = fhir.value_code(entry.resource, fhir.OUTCOME_SYSTEM)
        if outcome not in ReferralOutcome.values:
            problems.error(f"{entry.where}.valueCodeableConcept",
                           f"code the outcome in {fhir.OUTCOME_SYSTEM}: one of "
                           f"{', '.join(ReferralOutcome.values)}.", "value")
        if _screen_of(state, entry) is None:
            problems.error(f"{entry.where}.derivedFrom", "must name the red-flag screen it "
                                                         "follows, in this Bundle or of your "
                                                         "clinic.", "required")
        if instant(entry.resource.get("effectiveDateTime"), f"{entry.where}.effectiveDateTime",
                   problems, required=False) is None:
            problems.error(f"{entry.where}.effectiveDateTime", "needs the date and time the "
                                                               "outcome was recorded.",
                           "required")


# --- write ------------------------------------------------------------------------------------


def write(state: Bundle, problems: Problems) -> None:
    """Screens first, oldest first (so the latest stays the one that counts), then referral
    outcomes in the order they were recorded."""
    before = _screened_before(state)
    for entry in sorted(screens(state), key=lambda e: str(e.resource.get("issued") or "")):
        guarded(state, entry, problems,
                lambda s, e, p: _import_screening(s, e, p, before))  # noqa: B023
    for entry in sorted(referrals(state),
                        key=lambda e: str(e.resource.get("effectiveDateTime") or "")):
        guarded(state, entry, problems, _import_referral)


def _screened_before(state: Bundle) -> set[int]:
    """The episodes the file's screens belong to that hold a screen already (read once the
    episodes are imported, before any screen is)."""
    episodes = [_episode(state, entry) for entry in screens(state)]
    return {e.pk for e in episodes if e is not None and e.screenings.exists()}


def _episode(state: Bundle, entry: Entry) -> Episode | None:
    """The screen's episode: made from this Bundle, or the clinic's own (None when the
    episode's own entry failed, which refuses the Bundle anyway)."""
    reference = episode_reference(entry.resource)
    care = state.target(reference, "EpisodeOfCare")
    episode = state.made.get(care.index) if care is not None else existing_episode(
        state, reference)
    return episode if isinstance(episode, Episode) else None


def _recorder(state: Bundle, entry: Entry, problems: Problems) -> Any:
    reference = ((entry.resource.get("performer") or [{}])[0] or {}).get("reference")
    found = clinician(state, reference)
    if found.user is None:
        problems.warn(f"{entry.where}.performer",
                      f"no clinician of your clinic has the NPI of {found.words}: recorded "
                      "as by you.")
        return state.actor
    return found.user


def _import_screening(state: Bundle, entry: Entry, problems: Problems, before: set[int]
                      ) -> None:
    known = known_record(state, entry, fhir.KIND_SCREENING)
    if known is not None:
        state.made[entry.index] = screening_queryset(state.actor).get(pk=known)
        state.result.existing.append(f"Observation/{fhir.SCREENING_PREFIX}{known}")
        return
    episode = _episode(state, entry)
    if episode is None:
        return
    if episode.pk in before:
        problems.warn(entry.where, f"EpisodeOfCare/{episode.pk} already has a red-flag screen "
                                   "of this clinic: the file's screen is not written beside "
                                   "it.")
        return
    answers, at_once = fhir.screening_answers(entry.resource, entry.where, problems)
    at = instant(entry.resource.get("issued"), entry.where, problems,
                 required=False) or timezone.now()
    screening = screening_record(
        actor=state.actor, episode=episode, flags=answers,
        screened_on=day(entry.resource.get("effectiveDateTime"), entry.where, problems,
                        required=True),
        recorded=Recorded(by=_recorder(state, entry, problems), at=at, marked_no=at_once))
    theirs = fhir.value_code(entry.resource, fhir.DECISION_SYSTEM)
    if theirs is not None and theirs != screening.decision:
        problems.warn(f"{entry.where}.valueCodeableConcept",
                      f"the file says {theirs}; acuback screens these answers "
                      f"{Decision(screening.decision).value} and stored its own decision.")
    remember(state, entry, fhir.KIND_SCREENING, screening,
             f"Observation/{fhir.SCREENING_PREFIX}{screening.pk}")


def _import_referral(state: Bundle, entry: Entry, problems: Problems) -> None:
    known = known_record(state, entry, fhir.KIND_REFERRAL)
    if known is not None:
        state.result.existing.append(f"Observation/{fhir.REFERRAL_PREFIX}{known}")
        return
    target = _screen_of(state, entry)
    screening = target if isinstance(target, Screening) or target is None else state.made.get(
        target.index)
    if not isinstance(screening, Screening):
        problems.warn(entry.where, "its red-flag screen was not imported: nor is it.")
        return
    at = instant(entry.resource.get("effectiveDateTime"), entry.where, problems, required=False)
    assert at is not None  # noqa: S101 - checked before writing
    note = " ".join(str(n.get("text", "")) for n in entry.resource.get("note") or [])
    referral = referral_record(
        actor=state.actor, screening=screening, note=note,
        outcome=str(fhir.value_code(entry.resource, fhir.OUTCOME_SYSTEM)),
        recorded=Recorded(by=_recorder(state, entry, problems), at=at))
    remember(state, entry, fhir.KIND_REFERRAL, referral,
             f"Observation/{fhir.REFERRAL_PREFIX}{referral.pk}")
