"""Each definition against DOMAIN.md: items, codes, licences, LOINC codes, versions."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from acuback.clinical import instruments
from acuback.clinical.instruments import INSTRUMENTS
from tests.clinical.instruments.support import ITEM_RANGES, loinc_check_digit

IDS = sorted(ITEM_RANGES)

# DOMAIN.md section 1 and the quick summary table: (panel, total) where a code is given.
LOINC = {
    "nrs": (None, "72514-3"),
    "peg": ("91148-7", "91147-9"),
    "odi": (None, "97909-6"),
    "rmdq": (None, None),
    "startback": ("91349-1", "91351-7"),
    "phq9": ("44249-1", "44261-6"),
    "gad7": ("69737-5", "70274-6"),
    "phq4": ("69724-3", "70272-0"),
    "isi": (None, None),
    "pss10": ("106875-8", "106860-0"),
    "pgic": (None, None),
    "fatigue4a": (None, None),
    "stiffness": (None, None),
}

PHQ9_ITEMS = "44250-9 44255-8 44259-0 44254-1 44251-7 44258-2 44252-5 44253-3 44260-8".split()
GAD7_ITEMS = "69725-0 68509-9 69733-4 69734-2 69735-9 69689-8 69736-7".split()
PEG_ITEMS = "75893-8 91145-3 91146-1".split()

# Licensing (DOMAIN.md Part 1): Mapi-licensed wording must never ship; the non-commercial
# ones are not shipped either (acuback's decision, see the instruments README).
NOT_SHIPPED = {"odi", "isi", "startback", "pss10", "fatigue4a"}
SHIPPED = {"phq9", "gad7", "phq4", "rmdq", "peg", "nrs", "pgic", "stiffness"}


def test_it_registers_exactly_the_thirteen_instruments() -> None:
    assert sorted(INSTRUMENTS) == IDS


@pytest.mark.parametrize("instrument", IDS)
def test_it_has_the_published_number_of_items(instrument: str) -> None:
    assert len(instruments.get(instrument).items) == len(ITEM_RANGES[instrument])


@pytest.mark.parametrize("instrument", IDS)
def test_it_allows_exactly_the_published_codes_per_item(instrument: str) -> None:
    got = [sorted(item.codes) for item in instruments.get(instrument).items]
    assert got == [list(range(low, high + 1)) for low, high in ITEM_RANGES[instrument]]


@pytest.mark.parametrize("instrument", IDS)
def test_it_gives_each_item_a_unique_fhir_safe_key(instrument: str) -> None:
    keys = [item.key for item in instruments.get(instrument).items]
    assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", key) for key in keys)


@pytest.mark.parametrize("instrument", IDS)
def test_it_labels_every_item_and_option(instrument: str) -> None:
    definition = instruments.get(instrument)
    assert all(item.label.strip() for item in definition.items)
    assert all(o.label.strip() for item in definition.items for o in item.options)


@pytest.mark.parametrize("instrument", IDS)
def test_it_records_copyright_holder_terms_and_source(instrument: str) -> None:
    definition = instruments.get(instrument)
    assert definition.copyright.holder.strip()
    assert definition.copyright.terms.strip()
    assert definition.source.strip()


@pytest.mark.parametrize("instrument", IDS)
def test_it_names_the_acuback_scoring_version(instrument: str) -> None:
    assert re.fullmatch(r"[a-z0-9.-]+/acuback-\d+", instruments.get(instrument).version)


@pytest.mark.parametrize("instrument", sorted(NOT_SHIPPED))
def test_it_ships_no_wording_where_terms_forbid_it(instrument: str) -> None:
    definition = instruments.get(instrument)
    assert not definition.copyright.wording_free
    assert all(item.text is None for item in definition.items)


@pytest.mark.parametrize("instrument", sorted(SHIPPED))
def test_it_ships_wording_for_the_free_instruments(instrument: str) -> None:
    definition = instruments.get(instrument)
    assert definition.copyright.wording_free
    assert definition.ships_wording


@pytest.mark.parametrize("instrument", IDS)
def test_it_carries_the_loinc_panel_and_total_codes_from_domain(instrument: str) -> None:
    definition = instruments.get(instrument)
    assert (definition.loinc_panel, definition.loinc_total) == LOINC[instrument]


@pytest.mark.parametrize(
    ("instrument", "codes"), [("phq9", PHQ9_ITEMS), ("gad7", GAD7_ITEMS), ("peg", PEG_ITEMS)]
)
def test_it_carries_the_loinc_item_codes_in_published_order(
    instrument: str, codes: list[str]
) -> None:
    assert [item.loinc for item in instruments.get(instrument).items] == codes


def _all_loinc_terms() -> list[str]:
    found = []
    for definition in INSTRUMENTS.values():
        found += [definition.loinc_panel, definition.loinc_total]
        found += [item.loinc for item in definition.items]
        found += [code for _, code in definition.extras_loinc]
    return sorted({code for code in found if code})


@pytest.mark.parametrize("code", _all_loinc_terms())
def test_it_uses_loinc_codes_whose_check_digit_is_valid(code: str) -> None:
    number, digit = code.split("-")
    assert loinc_check_digit(number) == int(digit)


def test_it_codes_phq9_answers_with_the_loinc_answer_list() -> None:
    options = instruments.get("phq9").items[0].options
    assert [o.loinc for o in options] == ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]


def test_it_puts_no_published_odi_statement_in_the_definition(reference: Path) -> None:
    # qhs maps the licensed ODI statements to scores: none of them may appear in our labels.
    with (reference / "scoring_vectors" / "qhs_odi_english_text_to_score.csv").open() as f:
        statements = {row["response_text"].strip().lower() for row in csv.DictReader(f)}
    definition = instruments.get("odi")
    ours = [item.label for item in definition.items]
    ours += [o.label for item in definition.items for o in item.options]
    assert len(statements) > 50
    assert not statements & {text.strip().lower() for text in ours}


def test_it_has_one_odi_section_per_qhs_section_each_scored_0_to_5(reference: Path) -> None:
    with (reference / "scoring_vectors" / "qhs_odi_english_text_to_score.csv").open() as f:
        rows = list(csv.DictReader(f))
    scores_by_section: dict[str, set[int]] = {}
    for row in rows:
        scores_by_section.setdefault(row["section"], set()).add(int(row["score"]))
    assert len(scores_by_section) == len(instruments.get("odi").items)
    assert all(scores == set(range(6)) for scores in scores_by_section.values())


@pytest.mark.parametrize("instrument", IDS)
def test_it_states_a_recall_period(instrument: str) -> None:
    assert instruments.get(instrument).recall_period.strip()
