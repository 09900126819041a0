"""Contraindications and precautions for (electro)acupuncture, from the health history.

`assess(history)` turns a `HealthHistory` into `Contraindication`s, each with machine-readable
`effects` that the prescriber applies (`acuback.clinical.prescribing`) and a plain-words `why`
naming its source.

Severity is the standing of the condition for acupuncture as a whole:
- `absolute`: do not needle this patient at all (the effects include `forbid_needling`).
- `relative`: acupuncture may go ahead, with the effects applied.
Effects are binding whatever the severity: an implanted pacemaker is a relative contraindication
(manual needling is fine) whose `forbid_estim` effect is not negotiable.

Sources (DOMAIN.md 4.2):
- Sierpina VS, Frenkel MA. South Med J 2005;98:330-7: needle phobia, local skin infection or
  ulcers at the site, no e-stim over the heart or brain or near implanted electrical devices,
  haemophilia and other severe bleeding disorders excluded.
- McMaster University acupuncture course list: coagulopathy including anticoagulants,
  immunocompromise, open or infected skin.
- Trial exclusion criteria: GERAC (Haake 2007) excluded bleeding disorders or anticoagulants,
  skin disease in the needling area, pregnancy, epilepsy; Cherkin 2009 excluded coagulation
  disorders, pacemakers, pregnancy, seizure disorder (Cochrane CD013814 tables).
- AACP 2012 guidelines for safe practice: avoid LI4, SP6, BL60, BL67 and BL31-BL34 in pregnancy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class HealthHistoryError(ValueError):
    """A `HealthHistory` that contradicts itself or uses an unknown value."""


class BodyRegion(StrEnum):
    """Body regions, as the acupoint catalogue's `REGIONS` names them (a test keeps them equal)."""

    HEAD = "head"
    FACE = "face"
    NECK = "neck"
    CHEST = "chest"
    ABDOMEN = "abdomen"
    UPPER_BACK = "upper_back"
    LOWER_BACK = "lower_back"
    SACRUM = "sacrum"
    BUTTOCK = "buttock"
    PERINEUM = "perineum"
    SHOULDER = "shoulder"
    UPPER_ARM = "upper_arm"
    ELBOW = "elbow"
    FOREARM = "forearm"
    WRIST = "wrist"
    HAND = "hand"
    THIGH = "thigh"
    KNEE = "knee"
    LOWER_LEG = "lower_leg"
    ANKLE = "ankle"
    FOOT = "foot"


class ContraindicationKind(StrEnum):
    PREGNANCY = "pregnancy"
    ANTICOAGULANT = "anticoagulant"
    BLEEDING_DISORDER = "bleeding_disorder"
    IMPLANTED_DEVICE = "implanted_device"
    NEEDLE_PHOBIA = "needle_phobia"
    SKIN_LESION = "skin_lesion"
    EPILEPSY = "epilepsy"
    IMMUNOSUPPRESSION = "immunosuppression"
    DIABETES = "diabetes"
    METAL_ALLERGY = "metal_allergy"


class Severity(StrEnum):
    ABSOLUTE = "absolute"
    RELATIVE = "relative"


class EffectKind(StrEnum):
    """What a contraindication changes. The first seven restrict the prescription; the rest are
    instructions for the practitioner (see `INSTRUCTIONS`)."""

    FORBID_NEEDLING = "forbid_needling"
    FORBID_ESTIM = "forbid_estim"
    EXCLUDE_TAG = "exclude_tag"  # value: a catalogue tag
    EXCLUDE_POINT = "exclude_point"  # value: a point code
    EXCLUDE_REGION = "exclude_region"  # value: a body region
    LIMIT_NEEDLES = "limit_needles"  # value: the most needles in one session
    PRESSURE_AFTER_REMOVAL = "pressure_after_removal"
    PATIENT_LYING_DOWN = "patient_lying_down"
    CONSIDER_ACUPRESSURE = "consider_acupressure"
    STRICT_ASEPSIS = "strict_asepsis"
    AVOID_BROKEN_SKIN = "avoid_broken_skin"
    INSPECT_SKIN = "inspect_skin"
    NICKEL_FREE_NEEDLES = "nickel_free_needles"


