"""PROMIS Short Form v1.0 - Fatigue 4a: four items scored 1-5, reported as a T-score.

PROMIS wording is copyrighted (PROMIS Health Organization, distributed by HealthMeasures): free
for clinical use, but software integration needs written permission. We ship the structure, our
own short labels and neutral answer labels, and the published scoring table; a clinic loads its
licensed wording with `acuback instruments load-wording`.
"""

from __future__ import annotations

from collections.abc import Sequence

from acuback.clinical.instruments.definition import (
    Answer,
    Copyright,
    Definition,
    Item,
    MinimalImportantChange,
    Option,
    Result,
    check_answers,
    complete,
    skipped_reason,
)

_LEVELS = tuple(
    Option(n, {1: "level 1 (least fatigue)", 5: "level 5 (most fatigue)"}.get(n, f"level {n}"))
    for n in range(1, 6)
)

# Item keys from the PROMIS item identifiers (HI7, AN3, FATEXP41, FATEXP40), in the short form's
# order; the labels are ours.
_ITEMS = (
    ("hi7", "feeling fatigued"),
    ("an3", "trouble starting things because of tiredness"),
    ("fatexp41", "how run-down, on average"),
    ("fatexp40", "how fatigued, on average"),
)

# Raw summed score (4-20) -> (T-score, standard error), the look-up table published in the
# HealthMeasures PROMIS Fatigue scoring manual for Short Form v1.0 - Fatigue 4a (the same four
# items and table as the PROMIS-29 v2.0 fatigue domain). Checked value by value against two
# independent public reproductions of the manual's table (see the instruments README).
T_SCORES: dict[int, tuple[float, float]] = {
    4: (33.7, 4.9), 5: (39.7, 3.1), 6: (43.1, 2.7), 7: (46.0, 2.6), 8: (48.6, 2.5),
    9: (51.0, 2.5), 10: (53.1, 2.4), 11: (55.1, 2.4), 12: (57.0, 2.3), 13: (58.8, 2.3),
    14: (60.7, 2.3), 15: (62.7, 2.4), 16: (64.6, 2.4), 17: (66.7, 2.4), 18: (69.0, 2.5),
    19: (71.6, 2.7), 20: (75.8, 3.9),
}

DEFINITION = Definition(
    id="fatigue4a",
    name="PROMIS Short Form v1.0 - Fatigue 4a",
    short_name="PROMIS Fatigue 4a",
    version="promis-fatigue-4a-v1.0/acuback-1",
    items=tuple(Item(key=key, label=label, options=_LEVELS) for key, label in _ITEMS),
    recall_period="past 7 days",
    instructions="For each question, choose the one answer that fits your past 7 days best.",
    total_range=(33.7, 75.8),
    total_unit="{T-score}",
    # HealthMeasures gives only general severity cut points across PROMIS domains; we show the
    # T-score without bands rather than assume them for fatigue.
    bands=(),
    # MID of the PROMIS-29 fatigue domain in chronic low back pain: 7.75 T points (Thai cLBP
    # study, n = 183; DOMAIN.md 1.11). One study, larger than PROMIS's general 2-6 points:
    # conservative for claims of improvement.
    mic=MinimalImportantChange(
        points=7.75, percent=None,
        source="PROMIS-29 MIDs in chronic low back pain, Chulalongkorn University "
        "(cuir.car.chula.ac.th/xmlui/handle/123456789/69391)",
    ),
    copyright=Copyright(
        holder="(c) PROMIS Health Organization; distributed by HealthMeasures",
        terms=(
            "English and Spanish forms are free for clinical practice and research; commercial "
            "use and integration into software need written permission from HealthMeasures, "
            "and electronic administration its Electronic Administration Permission. Obtain "
            "the wording there."
        ),
        url="https://www.healthmeasures.net/explore-measurement-systems/promis/obtain-administer-measures",
        wording_free=False,
    ),
    source="HealthMeasures. PROMIS Fatigue scoring manual (Short Form v1.0 - Fatigue 4a); "
    "Cella D et al., J Clin Epidemiol 2010;63:1179-1194",
    extras=("raw_score", "standard_error"),
)


def score(answers: Sequence[Answer]) -> Result:
    check_answers(DEFINITION, answers)
    # The look-up table is for complete responses; PROMIS points to its scoring service for
    # others, so a skipped item gives no T-score (our choice).
    reason = skipped_reason(DEFINITION, answers)
    if reason is not None:
        return Result(DEFINITION.id, None, None, reason, extras=DEFINITION.extras)
    raw = sum(complete(answers))
    t_score, error = T_SCORES[raw]
    return Result(DEFINITION.id, t_score, None, raw_score=raw, standard_error=error,
                  extras=DEFINITION.extras)
