"""Oswestry Disability Index, version 2.1a: ten sections scored 0-5, reported as a percentage."""

from __future__ import annotations

from collections.abc import Sequence

from acuback.clinical.instruments.definition import (
    Answer,
    Band,
    Copyright,
    Definition,
    Item,
    MinimalImportantChange,
    Option,
    Result,
    band_for,
    check_answers,
)

# ODI wording is (c) J. Fairbank, licensed through Mapi Research Trust: we ship the structure,
# our own section labels and neutral option labels; a clinic loads its licensed wording.
_LEVELS = tuple(
    Option(
        n, {0: "level 0 (least disability)", 5: "level 5 (most disability)"}.get(n, f"level {n}")
    )
    for n in range(6)
)

_SECTIONS = (
    ("pain_intensity", "pain intensity"),
    ("personal_care", "personal care"),
    ("lifting", "lifting"),
    ("walking", "walking"),
    ("sitting", "sitting"),
    ("standing", "standing"),
    ("sleeping", "sleeping"),
    ("sex_life", "sex life (if applicable)"),
    ("social_life", "social life"),
    ("travelling", "travelling"),
)

# acuback's missing-section rule (DOMAIN.md Part 1): a total needs at least 8 of the 10
# sections. Fairbank allows scoring on fewer in theory; this floor is our decision.
MIN_ANSWERED = 8

DEFINITION = Definition(
    id="odi",
    name="Oswestry Disability Index",
    short_name="ODI",
    version="odi-2.1a/acuback-1",
    items=tuple(Item(key=key, label=label, options=_LEVELS) for key, label in _SECTIONS),
    recall_period="current (no fixed recall period)",
    instructions=(
        "In each section, choose the one statement that best describes you today. If two seem "
        "to fit, choose the higher-numbered one. Skip the sex life section if it does not apply."
    ),
    total_range=(0, 100),
    total_unit="%",
    # Fairbank's bands, applied to the unrounded percentage (DOMAIN.md Part 1):
    # 0-20 minimal, >20-40 moderate, >40-60 severe, >60-80 crippled, >80-100 bed-bound.
    bands=(
        Band(0, 20, "minimal"),
        Band(20, 40, "moderate"),
        Band(40, 60, "severe"),
        Band(60, 80, "crippled"),
        Band(80, 100, "bed-bound"),
    ),
    # Ostelo 2008: 10 points or 30 % improvement is the minimal important change on the ODI.
    mic=MinimalImportantChange(
        points=10, percent=30, source="Ostelo et al., Spine 2008;33(1):90-94"
    ),
    copyright=Copyright(
        holder="(c) Jeremy Fairbank 1980; distributed by Mapi Research Trust (ePROVIDE)",
        terms=(
            "Free for clinical practice, students and non-funded academic use; fees may apply to "
            "funded academic, healthcare organisation, commercial and IT users. Obtain the "
            "wording and a licence from Mapi Research Trust."
        ),
        url="https://eprovide.mapi-trust.org/instruments/oswestry-disability-index",
        wording_free=False,
    ),
    source="Fairbank JCT, Pynsent PB. The Oswestry Disability Index. Spine 2000;25:2940-2952",
    loinc_total="97909-6",  # no LOINC panel or item codes found for the ten sections
    max_missing=2,
    extras=("answered",),
)


def score(answers: Sequence[Answer]) -> Result:
    check_answers(DEFINITION, answers)
    given = [a for a in answers if a is not None]
    answered = len(given)
    if answered < MIN_ANSWERED:
        reason = f"odi needs at least {MIN_ANSWERED} of 10 sections answered, got {answered}"
        return Result("odi", None, None, reason, answered=answered, extras=DEFINITION.extras)
    # Fairbank: score = sum / (5 x sections answered) x 100. Multiply first: 100 * 10 / 50 is
    # exactly 20.0, whereas 10 / 50 * 100 is 20.000000000000004 and would cross a band edge.
    total = 100 * sum(given) / (5 * answered)
    return Result(
        "odi", total, band_for(DEFINITION, total), answered=answered, extras=DEFINITION.extras
    )