INSTRUCTIONS: dict[EffectKind, str] = {
    EffectKind.PRESSURE_AFTER_REMOVAL: (
        "apply firm pressure to each site after removing the needle until any bleeding stops"
    ),
    EffectKind.PATIENT_LYING_DOWN: "treat with the patient lying down",
    EffectKind.CONSIDER_ACUPRESSURE: (
        "start with very few needles and consider acupressure or non-penetrating stimulation"
    ),
    EffectKind.STRICT_ASEPSIS: (
        "use strict aseptic technique (clean skin, single-use sterile needles)"
    ),
    EffectKind.AVOID_BROKEN_SKIN: "never needle through broken, inflamed or infected skin",
    EffectKind.INSPECT_SKIN: (
        "inspect each site first, especially on the feet and lower legs; skip any with poor "
        "sensation, poor circulation or broken skin"
    ),
    EffectKind.NICKEL_FREE_NEEDLES: "use nickel-free needles (e.g. gold-plated, silver or coated)",
}

# Conventional caps (our choice; no cited source gives a number). Cherkin 2009 used 8 needles,
# so 10 keeps a full standard set possible for an anticoagulated patient; a phobic patient
# starts with fewer, to build tolerance.
ANTICOAGULANT_NEEDLE_CAP = 10
NEEDLE_PHOBIA_NEEDLE_CAP = 6

# AACP 2012: points to avoid in pregnancy. The catalogue tags them `pregnancy_avoid` too; we also
# name them here so that a gap in the tagging can never let one through.
AACP_PREGNANCY_POINTS: tuple[str, ...] = (
    "LI4",
    "SP6",
    "BL60",
    "BL67",
    "BL31",
    "BL32",
    "BL33",
    "BL34",
)

# Accept a gestation up to 45 weeks: beyond that the number is a typing error.
MAX_PREGNANCY_WEEKS = 45


@dataclass(frozen=True)
class Effect:
    kind: EffectKind
    value: str | int | None = None

    def __str__(self) -> str:
        """Machine-readable form: `forbid_estim`, `exclude_tag:pregnancy_avoid`, ..."""
        return self.kind.value if self.value is None else f"{self.kind.value}:{self.value}"

    @property
    def is_instruction(self) -> bool:
        return self.kind in INSTRUCTIONS


@dataclass(frozen=True)
class Contraindication:
    kind: ContraindicationKind
    severity: Severity
    effects: tuple[Effect, ...]
    why: str

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "severity": self.severity.value,
            "effects": [str(e) for e in self.effects],
            "why": self.why,
        }


class Question(StrEnum):
    """The health-history questions that change how (or whether) to needle. Each is answered
    yes, no, or not at all: `None` in `HealthHistory` means "not asked", never "no"."""

    PREGNANT = "pregnant"
    ANTICOAGULANT = "anticoagulant"
    BLEEDING_DISORDER = "bleeding_disorder"
    IMPLANTED_DEVICE = "implanted_device"
    NEEDLE_PHOBIA = "needle_phobia"
    SKIN_LESIONS = "skin_lesion_regions"
    EPILEPSY = "epilepsy"
    IMMUNOSUPPRESSION = "immunosuppression"
    DIABETES = "diabetes"
    METAL_ALLERGY = "metal_allergy"

    @property
    def words(self) -> str:
        """The question in a few plain words, for "Not asked: ..."."""
        return QUESTION_WORDS[self]


QUESTION_WORDS: dict[Question, str] = {
    Question.PREGNANT: "pregnancy",
    Question.ANTICOAGULANT: "blood thinners",
    Question.BLEEDING_DISORDER: "bleeding disorder",
    Question.IMPLANTED_DEVICE: "implanted electrical device",
    Question.NEEDLE_PHOBIA: "fear of needles",
    Question.SKIN_LESIONS: "broken or infected skin",
    Question.EPILEPSY: "epilepsy",
    Question.IMMUNOSUPPRESSION: "weakened immune system",
    Question.DIABETES: "diabetes",
    Question.METAL_ALLERGY: "metal allergy",
}


