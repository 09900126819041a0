"""A patient's own scores in plain words, written by us (no questionnaire text is copied).

Each sentence says what the number means on that questionnaire, how it compares with the
patient's first answer, and whether a change of that size is one that usually matters (the
minimal important change the instrument's definition carries, e.g. 5 points on the RMDQ,
Ostelo 2008). Nothing here diagnoses: the practitioner goes through results at the next visit.
"""

from __future__ import annotations

from acuback.clinical import instruments

# What a lower total means, in the patient's words.
LOWER_MEANS = {
    "rmdq": "your back gets in the way of fewer everyday things",
    "odi": "your back limits your daily life less",
    "nrs": "less pain",
    "peg": "pain gets in the way of your life less",
    "isi": "you are sleeping better",
    "pss10": "you feel less stressed",
    "phq9": "fewer signs of low mood",
    "gad7": "fewer signs of anxiety",
    "phq4": "fewer signs of anxiety and low mood",
    "startback": "a lower chance that back pain keeps troubling you",
}


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def result_words(instrument: str, total: float, baseline: float | None) -> list[str]:
    definition = instruments.get(instrument)
    if definition.mic.improved_codes:  # the PGIC rates change itself
        return [_rating_words(definition, total)]
    top = definition.total_range[1]
    lines = [f"Your score: {_fmt(total)} out of {_fmt(top)}."]
    meaning = LOWER_MEANS.get(definition.id)
    if meaning:
        lines.append(f"On this questionnaire a lower score means {meaning}.")
    if baseline is None:
        lines.append("This is your first answer: later ones will be compared with it.")
        return lines
    change = instruments.assess_change(definition.id, baseline, total)
    better = change.improvement or 0
    if better > 0:
        lines.append(f"That is {_fmt(better)} points better than your first answer "
                     f"({_fmt(baseline)}).")
    elif better < 0:
        lines.append(f"That is {_fmt(-better)} points worse than your first answer "
                     f"({_fmt(baseline)}). Your practitioner will talk it through with you.")
    else:
        lines.append(f"That is the same as your first answer ({_fmt(baseline)}).")
    if change.meets_mic and better > 0:
        lines.append("A change this size is one people usually notice in daily life.")
    elif change.meets_mic is False and better > 0:
        lines.append("Smaller changes than the one that usually matters can come and go "
                     "from week to week.")
    return lines


def _rating_words(definition: instruments.Definition, total: float) -> str:
    option = next((o for o in definition.items[0].options if o.code == int(total)), None)
    said = option.label if option else _fmt(total)
    return f"You said your back is: {said}."
