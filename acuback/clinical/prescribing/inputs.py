"""What the prescriber is asked, and the checks on it (one exception type for every problem)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from acuback.clinical.contraindications import BodyRegion, HealthHistory, HealthHistoryError
from acuback.clinical.prescribing.vocabulary import Chronicity, Pattern, Radiation, Region, Side


class PrescriptionInputError(ValueError):
    """The prescription request is not what `parse_prescription_input` accepts."""


@dataclass(frozen=True)
class PrescriptionInput:
    region: Region
    side: Side
    radiation: Radiation
    chronicity: Chronicity
    pattern: Pattern | None = None
    history: HealthHistory = field(default_factory=HealthHistory)
    estim_requested: bool = False


_VOCABULARIES: dict[str, type[Region | Side | Radiation | Chronicity]] = {
    "region": Region,
    "side": Side,
    "radiation": Radiation,
    "chronicity": Chronicity,
}
# Health-history answers: true (yes), false (no), or null / missing (not asked). A question not
# asked is unknown, never "no": the prescriber says so in its warnings and will not allow e-stim
# while a question that could forbid it is open. The first six are the contract's, the rest
# extend it so that every contraindication can reach the prescriber.
_HISTORY_FLAGS = (
    "pregnant",
    "anticoagulant",
    "bleeding_disorder",
    "implanted_device",
    "needle_phobia",
    "epilepsy",
    "immunosuppression",
    "diabetes",
    "metal_allergy",
)
_OTHER_KEYS = ("pattern", "pregnancy_weeks", "skin_lesion_regions", "estim_requested")
KNOWN_KEYS: tuple[str, ...] = (*_VOCABULARIES, *_OTHER_KEYS, *_HISTORY_FLAGS)


def parse_prescription_input(data: object) -> PrescriptionInput:
    """Validate a request object; raise PrescriptionInputError naming the first problem."""
    if not isinstance(data, Mapping):
        raise PrescriptionInputError("the prescription request must be a JSON object")
    unknown = sorted(str(k) for k in data if k not in KNOWN_KEYS)
    if unknown:
        raise PrescriptionInputError(
            f"unknown key(s) {', '.join(map(repr, unknown))}; known keys: {', '.join(KNOWN_KEYS)}"
        )
    try:
        flag = {name: _answer(data, name) for name in _HISTORY_FLAGS}
        history = HealthHistory(
            pregnant=flag["pregnant"],
            pregnancy_weeks=_weeks(data),
            anticoagulant=flag["anticoagulant"],
            bleeding_disorder=flag["bleeding_disorder"],
            implanted_device=flag["implanted_device"],
            needle_phobia=flag["needle_phobia"],
            skin_lesion_regions=_regions(data),
            epilepsy=flag["epilepsy"],
            immunosuppression=flag["immunosuppression"],
            diabetes=flag["diabetes"],
            metal_allergy=flag["metal_allergy"],
        )
    except HealthHistoryError as exc:
        raise PrescriptionInputError(str(exc)) from exc
    return PrescriptionInput(
        region=Region(_choice(data, "region")),
        side=Side(_choice(data, "side")),
        radiation=Radiation(_choice(data, "radiation")),
        chronicity=Chronicity(_choice(data, "chronicity")),
        pattern=_pattern(data),
        history=history,
        estim_requested=_boolean(data, "estim_requested"),
    )


def _choice(data: Mapping[str, object], name: str) -> str:
    vocabulary = _VOCABULARIES[name]
    allowed = ", ".join(v.value for v in vocabulary)
    if name not in data:
        raise PrescriptionInputError(f"'{name}' is required (one of {allowed})")
    value = data[name]
    if not isinstance(value, str) or value not in {v.value for v in vocabulary}:
        raise PrescriptionInputError(f"'{name}' must be one of {allowed}; got {value!r}")
    return value


def _pattern(data: Mapping[str, object]) -> Pattern | None:
    value = data.get("pattern")
    if value is None:
        return None
    if not isinstance(value, str) or value not in {p.value for p in Pattern}:
        allowed = ", ".join(p.value for p in Pattern)
        raise PrescriptionInputError(f"'pattern' must be one of {allowed} or null; got {value!r}")
    return Pattern(value)


def _answer(data: Mapping[str, object], name: str) -> bool | None:
    value = data.get(name)
    if value is not None and not isinstance(value, bool):
        raise PrescriptionInputError(
            f"'{name}' must be true, false or null (not asked); got {value!r}")
    return value


def _boolean(data: Mapping[str, object], name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise PrescriptionInputError(f"'{name}' must be true or false; got {value!r}")
    return value


def _weeks(data: Mapping[str, object]) -> int | None:
    value = data.get("pregnancy_weeks")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise PrescriptionInputError(f"'pregnancy_weeks' must be a whole number; got {value!r}")
    return value


def _regions(data: Mapping[str, object]) -> frozenset[BodyRegion] | None:
    value = data.get("skin_lesion_regions")
    if value is None:
        return None  # not asked; [] is "asked: no broken skin anywhere"
    if not isinstance(value, list) or not all(isinstance(r, str) for r in value):
        raise PrescriptionInputError(
            "'skin_lesion_regions' must be a list of body region names, or null (not asked)")
    valid = {r.value for r in BodyRegion}
    unknown = sorted(set(value) - valid)
    if unknown:
        raise PrescriptionInputError(
            f"unknown body region(s) {', '.join(map(repr, unknown))} in 'skin_lesion_regions'; "
            f"valid regions: {', '.join(r.value for r in BodyRegion)}"
        )
    return frozenset(BodyRegion(r) for r in value)