@dataclass(frozen=True)
class HealthHistory:
    """The parts of the health history that change how (or whether) to needle.

    Every answer is tri-state: True (yes), False (no), None (not asked; the default). A
    question never asked is unknown, not "no": `assess` finds nothing in it, and `unanswered`
    lists it so that every interface can say so. For the skin, None is "not asked" and an empty
    set is "asked: no broken skin anywhere"."""

    pregnant: bool | None = None
    pregnancy_weeks: int | None = None
    anticoagulant: bool | None = None
    bleeding_disorder: bool | None = None  # a severe one, e.g. haemophilia (`_bleeding_disorder`)
    implanted_device: bool | None = None  # pacemaker, ICD, medication pump, neurostimulator
    needle_phobia: bool | None = None
    skin_lesion_regions: frozenset[BodyRegion] | None = None
    epilepsy: bool | None = None
    immunosuppression: bool | None = None
    diabetes: bool | None = None
    metal_allergy: bool | None = None

    def __post_init__(self) -> None:
        weeks = self.pregnancy_weeks
        if weeks is not None:
            if isinstance(weeks, bool) or not isinstance(weeks, int):
                raise HealthHistoryError(f"pregnancy_weeks must be a whole number, got {weeks!r}")
            if not 0 <= weeks <= MAX_PREGNANCY_WEEKS:
                raise HealthHistoryError(
                    f"pregnancy_weeks must be between 0 and {MAX_PREGNANCY_WEEKS}, got {weeks}"
                )
            if self.pregnant is not True:
                raise HealthHistoryError("pregnancy_weeks is given but pregnant is not true")
        regions = self.skin_lesion_regions or frozenset()
        unknown = {str(r) for r in regions} - {r.value for r in BodyRegion}
        if unknown:
            raise HealthHistoryError(f"unknown body region(s): {', '.join(sorted(unknown))}")

    @classmethod
    def answered(cls, **answers: Any) -> HealthHistory:
        """Every question answered "no", except the ones given."""
        base: dict[str, Any] = {q.value: False for q in Question}
        base[Question.SKIN_LESIONS.value] = frozenset()
        return cls(**{**base, **answers})

    def answer(self, question: Question) -> object:
        return getattr(self, question.value)


def unanswered(history: HealthHistory) -> tuple[Question, ...]:
    """The questions never asked, in `Question` order."""
    return tuple(q for q in Question if history.answer(q) is None)


def assess(history: HealthHistory) -> tuple[Contraindication, ...]:
    """Every contraindication in the history, in a fixed order (the most restrictive first).
    Only a "yes" counts; an unanswered question is reported by `unanswered`, not here."""
    found: list[Contraindication] = []
    if history.bleeding_disorder is True:
        found.append(_bleeding_disorder())
    if history.pregnant is True:
        found.append(_pregnancy(history.pregnancy_weeks))
    if history.implanted_device is True:
        found.append(_implanted_device())
    if history.epilepsy is True:
        found.append(_epilepsy())
    if history.anticoagulant is True:
        found.append(_anticoagulant())
    if history.needle_phobia is True:
        found.append(_needle_phobia())
    regions = history.skin_lesion_regions or frozenset()
    found += [_skin_lesion(r) for r in BodyRegion if r in regions]
    if history.immunosuppression is True:
        found.append(_immunosuppression())
    if history.diabetes is True:
        found.append(_diabetes())
    if history.metal_allergy is True:
        found.append(_metal_allergy())
    return tuple(found)


# --- helpers the prescriber uses -----------------------------------------------------------


def effects_of(
    contraindications: Iterable[Contraindication], kind: EffectKind
) -> list[tuple[Effect, Contraindication]]:
    """Every effect of one kind, with the contraindication it came from (for its `why`)."""
    return [(e, c) for c in contraindications for e in c.effects if e.kind == kind]


def needle_cap(contraindications: Iterable[Contraindication]) -> int | None:
    """The smallest needle cap any contraindication sets, or None when none sets one."""
    caps = [
        int(e.value)
        for e, _ in effects_of(contraindications, EffectKind.LIMIT_NEEDLES)
        if e.value is not None
    ]
    return min(caps, default=None)


def instructions(contraindications: Iterable[Contraindication]) -> list[str]:
    """The practitioner instructions, once each, in the order first met."""
    kinds = [e.kind for c in contraindications for e in c.effects if e.is_instruction]
    return [INSTRUCTIONS[k] for k in dict.fromkeys(kinds)]


