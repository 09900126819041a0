"""Locations are our own words: none shares a run of 8 consecutive words with any location text
TARA holds (the WHO 2008 wording and the older textbook wording)."""

from __future__ import annotations

import re

from acuback.clinical.acupoints import Catalogue
from tests.clinical.acupoints.conftest import Tara

RUN = 8
WORD = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")


def _runs(text: str) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def test_it_shares_no_eight_word_run_with_tara_location_text(cat: Catalogue, tara: Tara) -> None:
    theirs: set[tuple[str, ...]] = set()
    for text in tara.location_texts:
        theirs |= _runs(text)
    assert len(theirs) > 5000  # the oracle really loaded the WHO text
    copied = {p.code: sorted(_runs(p.location) & theirs)[0] for p in cat.all()
              if _runs(p.location) & theirs}
    assert copied == {}


def test_the_copy_check_catches_a_copied_sentence(tara: Tara) -> None:
    who = next(text for text in tara.location_texts if len(text.split()) > 12)
    assert _runs(who) & _runs("Lumbar region: " + who)


def test_it_locates_every_point_in_a_sentence_of_its_own(cat: Catalogue) -> None:
    locations = [p.location for p in cat.all()]
    assert all(len(text.split()) >= 4 for text in locations)
    assert len(set(locations)) == len(locations)
