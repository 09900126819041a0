"""Roland-Morris Disability Questionnaire, 24-item version: count of statements that apply."""

from __future__ import annotations

from collections.abc import Sequence

from acuback.clinical.instruments.definition import (
    Answer,
    Copyright,
    Definition,
    Item,
    MinimalImportantChange,
    Result,
    choices,
    summed_score,
)

_APPLIES = choices(("does not apply to me today", "applies to me today"))

# (key, our short label, the statement as printed by Roland & Fairbank, Spine 2000, appendix)
_STATEMENTS = (
    ("stay_home", "stays at home", "I stay at home most of the time because of my back."),
    (
        "change_position",
        "changes position often",
        "I change position frequently to try and get my back comfortable.",
    ),
    ("walk_slowly", "walks more slowly", "I walk more slowly than usual because of my back."),
    (
        "no_housework",
        "does no usual housework",
        "Because of my back I am not doing any of the jobs that I usually do around the house.",
    ),
    (
        "handrail",
        "uses a handrail upstairs",
        "Because of my back, I use a handrail to get upstairs.",
    ),
    ("lie_down", "lies down to rest more", "Because of my back, I lie down to rest more often."),
    (
        "hold_to_rise",
        "holds on to rise from an easy chair",
        "Because of my back, I have to hold on to something to get out of an easy chair.",
    ),
    (
        "others_help",
        "asks others to do things",
        "Because of my back, I try to get other people to do things for me.",
    ),
    (
        "dress_slowly",
        "dresses more slowly",
        "I get dressed more slowly than usual because of my back.",
    ),
    (
        "stand_briefly",
        "stands only briefly",
        "I only stand for short periods of time because of my back.",
    ),
    (
        "no_bending",
        "avoids bending or kneeling",
        "Because of my back, I try not to bend or kneel down.",
    ),
    (
        "chair_difficult",
        "difficulty getting out of a chair",
        "I find it difficult to get out of a chair because of my back.",
    ),
    ("constant_pain", "pain almost all the time", "My back is painful almost all the time."),
    (
        "turn_in_bed",
        "difficulty turning over in bed",
        "I find it difficult to turn over in bed because of my back.",
    ),
    ("appetite", "poor appetite", "My appetite is not very good because of my back pain."),
    (
        "socks",
        "trouble putting on socks",
        "I have trouble putting on my socks (or stockings) because of the pain in my back.",
    ),
    ("walk_short", "walks only short distances", "I only walk short distances because of my back."),
    ("sleep_less", "sleeps less well", "I sleep less well because of my back."),
    (
        "dress_help",
        "needs help to dress",
        "Because of my back pain, I get dressed with help from someone else.",
    ),
    ("sit_most", "sits most of the day", "I sit down for most of the day because of my back."),
    (
        "avoid_heavy_jobs",
        "avoids heavy jobs at home",
        "I avoid heavy jobs around the house because of my back.",
    ),
    (
        "irritable",
        "more irritable",
        "Because of my back pain, I am more irritable and bad tempered with people than usual.",
    ),
    (
        "stairs_slowly",
        "climbs stairs more slowly",
        "Because of my back, I go upstairs more slowly than usual.",
    ),
    ("stay_in_bed", "stays in bed", "I stay in bed most of the time because of my back."),
)

DEFINITION = Definition(
    id="rmdq",
    name="Roland-Morris Disability Questionnaire (24 items)",
    short_name="RMDQ",
    version="rmdq-24/acuback-1",
    items=tuple(
        Item(key=key, label=label, text=text, options=_APPLIES) for key, label, text in _STATEMENTS
    ),
    recall_period="today",
    instructions=(
        "Here are things people with back pain say about themselves. Mark each one that "
        "describes you today, and leave the others unmarked."
    ),
    total_range=(0, 24),
    total_unit="{score}",
    bands=(),  # no official bands (Roland & Morris); scores below 4 or above 20 change little
    # Ostelo 2008: 5 points or 30 % improvement.
    mic=MinimalImportantChange(
        points=5, percent=30, source="Ostelo et al., Spine 2008;33(1):90-94"
    ),
    copyright=Copyright(
        holder="Martin Roland and Richard Morris",
        terms=(
            "Free: the form as printed in Roland & Fairbank, Spine 2000;25:3115-3124 needs no "
            "permission from the authors or the journal."
        ),
        url="https://www.rmdq.org",
        wording_free=True,
    ),
    source="Roland M, Morris R. Spine 1983;8:141-144",
    # No LOINC codes found for the RMDQ (DOMAIN.md 1.2): the score uses our local code.
)


def score(answers: Sequence[Answer]) -> Result:
    # On paper an unticked statement scores 0, so "missing" cannot be seen; in electronic
    # capture each statement is asked, and acuback allows none to be skipped (DOMAIN.md Part 1).
    return summed_score(DEFINITION, answers)