# --- one function per history item ---------------------------------------------------------


def _bleeding_disorder() -> Contraindication:
    # Sierpina 2005: "haemophilia and other severe bleeding disorders" are excluded; GERAC and
    # Cherkin 2009 excluded coagulation disorders too. Our decision: absolute means no needling
    # at all (the prescriber then proposes no points). A mild, controlled coagulopathy is a
    # clinical judgement outside this tool; the intake question asks about severe disorders.
    return Contraindication(
        kind=ContraindicationKind.BLEEDING_DISORDER,
        severity=Severity.ABSOLUTE,
        effects=(Effect(EffectKind.FORBID_NEEDLING), Effect(EffectKind.FORBID_ESTIM)),
        why="severe bleeding disorder (e.g. haemophilia): do not needle (Sierpina 2005; "
        "GERAC and Cherkin 2009 exclusions)",
    )


def _pregnancy(weeks: int | None) -> Contraindication:
    # AACP 2012: avoid LI4, SP6, BL60, BL67 and BL31-BL34; the catalogue's `pregnancy_avoid` tag
    # also carries the traditional forbidden points. E-stim: DOMAIN.md asks at least for none over
    # the abdomen or lumbosacral area; since back-pain e-stim sits exactly there, we forbid it
    # altogether (our conservative choice).
    when = f" ({weeks} weeks)" if weeks is not None else ""
    effects = (
        Effect(EffectKind.EXCLUDE_TAG, "pregnancy_avoid"),
        *(Effect(EffectKind.EXCLUDE_POINT, code) for code in AACP_PREGNANCY_POINTS),
        Effect(EffectKind.FORBID_ESTIM),
    )
    return Contraindication(
        kind=ContraindicationKind.PREGNANCY,
        severity=Severity.RELATIVE,
        effects=effects,
        why=f"pregnancy{when}: avoid points traditionally forbidden in pregnancy and the sacral "
        "foramina (AACP 2012); no e-stim (our conservative choice)",
    )


def _implanted_device() -> Contraindication:
    # Sierpina 2005: no electroacupuncture near implanted electrical devices (pacemaker, ICD,
    # medication pump). Cherkin 2009 excluded pacemakers from the whole trial; we keep manual
    # needling, which sends no current.
    return Contraindication(
        kind=ContraindicationKind.IMPLANTED_DEVICE,
        severity=Severity.RELATIVE,
        effects=(Effect(EffectKind.FORBID_ESTIM),),
        why="implanted electrical device (pacemaker, ICD, pump): no e-stim (Sierpina 2005)",
    )


def _epilepsy() -> Contraindication:
    # GERAC and Cherkin 2009 excluded epilepsy / seizure disorder. We keep manual needling with
    # the patient lying down (a seizure or faint cannot become a fall) and forbid e-stim.
    return Contraindication(
        kind=ContraindicationKind.EPILEPSY,
        severity=Severity.RELATIVE,
        effects=(Effect(EffectKind.FORBID_ESTIM), Effect(EffectKind.PATIENT_LYING_DOWN)),
        why="epilepsy: no e-stim, treat lying down (GERAC and Cherkin 2009 exclusions)",
    )


def _anticoagulant() -> Contraindication:
    # McMaster: coagulopathy including anticoagulants; GERAC excluded anticoagulant therapy.
    # Usually managed as a precaution (fine needles, pressure after removal), not a bar.
    return Contraindication(
        kind=ContraindicationKind.ANTICOAGULANT,
        severity=Severity.RELATIVE,
        effects=(
            Effect(EffectKind.LIMIT_NEEDLES, ANTICOAGULANT_NEEDLE_CAP),
            Effect(EffectKind.PRESSURE_AFTER_REMOVAL),
            Effect(EffectKind.EXCLUDE_TAG, "major_vessel_nerve"),
        ),
        why=f"anticoagulant: at most {ANTICOAGULANT_NEEDLE_CAP} needles, none over a major "
        "vessel, pressure after removal (McMaster; GERAC exclusion)",
    )


