"""A clinic's licensed wording file, checked against the instrument's structure."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from acuback.clinical import instruments
from acuback.clinical.instruments.wording import (
    WordingError,
    parse_wording,
    parse_wording_json,
    wording_template,
)


def _odi_file() -> dict[str, Any]:
    data = wording_template(instruments.get("odi"))
    data["source"] = "Mapi licence ref. TEST-1"
    for number, item in enumerate(data["items"], start=1):
        item["text"] = f"Section {number} (licensed text)"
        item["options"] = {
            code: f"statement {code} of section {number}" for code in item["options"]
        }
    return data


def test_it_accepts_a_complete_file() -> None:
    wording = parse_wording(_odi_file())
    assert wording.instrument == "odi"
    assert wording.item_texts[2] == "Section 3 (licensed text)"
    assert wording.option_labels[2][5] == "statement 5 of section 3"


def test_it_reads_the_file_from_json_text() -> None:
    assert parse_wording_json(json.dumps(_odi_file())).source == "Mapi licence ref. TEST-1"


def test_it_rejects_text_that_is_not_json() -> None:
    with pytest.raises(WordingError, match="not valid JSON"):
        parse_wording_json("{nope")


def test_it_rejects_a_file_that_is_not_an_object() -> None:
    with pytest.raises(WordingError, match="JSON object"):
        parse_wording([])


def test_it_rejects_an_unknown_instrument() -> None:
    data = _odi_file() | {"instrument": "sf36"}
    with pytest.raises(WordingError, match="unknown instrument 'sf36'"):
        parse_wording(data)


def test_it_rejects_a_missing_item() -> None:
    data = _odi_file()
    data["items"].pop()
    with pytest.raises(WordingError, match="odi needs 'items' with 10 entries, got 9"):
        parse_wording(data)


def test_it_rejects_items_out_of_published_order() -> None:
    data = _odi_file()
    data["items"][0], data["items"][1] = data["items"][1], data["items"][0]
    with pytest.raises(WordingError, match=r"item 1 \(pain_intensity\): key is 'personal_care'"):
        parse_wording(data)


def test_it_rejects_a_missing_option_label() -> None:
    data = _odi_file()
    del data["items"][4]["options"]["5"]
    with pytest.raises(WordingError, match=r"item 5 \(sitting\): options must label exactly"):
        parse_wording(data)


def test_it_rejects_an_option_the_instrument_does_not_have() -> None:
    data = _odi_file()
    data["items"][0]["options"]["6"] = "an extra statement"
    with pytest.raises(WordingError, match="options must label exactly"):
        parse_wording(data)


def test_it_rejects_an_empty_item_text() -> None:
    data = _odi_file()
    data["items"][3]["text"] = "   "
    with pytest.raises(WordingError, match=r"item 4 \(walking\): 'text' must be a non-empty"):
        parse_wording(data)


def test_it_rejects_an_empty_option_label() -> None:
    data = _odi_file()
    data["items"][0]["options"]["0"] = ""
    with pytest.raises(WordingError, match="option 0"):
        parse_wording(data)


def test_it_rejects_unexpected_keys() -> None:
    data = _odi_file() | {"scoring": "prorate"}
    with pytest.raises(WordingError, match="unexpected keys"):
        parse_wording(data)


def test_it_requires_the_source_of_the_wording() -> None:
    data = _odi_file()
    del data["source"]
    with pytest.raises(WordingError, match="'source'"):
        parse_wording(data)


@pytest.mark.parametrize("language", ["english", "e", "en_GB", ""])
def test_it_rejects_a_language_that_is_not_a_tag(language: str) -> None:
    data = _odi_file() | {"language": language}
    with pytest.raises(WordingError, match="language"):
        parse_wording(data)


def test_it_rejects_an_overlong_text() -> None:
    data = copy.deepcopy(_odi_file())
    data["items"][0]["text"] = "x" * 2001
    with pytest.raises(WordingError, match="longer than"):
        parse_wording(data)


@pytest.mark.parametrize("instrument", sorted(instruments.INSTRUMENTS))
def test_it_builds_a_template_whose_shape_every_instrument_accepts(instrument: str) -> None:
    data = wording_template(instruments.get(instrument))
    data["source"] = "test"
    for item in data["items"]:
        item["text"] = "t"
        item["options"] = dict.fromkeys(item["options"], "o")
    assert parse_wording(data).instrument == instrument
