"""Patient Health Questionnaire, 9 items (PHQ-9): depression severity."""

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
    complete,
    skipped_reason,
)

# The PHQ family's answer scale, with LOINC's answer codes (answer list LL358-3; the NLM
# LHC-Forms PHQ-9 in reference/ carries the same codes with ordinal values 0-3).
FREQUENCY = (
    Option(0, "Not at all", loinc="LA6568-5"),
    Option(1, "Several days", loinc="LA6569-3"),
    Option(2, "More than half the days", loinc="LA6570-1"),
    Option(3, "Nearly every day", loinc="LA6571-9"),
)

PFIZER = Copyright(
    holder="(c) Pfizer Inc.; developed by Drs Robert L. Spitzer, Janet B.W. Williams, "
    "Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc.",
    terms="No permission required to reproduce, translate, display or distribute.",
    url="https://www.phqscreeners.com",
    wording_free=True,
)

TWO_WEEK_STEM = (
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
)

# Item wording as published (free to reproduce); LOINC item codes from DOMAIN.md 1.6.
_ITEMS = (
    (
        "interest",
        "little interest or pleasure",
        "Little interest or pleasure in doing things",
        "44250-9",
    ),
    ("down", "feeling down or hopeless", "Feeling down, depressed, or hopeless", "44255-8"),
    (
        "sleep",
        "sleep problems",
        "Trouble falling or staying asleep, or sleeping too much",
        "44259-0",
    ),
    ("tired", "tired, little energy", "Feeling tired or having little energy", "44254-1"),
    ("appetite", "poor appetite or overeating", "Poor appetite or overeating", "44251-7"),
    (
        "failure",
        "feeling bad about oneself",
        "Feeling bad about yourself \N{EM DASH} or that you are a failure or have let yourself "
        "or your family down",
        "44258-2",
    ),
    (
        "concentration",
        "trouble concentrating",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "44252-5",
    ),
    (
        "psychomotor",
        "slowed down or restless",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite "
        "\N{EM DASH} being so fidgety or restless that you have been moving around a lot more "
        "than usual",
        "44253-3",
    ),
    (
        "self_harm",
        "thoughts of death or self-harm",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
        "44260-8",
    ),
)

DEFINITION = Definition(
    id="phq9",
    name="Patient Health Questionnaire (PHQ-9)",
    short_name="PHQ-9",
    version="phq9/acuback-1",
    items=tuple(
        Item(key=key, label=label, text=text, options=FREQUENCY, loinc=loinc)
        for key, label, text, loinc in _ITEMS
    ),
    recall_period="past 2 weeks",
    instructions=TWO_WEEK_STEM,
    total_range=(0, 27),
    total_unit="{score}",
    # Kroenke 2001 severity bands, as pinned in DOMAIN.md Part 1.
    bands=(
        Band(0, 4, "minimal"),
        Band(5, 9, "mild"),
        Band(10, 14, "moderate"),
        Band(15, 19, "moderately severe"),
        Band(20, 27, "severe"),
    ),
    # DOMAIN.md: report the change only; the often-quoted 5 points is unconfirmed and the
    # published estimates depend strongly on baseline severity (Bauer-Staeb 2021).
    mic=MinimalImportantChange(
        points=None, percent=None, source="report change only (Bauer-Staeb et al. 2021)"
    ),
    copyright=PFIZER,
    source="Kroenke K, Spitzer RL, Williams JBW. J Gen Intern Med 2001;16(9):606-613",
    loinc_panel="44249-1",
    loinc_total="44261-6",
    extras=("item9_positive",),
)


def score(answers: Sequence[Answer]) -> Result:
    check_answers(DEFINITION, answers)
    # Item 9 is a safety flag whatever the total (DOMAIN.md 1.6): any answer above 0 to the
    # self-harm item starts the suicide-risk workflow. It is reported even when other items
    # were skipped, because the flag does not depend on them.
    item9 = answers[8]
    flag = None if item9 is None else item9 > 0
    extras = DEFINITION.extras
    reason = skipped_reason(DEFINITION, answers)
    if reason is not None:
        return Result("phq9", None, None, reason, item9_positive=flag, extras=extras)
    total = sum(complete(answers))
    return Result("phq9", total, band_for(DEFINITION, total), item9_positive=flag, extras=extras)