def _needle_phobia() -> Contraindication:
    # Sierpina 2005 lists needle phobia among the clinical exclusions; we treat it as relative:
    # few needles, lying down (fainting), and the offer of acupressure.
    return Contraindication(
        kind=ContraindicationKind.NEEDLE_PHOBIA,
        severity=Severity.RELATIVE,
        effects=(
            Effect(EffectKind.LIMIT_NEEDLES, NEEDLE_PHOBIA_NEEDLE_CAP),
            Effect(EffectKind.PATIENT_LYING_DOWN),
            Effect(EffectKind.CONSIDER_ACUPRESSURE),
        ),
        why=f"needle phobia: at most {NEEDLE_PHOBIA_NEEDLE_CAP} needles, lying down, consider "
        "acupressure (Sierpina 2005)",
    )


def _skin_lesion(region: BodyRegion) -> Contraindication:
    # Sierpina 2005: no needling through local skin infection, burns or ulcers; GERAC excluded
    # skin disease in the needling area. We exclude the whole catalogue region.
    words = region.value.replace("_", " ")
    return Contraindication(
        kind=ContraindicationKind.SKIN_LESION,
        severity=Severity.RELATIVE,
        effects=(Effect(EffectKind.EXCLUDE_REGION, region.value),),
        why=f"skin lesion on the {words}: no needles in that region (Sierpina 2005; GERAC "
        "exclusion)",
    )


def _immunosuppression() -> Contraindication:
    # McMaster: immunocompromise; needling infections are mostly bacterial from the skin at the
    # site (Xu 2013, DOMAIN.md 4.2).
    return Contraindication(
        kind=ContraindicationKind.IMMUNOSUPPRESSION,
        severity=Severity.RELATIVE,
        effects=(Effect(EffectKind.STRICT_ASEPSIS), Effect(EffectKind.AVOID_BROKEN_SKIN)),
        why="immunosuppression: higher infection risk; strict asepsis, no needling over "
        "lesions (McMaster; Xu 2013)",
    )


def _diabetes() -> Contraindication:
    # Not in the cited sources: conventional clinical practice, because poor healing,
    # neuropathy and poor circulation in the legs raise the risk of unnoticed injury and
    # infection. It changes technique (asepsis, checking sites), so we record it.
    return Contraindication(
        kind=ContraindicationKind.DIABETES,
        severity=Severity.RELATIVE,
        effects=(Effect(EffectKind.STRICT_ASEPSIS), Effect(EffectKind.INSPECT_SKIN)),
        why="diabetes: slower healing and possible neuropathy; strict asepsis, check sites on "
        "the feet and legs (conventional practice)",
    )


def _metal_allergy() -> Contraindication:
    # Not in the cited sources: stainless-steel needles contain nickel, so a metal (nickel)
    # allergy changes the needle used (conventional practice).
    return Contraindication(
        kind=ContraindicationKind.METAL_ALLERGY,
        severity=Severity.RELATIVE,
        effects=(Effect(EffectKind.NICKEL_FREE_NEEDLES),),
        why="metal allergy: steel needles contain nickel; use nickel-free needles "
        "(conventional practice)",
    )


# --- which questions decide the plan ------------------------------------------------------

# Effects that change which points may be used, or whether e-stim may: a question whose "yes"
# brings one of them must be answered before a plan is saved ("no history, no plan").
POINT_EFFECTS = frozenset({
    EffectKind.FORBID_NEEDLING, EffectKind.EXCLUDE_TAG, EffectKind.EXCLUDE_POINT,
    EffectKind.EXCLUDE_REGION, EffectKind.LIMIT_NEEDLES,
})


def _effects_of_yes(question: Question) -> frozenset[EffectKind]:
    yes: dict[str, Any] = {question.value: True}
    if question == Question.SKIN_LESIONS:
        yes = {question.value: frozenset({BodyRegion.LOWER_BACK})}
    history = HealthHistory(**yes)
    return frozenset(e.kind for c in assess(history) for e in c.effects)


# Derived from the rules above, so that a new effect can never leave a question out.
DECIDES_ESTIM: frozenset[Question] = frozenset(
    q for q in Question if EffectKind.FORBID_ESTIM in _effects_of_yes(q)
)
DECIDES_POINTS: frozenset[Question] = frozenset(
    q for q in Question if _effects_of_yes(q) & POINT_EFFECTS
)
DECISIVE: frozenset[Question] = DECIDES_ESTIM | DECIDES_POINTS
