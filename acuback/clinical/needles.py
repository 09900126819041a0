"""Needle accounting: every needle put in must come out, or the record must say why not.

Forgotten and stray needles are among the commonest avoidable acupuncture incidents: in the
UK SAFA audit of 31,822 consultations, five needles were left in patients and two patients
were forgotten (White et al., BMJ 2001;323:485). So a visit whose count of needles removed
differs from the count inserted cannot be signed until the practitioner gives one of the
reasons below; those that leave open whether a needle is still in the patient file an adverse
event (type "retained needle") as well. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MismatchReason(StrEnum):
    FOUND_OUTSIDE = "found_outside"
    INSERTION_MISCOUNTED = "insertion_miscounted"
    NEEDLE_SHOCK = "needle_shock"
    BROKEN = "broken"
    NOT_FOUND = "not_found"
    OTHER = "other"


@dataclass(frozen=True)
class ReasonRule:
    words: str
    may_be_retained: bool  # a needle may still be in the patient: files an adverse event
    needs_note: bool


REASONS: dict[MismatchReason, ReasonRule] = {
    MismatchReason.FOUND_OUTSIDE: ReasonRule(
        "A needle came out by itself and was found outside the patient (floor, couch, "
        "clothing) and disposed of", False, False),
    MismatchReason.INSERTION_MISCOUNTED: ReasonRule(
        "More came out than were counted in: the insertion count was wrong", False, True),
    MismatchReason.NEEDLE_SHOCK: ReasonRule(
        "Needles came out in a hurry for needle shock (fainting) and not all were counted",
        True, False),
    MismatchReason.BROKEN: ReasonRule(
        "A needle broke; part of it may be left in the patient", True, False),
    MismatchReason.NOT_FOUND: ReasonRule(
        "A needle is missing and was not found: it may still be in the patient", True, False),
    MismatchReason.OTHER: ReasonRule(
        "Another reason (say what happened)", True, True),
}


@dataclass(frozen=True)
class NeedleCheck:
    inserted: int
    removed: int
    reason: MismatchReason | None
    problem: str | None  # why the visit cannot be signed; None when it can

    @property
    def balanced(self) -> bool:
        return self.inserted == self.removed

    @property
    def still_in(self) -> int:
        """Needles counted in and not yet out (never negative)."""
        return max(self.inserted - self.removed, 0)

    @property
    def may_be_retained(self) -> bool:
        """Signing with this count means a needle may be left in the patient."""
        return (not self.balanced and self.reason is not None
                and REASONS[self.reason].may_be_retained)


def needle_check(inserted: int, removed: int, reason: str = "", note: str = "") -> NeedleCheck:
    """Whether a visit with these counts may be signed, and what the reason implies."""
    if inserted < 0 or removed < 0:
        return NeedleCheck(inserted, removed, None, "Needle counts cannot be negative.")
    if inserted == removed:
        return NeedleCheck(inserted, removed, None, None)
    chosen = _reason(reason)
    if chosen is None:
        return NeedleCheck(inserted, removed, None, (
            f"{inserted} needle{_s(inserted)} went in and {removed} came out. Count again, "
            "or record why the counts differ before signing."))
    problem = _reason_problem(chosen, inserted, removed, note)
    return NeedleCheck(inserted, removed, chosen, problem)


def _reason(reason: str) -> MismatchReason | None:
    try:
        return MismatchReason(reason) if reason else None
    except ValueError:
        return None


def _reason_problem(reason: MismatchReason, inserted: int, removed: int, note: str) -> str | None:
    if REASONS[reason].needs_note and not note.strip():
        return "Say in a few words what happened to the needle count."
    if reason == MismatchReason.INSERTION_MISCOUNTED and removed < inserted:
        return ("Fewer needles came out than went in: a miscounted insertion cannot explain "
                "that; find the needle or choose another reason.")
    if reason != MismatchReason.INSERTION_MISCOUNTED and removed > inserted:
        return ("More needles came out than went in: correct the insertion count, or choose "
                "'the insertion count was wrong'.")
    return None


def _s(n: int) -> str:
    return "" if n == 1 else "s"
