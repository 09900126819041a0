"""Red-flag screening for back pain before acupuncture.

A pure function: `screen(parse_screening_input(data))` turns an age and a set of yes/no red flags
into a decision (clear < routine < urgent < emergency), the flags that fired and why, and an
action in plain words. The rules are the ones pinned in DOMAIN.md Part 1 ("Red-flag screening
decisions"), drawn from:

- AHCPR 1994 clinical practice guideline, table of red flags (fracture, tumour/infection,
  cauda equina syndrome): https://www.ncbi.nlm.nih.gov/books/NBK52120/table/A34364/
- Verhagen AP et al., Eur Spine J 2016;25:2788-2802: review of red flags in 16 guidelines
  (major trauma and steroid use for fracture; history of cancer and weight loss for malignancy).
- NICE NG59 (2016, updated 2020) 1.1.1: exclude cancer, infection, trauma and inflammatory
  disease such as spondyloarthritis before treating as nonspecific low back pain.

Our conservative choice ("a red flag must never be missed"): every flag answered yes fires, and a
flag that did not take part in a more serious rule still makes the decision at least `routine`.
That covers flags the pinned rules only use in combination (osteoporosis, minor trauma, fever,
immunosuppression, IV drug use, recent bacterial infection, a history of cancer at 50 or under)
and thoracic pain, which no pinned rule names.

Where the pinned rules are silent we keep to them rather than invent new combinations: two weak
flags together (say unexplained weight loss and night pain without a history of cancer) stay
`routine`, and long-term steroids with fever stay `routine` (the pinned infection rule names
immunosuppression, which the intake form asks about separately).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ScreeningInputError(ValueError):
    """The screening input is not what `parse_screening_input` accepts."""


class Decision(StrEnum):
    """Outcome of the screen, least to most serious (the declaration order is the rank)."""

    CLEAR = "clear"
    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return list(Decision).index(self)


class Flag(StrEnum):
    """The red flags asked at intake. The declaration order is the order `fired` lists them in."""

    SADDLE_ANAESTHESIA = "saddle_anaesthesia"
    BLADDER_DYSFUNCTION = "bladder_dysfunction"
    BOWEL_INCONTINENCE = "bowel_incontinence"
    PROGRESSIVE_NEURO_DEFICIT = "progressive_neuro_deficit"
    MAJOR_TRAUMA = "major_trauma"
    MINOR_TRAUMA = "minor_trauma"
    OSTEOPOROSIS = "osteoporosis"
    LONG_TERM_STEROIDS = "long_term_steroids"
    HISTORY_OF_CANCER = "history_of_cancer"
    UNEXPLAINED_WEIGHT_LOSS = "unexplained_weight_loss"
    NIGHT_PAIN = "night_pain"
    FEVER = "fever"
    IV_DRUG_USE = "iv_drug_use"
    IMMUNOSUPPRESSION = "immunosuppression"
    RECENT_BACTERIAL_INFECTION = "recent_bacterial_infection"
    MORNING_STIFFNESS = "morning_stiffness"
    ONSET_BEFORE_45 = "onset_before_45"
    THORACIC_PAIN = "thoracic_pain"


class Category(StrEnum):
    """The kind of serious pathology a flag points to."""

    CAUDA_EQUINA = "cauda_equina"
    FRACTURE = "fracture"
    MALIGNANCY = "malignancy"
    INFECTION = "infection"
    INFLAMMATORY = "inflammatory"
    # Thoracic pain is a red flag in several of the guidelines Verhagen 2016 reviewed, without a
    # single pathology behind it; we keep it as its own category so that it still fires and is
    # reported, but does not by itself make the episode "not nonspecific" for coverage.
    THORACIC = "thoracic"


# Categories that name a specific (systemic or structural) cause: any of them firing means the
# back pain is not "nonspecific" in the sense of Medicare NCD 30.3.3 and NICE NG59 1.1.1.
SPECIFIC_CATEGORIES: frozenset[Category] = frozenset(
    {
        Category.CAUDA_EQUINA,
        Category.FRACTURE,
        Category.MALIGNANCY,
        Category.INFECTION,
        Category.INFLAMMATORY,
    }
)

CATEGORY_OF: dict[Flag, Category] = {
    Flag.SADDLE_ANAESTHESIA: Category.CAUDA_EQUINA,
    Flag.BLADDER_DYSFUNCTION: Category.CAUDA_EQUINA,
    Flag.BOWEL_INCONTINENCE: Category.CAUDA_EQUINA,
    Flag.PROGRESSIVE_NEURO_DEFICIT: Category.CAUDA_EQUINA,
    Flag.MAJOR_TRAUMA: Category.FRACTURE,
    Flag.MINOR_TRAUMA: Category.FRACTURE,
    Flag.OSTEOPOROSIS: Category.FRACTURE,
    # AHCPR 1994 and Verhagen 2016 list steroid use under fracture (steroid-induced bone loss).
    Flag.LONG_TERM_STEROIDS: Category.FRACTURE,
    Flag.HISTORY_OF_CANCER: Category.MALIGNANCY,
    Flag.UNEXPLAINED_WEIGHT_LOSS: Category.MALIGNANCY,
    Flag.NIGHT_PAIN: Category.MALIGNANCY,
    Flag.FEVER: Category.INFECTION,
    Flag.IV_DRUG_USE: Category.INFECTION,
    Flag.IMMUNOSUPPRESSION: Category.INFECTION,
    Flag.RECENT_BACTERIAL_INFECTION: Category.INFECTION,
    Flag.MORNING_STIFFNESS: Category.INFLAMMATORY,
    Flag.ONSET_BEFORE_45: Category.INFLAMMATORY,
    Flag.THORACIC_PAIN: Category.THORACIC,
}

# Plain-words yes/no questions for the intake form, written for patients (our own wording).
FLAG_QUESTIONS: dict[str, str] = {
    Flag.SADDLE_ANAESTHESIA: (
        "Since your back pain began, have you had numbness or tingling in the area you would sit "
        "on (between the legs, around the back passage or the buttocks)?"
    ),
    Flag.BLADDER_DYSFUNCTION: (
        "Have you recently had new trouble passing urine, been unable to tell when your bladder "
        "is full, or leaked urine without meaning to?"
    ),
    Flag.BOWEL_INCONTINENCE: (
        "Have you recently lost control of your bowels or been unable to feel when you need to "
        "open them?"
    ),
    Flag.PROGRESSIVE_NEURO_DEFICIT: (
        "Is weakness or numbness in one or both legs getting worse, for example tripping over "
        "your foot or your knee giving way?"
    ),
    Flag.MAJOR_TRAUMA: (
        "Did your back pain start after a serious accident, such as a car crash or a fall from "
        "a height?"
    ),
    Flag.MINOR_TRAUMA: (
        "Did your back pain start after a small fall, a knock, or lifting something heavy?"
    ),
    Flag.OSTEOPOROSIS: (
        "Have you been told you have osteoporosis (thin or weak bones), or broken a bone in a "
        "minor fall?"
    ),
    Flag.LONG_TERM_STEROIDS: (
        "Have you taken steroid tablets or injections (such as prednisolone) for more than a "
        "few months?"
    ),
    Flag.HISTORY_OF_CANCER: "Have you ever been treated for cancer?",
    Flag.UNEXPLAINED_WEIGHT_LOSS: ("Have you lost weight recently without trying to?"),
    Flag.NIGHT_PAIN: (
        "Does your back pain keep you awake or wake you at night, and stay bad whatever "
        "position you lie in?"
    ),
    Flag.FEVER: ("Have you had a fever, chills or night sweats since your back pain began?"),
    Flag.IV_DRUG_USE: "Have you ever injected drugs that were not prescribed for you?",
    Flag.IMMUNOSUPPRESSION: (
        "Do you have a condition or take a medicine that weakens your immune system (for "
        "example after a transplant, chemotherapy, or HIV)?"
    ),
    Flag.RECENT_BACTERIAL_INFECTION: (
        "In the last few weeks, have you had an infection treated with antibiotics, such as a "
        "urine or skin infection?"
    ),
    Flag.MORNING_STIFFNESS: (
        "Is your back stiff for more than half an hour when you get up in the morning, and does "
        "it loosen up when you move about?"
    ),
    Flag.ONSET_BEFORE_45: "Did this back trouble first start before you were 45?",
    Flag.THORACIC_PAIN: (
        "Is your pain mainly in the middle or upper back (between or below the shoulder "
        "blades), rather than the lower back?"
    ),
}

# AHCPR 1994 lists "age > 50" with cancer risk; DOMAIN.md pins it as strictly greater than 50.
CANCER_AGE_OVER = 50
MIN_AGE = 0
MAX_AGE = 120

CAUDA_EQUINA_FLAGS: tuple[Flag, ...] = (
    Flag.SADDLE_ANAESTHESIA,
    Flag.BLADDER_DYSFUNCTION,
    Flag.BOWEL_INCONTINENCE,
    Flag.PROGRESSIVE_NEURO_DEFICIT,
)

_CATEGORY_WORDS: dict[Category, str] = {
    Category.CAUDA_EQUINA: "cauda equina syndrome",
    Category.FRACTURE: "fracture",
    Category.MALIGNANCY: "malignancy",
    Category.INFECTION: "spinal infection",
    Category.INFLAMMATORY: "inflammatory back disease",
    Category.THORACIC: "a cause of thoracic pain",
}


@dataclass(frozen=True)
class ScreeningInput:
    age: int
    flags: frozenset[Flag]


@dataclass(frozen=True)
class FiredFlag:
    flag: Flag
    category: Category
    why: str
    # The decision this flag supports on its own or through the rule it took part in.
    level: Decision

    def to_dict(self) -> dict[str, str]:
        return {"flag": self.flag.value, "category": self.category.value, "why": self.why}


@dataclass(frozen=True)
class ScreeningResult:
    decision: Decision
    fired: tuple[FiredFlag, ...]
    action: str

    @property
    def blocks_treatment(self) -> bool:
        """True when no needling may happen until the patient has been assessed."""
        return self.decision.rank >= Decision.URGENT.rank

    @property
    def nonspecific(self) -> bool:
        """False when any flag pointing to a specific cause fired (coverage eligibility)."""
        return not any(f.category in SPECIFIC_CATEGORIES for f in self.fired)

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision.value,
            "fired": [f.to_dict() for f in self.fired],
            "action": self.action,
        }


# --- input -----------------------------------------------------------------------------------


def parse_screening_input(data: object) -> ScreeningInput:
    """Validate `{"age": int, "flags": {flag_id: bool}}`; raise ScreeningInputError if wrong."""
    if not isinstance(data, Mapping):
        raise ScreeningInputError("screening input must be a JSON object with 'age' and 'flags'")
    unknown_keys = sorted(set(data) - {"age", "flags"})
    if unknown_keys:
        raise ScreeningInputError(
            f"unknown key(s) {', '.join(map(repr, unknown_keys))}; expected 'age' and 'flags'"
        )
    return ScreeningInput(age=_parse_age(data), flags=_parse_flags(data))


def _parse_age(data: Mapping[str, object]) -> int:
    if "age" not in data:
        raise ScreeningInputError("'age' is required (a whole number of years, 0-120)")
    age = data["age"]
    # bool is a subclass of int in Python; a true/false age is a form error, not age 1 or 0.
    if isinstance(age, bool) or not isinstance(age, int):
        raise ScreeningInputError(f"'age' must be a whole number of years, got {age!r}")
    if not MIN_AGE <= age <= MAX_AGE:
        raise ScreeningInputError(f"'age' must be between {MIN_AGE} and {MAX_AGE}, got {age}")
    return age


def _parse_flags(data: Mapping[str, object]) -> frozenset[Flag]:
    # 'flags' is required (it may be empty): a missing object more likely means the screen was
    # not done than that every answer was no, and "clear" must never come from a lost form.
    if "flags" not in data:
        raise ScreeningInputError("'flags' is required (an object of flag id -> true/false)")
    flags = data["flags"]
    if not isinstance(flags, Mapping):
        raise ScreeningInputError("'flags' must be an object of flag id -> true/false")
    valid = {f.value for f in Flag}
    chosen: set[Flag] = set()
    for key, value in flags.items():
        if key not in valid:
            raise ScreeningInputError(
                f"unknown flag id {key!r}; valid flag ids: {', '.join(f.value for f in Flag)}"
            )
        if not isinstance(value, bool):
            raise ScreeningInputError(f"flag {key!r} must be true or false, got {value!r}")
        if value:
            chosen.add(Flag(key))
    return frozenset(chosen)


# --- rules -----------------------------------------------------------------------------------


def screen(data: ScreeningInput) -> ScreeningResult:
    """Apply the pinned rules; every flag that is true appears once in `fired`."""
    found: dict[Flag, FiredFlag] = {}
    for rule in (_cauda_equina, _fracture, _malignancy, _infection):
        for hit in rule(data):
            found.setdefault(hit.flag, hit)  # rules run most serious first
    for flag in data.flags - found.keys():
        found[flag] = _weak_flag(flag)
    fired = tuple(sorted(found.values(), key=lambda f: (-f.level.rank, list(Flag).index(f.flag))))
    decision = max((f.level for f in fired), key=lambda d: d.rank, default=Decision.CLEAR)
    return ScreeningResult(decision=decision, fired=fired, action=_action(decision, fired))


def _action(decision: Decision, fired: tuple[FiredFlag, ...]) -> str:
    """The instruction for the practitioner, naming what the driving flags suggest."""
    drivers = [f.category for f in fired if f.level == decision]
    suspected = " or ".join(_CATEGORY_WORDS[c] for c in dict.fromkeys(drivers))
    if decision == Decision.EMERGENCY:
        return (
            "Do not treat. Possible cauda equina syndrome: send the patient for emergency "
            "assessment today (emergency department)."
        )
    if decision == Decision.URGENT:
        return (
            f"Do not needle. Refer the patient to their doctor for urgent assessment of possible "
            f"{suspected} before any acupuncture."
        )
    if decision == Decision.ROUTINE:
        return (
            f"Treatment may go ahead with care. Refer the patient to their doctor for a routine "
            f"assessment (possible {suspected}), and screen again if symptoms change."
        )
    return "No red flags reported: acupuncture may go ahead. Screen again if new symptoms appear."


def screen_data(data: object) -> ScreeningResult:
    """Parse then screen: the one call an interface needs."""
    return screen(parse_screening_input(data))


def _fire(flag: Flag, level: Decision, why: str) -> FiredFlag:
    return FiredFlag(flag=flag, category=CATEGORY_OF[flag], why=why, level=level)


def _cauda_equina(data: ScreeningInput) -> list[FiredFlag]:
    # AHCPR 1994 (cauda equina syndrome): saddle anaesthesia, recent bladder dysfunction, severe
    # or progressive lower-limb neurological deficit; bowel incontinence (sphincter involvement).
    # DOMAIN.md pins any one of them alone as an emergency: same-day referral, no treatment.
    words = {
        Flag.SADDLE_ANAESTHESIA: "saddle anaesthesia",
        Flag.BLADDER_DYSFUNCTION: "new bladder dysfunction",
        Flag.BOWEL_INCONTINENCE: "bowel incontinence",
        Flag.PROGRESSIVE_NEURO_DEFICIT: "progressive neurological deficit in the legs",
    }
    return [
        _fire(f, Decision.EMERGENCY, f"{words[f]}: possible cauda equina syndrome (AHCPR 1994)")
        for f in CAUDA_EQUINA_FLAGS
        if f in data.flags
    ]


def _fracture(data: ScreeningInput) -> list[FiredFlag]:
    # AHCPR 1994: major trauma, or minor trauma in an older or osteoporotic patient; Verhagen
    # 2016: major trauma and steroid use are the fracture flags most guidelines endorse.
    flags = data.flags
    fired: list[FiredFlag] = []
    if Flag.MAJOR_TRAUMA in flags:
        fired.append(
            _fire(
                Flag.MAJOR_TRAUMA,
                Decision.URGENT,
                "major trauma: possible vertebral fracture (AHCPR 1994)",
            )
        )
    bone_risk = [f for f in (Flag.OSTEOPOROSIS, Flag.LONG_TERM_STEROIDS) if f in flags]
    if Flag.MINOR_TRAUMA in flags and bone_risk:
        risks = " and ".join(_WORDS[f] for f in bone_risk)
        why = f"minor trauma with {risks}: possible fragility fracture (AHCPR 1994)"
        fired.append(_fire(Flag.MINOR_TRAUMA, Decision.URGENT, why))
        fired += [_fire(f, Decision.URGENT, why) for f in bone_risk]
    return fired


def _malignancy(data: ScreeningInput) -> list[FiredFlag]:
    # AHCPR 1994 and Verhagen 2016: history of cancer is the strongest single malignancy flag;
    # DOMAIN.md pins it as urgent with age over 50, unexplained weight loss or night pain.
    flags = data.flags
    if Flag.HISTORY_OF_CANCER not in flags:
        return []
    reasons: list[str] = []
    if data.age > CANCER_AGE_OVER:
        reasons.append(f"age over {CANCER_AGE_OVER} ({data.age})")
    companions = [f for f in (Flag.UNEXPLAINED_WEIGHT_LOSS, Flag.NIGHT_PAIN) if f in flags]
    reasons += [_WORDS[f] for f in companions]
    if not reasons:
        return []
    why = f"history of cancer with {' and '.join(reasons)}: possible malignancy (AHCPR 1994)"
    return [_fire(f, Decision.URGENT, why) for f in (Flag.HISTORY_OF_CANCER, *companions)]


def _infection(data: ScreeningInput) -> list[FiredFlag]:
    # AHCPR 1994: fever with risk factors for spinal infection (recent bacterial infection such
    # as a urinary tract infection, IV drug use, immunosuppression).
    flags = data.flags
    if Flag.FEVER not in flags:
        return []
    risks = [
        f
        for f in (Flag.IV_DRUG_USE, Flag.IMMUNOSUPPRESSION, Flag.RECENT_BACTERIAL_INFECTION)
        if f in flags
    ]
    if not risks:
        return []
    risk_words = " and ".join(_WORDS[f] for f in risks)
    why = f"fever with {risk_words}: possible spinal infection (AHCPR 1994)"
    return [_fire(f, Decision.URGENT, why) for f in (Flag.FEVER, *risks)]


def _weak_flag(flag: Flag) -> FiredFlag:
    """A flag that took part in no more serious rule: routine, never ignored."""
    return _fire(flag, Decision.ROUTINE, _WEAK_WHY[flag])


_WORDS: dict[Flag, str] = {
    Flag.OSTEOPOROSIS: "osteoporosis",
    Flag.LONG_TERM_STEROIDS: "long-term steroid use",
    Flag.UNEXPLAINED_WEIGHT_LOSS: "unexplained weight loss",
    Flag.NIGHT_PAIN: "night pain",
    Flag.IV_DRUG_USE: "IV drug use",
    Flag.IMMUNOSUPPRESSION: "immunosuppression",
    Flag.RECENT_BACTERIAL_INFECTION: "a recent bacterial infection",
}

# Why each flag fires at `routine` when no more serious rule used it. The first five are the weak
# flags DOMAIN.md pins as routine; the rest are our never-miss rule (see the module docstring).
_WEAK_WHY: dict[Flag, str] = {
    Flag.UNEXPLAINED_WEIGHT_LOSS: (
        "unexplained weight loss on its own: weak flag for malignancy (AHCPR 1994, Verhagen 2016)"
    ),
    Flag.NIGHT_PAIN: (
        "non-mechanical night pain on its own: weak flag for malignancy (AHCPR 1994)"
    ),
    Flag.LONG_TERM_STEROIDS: (
        "long-term steroid use on its own: weak flag for fracture (Verhagen 2016)"
    ),
    Flag.MORNING_STIFFNESS: (
        "morning stiffness over 30 minutes easing with exercise: inflammatory pattern, possible "
        "spondyloarthritis (NICE NG59)"
    ),
    Flag.ONSET_BEFORE_45: (
        "onset before 45: part of the inflammatory pattern, possible spondyloarthritis (NICE NG59)"
    ),
    Flag.MINOR_TRAUMA: (
        "minor trauma without osteoporosis or steroid use: fracture unlikely but not excluded "
        "(never-miss rule)"
    ),
    Flag.OSTEOPOROSIS: ("osteoporosis without trauma: raised fracture risk (never-miss rule)"),
    Flag.HISTORY_OF_CANCER: (
        f"history of cancer at age {CANCER_AGE_OVER} or under without weight loss or night "
        "pain: malignancy less likely but not excluded (never-miss rule)"
    ),
    Flag.FEVER: (
        "fever without a risk factor for spinal infection: infection not excluded (never-miss rule)"
    ),
    Flag.IV_DRUG_USE: (
        "IV drug use without fever: risk factor for spinal infection (never-miss rule)"
    ),
    Flag.IMMUNOSUPPRESSION: (
        "immunosuppression without fever: risk factor for spinal infection (never-miss rule)"
    ),
    Flag.RECENT_BACTERIAL_INFECTION: (
        "recent bacterial infection without fever: risk factor for spinal infection "
        "(never-miss rule)"
    ),
    Flag.THORACIC_PAIN: (
        "thoracic pain: a red flag in several guidelines (Verhagen 2016) with no single cause; "
        "assess (never-miss rule)"
    ),
}
# Cauda equina flags and major trauma always fire through their own rule, so they need no entry
# here; a test checks that every other flag has one.
