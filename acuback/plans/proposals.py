"""The prescriber's proposal for an episode, and the safety check of any point against it.

The prescriber (`acuback.clinical.prescribing`) is pure; this module builds its input from the
episode (region, side, radiation, chronicity) and the patient's health history, and keeps the
answer together with what it needs to judge a point the practitioner adds by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from acuback.clinical.acupoints import Acupoint, catalogue
from acuback.clinical.contraindications import DECISIVE, Question
from acuback.clinical.prescribing import (
    Prescription,
    PrescriptionInputError,
    exclusion_reasons,
    prescribe_data,
)
from acuback.episodes.models import Episode
from acuback.errors import InputError
from acuback.patients.models import HealthHistory, ImplantedDevice

NO_NEEDLING_TAG = "no_needling"

# The catalogue's safety tags in words, for badges. Tags that are a caution for every patient
# (lung, vessel, depth) are shown but need no override; the ones this patient's
# contraindications turn into exclusions do (see `Proposal.exclusion`).
TAG_WORDS: dict[str, str] = {
    "pregnancy_avoid": "avoid in pregnancy",
    "pneumothorax_risk": "lung beneath",
    "no_estim_chest": "no e-stim (chest)",
    "major_vessel_nerve": "vessel or nerve beneath",
    "no_deep_needling": "shallow only",
    "no_needling": "not needled",
}


@dataclass(frozen=True)
class Proposal:
    request: dict[str, Any]  # exactly what the prescriber was asked
    prescription: Prescription
    catalogue_version: str
    # Questions the patient answered "no" in the portal, not yet confirmed by a clinician: the
    # prescriber was told "not known" (HealthHistory.care_answer), the page says why.
    unconfirmed: frozenset[Question] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        """The snapshot a plan keeps."""
        return {
            "request": self.request,
            **self.prescription.to_dict(),
            "contraindications": [c.to_dict() for c in self.prescription.contraindications],
            "needle_cap": self.prescription.needle_cap,
            "not_asked": [q.value for q in self.prescription.unanswered],
            "catalogue_version": self.catalogue_version,
        }

    @property
    def not_asked(self) -> list[str]:
        """Health-history questions never asked, in words."""
        return [q.words for q in self.prescription.unanswered if q not in self.unconfirmed]

    @property
    def unconfirmed_words(self) -> list[str]:
        """The patient's own "no" answers a clinician has still to confirm, in words."""
        return [q.words for q in self.prescription.unanswered if q in self.unconfirmed]

    @property
    def blocking_questions(self) -> list[str]:
        """Unasked questions that decide points or e-stim: no plan can be saved until they
        are answered ("no history, no plan", as "no screen, no plan")."""
        return [q.words for q in self.prescription.unanswered if q in DECISIVE]

    @property
    def pattern(self) -> str:
        return str(self.request.get("pattern") or "")

    @property
    def estim_requested(self) -> bool:
        return bool(self.request.get("estim_requested"))

    def proposed(self, code: str) -> str | None:
        """The why of a proposed point, or None when the prescriber did not propose it."""
        return next((p.why for p in self.prescription.points if p.code == code), None)

    def exclusion(self, point: Acupoint) -> str | None:
        """Why this point must not be used for this patient without an explicit override: the
        prescriber excluded it, the patient's contraindications rule it out (e.g. a point
        tagged pregnancy_avoid for a pregnant patient), or it is not a needling point at all.
        None when it may be used."""
        excluded = {x.code: x.why for x in self.prescription.excluded}
        if point.code in excluded:
            return excluded[point.code]
        reasons = exclusion_reasons(point, self.prescription.contraindications)
        if NO_NEEDLING_TAG in point.tags:
            reasons.append("not a needling point (catalogue tag no_needling)")
        return "; ".join(reasons) or None


def badges(point: Acupoint) -> list[tuple[str, str]]:
    """(tag, words) for every safety tag of the point, in a fixed order."""
    return [(tag, words) for tag, words in TAG_WORDS.items() if tag in point.tags]


def prescriber_request(
    episode: Episode, health: HealthHistory | None, *, pattern: str | None,
    estim_requested: bool,
) -> dict[str, Any]:
    """The prescriber's input: the episode's complaint plus every health-history item that can
    change the points (the contraindications module decides what each one does)."""
    h = health if health is not None else HealthHistory()  # never written: nothing asked
    # What a clinician asked or confirmed; a patient's own unconfirmed "no" is not known yet
    # (HealthHistory.care_answer), so it blocks a plan as a question never asked does.
    a = h.care_answer
    device, regions = a("implanted_device"), a("skin_lesion_regions")
    pregnant = a("pregnant")
    return {
        "region": episode.region,
        "side": episode.side,
        "radiation": episode.radiation,
        "chronicity": episode.chronicity.value,
        "pattern": pattern or None,
        "estim_requested": estim_requested,
        "pregnant": pregnant,
        "pregnancy_weeks": h.pregnancy_weeks if pregnant else None,
        "anticoagulant": a("anticoagulant"),
        "bleeding_disorder": a("bleeding_disorder"),
        "implanted_device": None if device is None else device != ImplantedDevice.NONE,
        "needle_phobia": a("needle_phobia"),
        "skin_lesion_regions": None if regions is None else list(regions),
        "epilepsy": a("epilepsy"),
        "immunosuppression": a("immunosuppressed"),
        "diabetes": a("diabetes"),
        "metal_allergy": a("metal_allergy"),
    }


def unconfirmed_noes(health: HealthHistory | None) -> frozenset[Question]:
    """The questions whose stored answer is the patient's own unconfirmed "no"."""
    if health is None:
        return frozenset()
    core = {"immunosuppressed": "immunosuppression"}  # the core's name for it
    return frozenset(Question(core.get(k, k)) for k in health.unconfirmed
                     if health.care_answer(k) is None)


def propose(request: dict[str, Any]) -> Proposal:
    try:
        prescription = prescribe_data(request)
    except PrescriptionInputError as exc:
        raise InputError({"pattern": [str(exc)]} if "pattern" in str(exc) else str(exc)) from exc
    return Proposal(request=request, prescription=prescription,
                    catalogue_version=catalogue().version)
