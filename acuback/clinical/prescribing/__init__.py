"""Proposing acupoints for back pain: trial protocols first, then every safety filter.

    request = parse_prescription_input({"region": "lumbar", "side": "left", ...})
    result = prescribe(request)          # a Prescription; result.to_dict() for JSON

Every proposed point is in the acupoint catalogue, allowed for this patient, and carries a why
naming its source. Ashi (tender) points have no catalogue code, so they are never in `points`;
a warning asks the practitioner to add them on examination.
"""

from __future__ import annotations

from acuback.clinical.prescribing.engine import (
    ChosenPoint,
    EstimDecision,
    ExcludedPoint,
    Prescription,
    candidates,
    exclusion_reasons,
    place,
    prescribe,
)
from acuback.clinical.prescribing.inputs import (
    KNOWN_KEYS,
    PrescriptionInput,
    PrescriptionInputError,
    parse_prescription_input,
)
from acuback.clinical.prescribing.vocabulary import (
    Chronicity,
    Pattern,
    Radiation,
    Region,
    Role,
    Side,
)

__all__ = [
    "KNOWN_KEYS",
    "ChosenPoint",
    "Chronicity",
    "EstimDecision",
    "ExcludedPoint",
    "Pattern",
    "Prescription",
    "PrescriptionInput",
    "PrescriptionInputError",
    "Radiation",
    "Region",
    "Role",
    "Side",
    "candidates",
    "exclusion_reasons",
    "parse_prescription_input",
    "place",
    "prescribe",
    "prescribe_data",
]


def prescribe_data(data: object) -> Prescription:
    """Parse then prescribe: the one call an interface needs."""
    return prescribe(parse_prescription_input(data))
