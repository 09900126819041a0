"""A clinic's licensed wording for an instrument, checked against the instrument's structure.

The pure half of ``acuback instruments load-wording FILE``: the command reads the file and
stores the result; this module decides whether the content fits. Where an instrument's terms
do not let acuback ship the exact wording (ODI and ISI through Mapi; STarT Back and PSS-10 for
any commercial use), a clinic that holds a licence supplies it in this shape (JSON):

    {
      "instrument": "odi",
      "language": "en-GB",
      "source": "Mapi Research Trust licence ref. 1234, ODI v2.1a UK English",
      "title": "...",                    (optional)
      "instructions": "...",             (optional)
      "items": [
        {"key": "pain_intensity", "text": "...", "options": {"0": "...", ..., "5": "..."}},
        ...                              (every item, in published order)
      ]
    }

Every item must be present, in order, with its key, and every allowed answer code must have a
label; nothing else is accepted, so wording can never drift from the scoring it belongs to.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from acuback.clinical.instruments.definition import Definition
from acuback.clinical.instruments.registry import INSTRUMENTS

MAX_TEXT = 2000  # characters in any one text: generous for a question, small for a file
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # a BCP 47 tag, loosely
_TOP_KEYS = {"instrument", "language", "source", "title", "instructions", "items"}
_ITEM_KEYS = {"key", "text", "options"}


class WordingError(ValueError):
    """A wording file that does not fit its instrument."""


@dataclass(frozen=True, slots=True)
class Wording:
    instrument: str
    language: str
    source: str  # where the clinic's wording and licence come from
    title: str | None
    instructions: str | None
    item_texts: tuple[str, ...]  # one per item, in published order
    option_labels: tuple[tuple[str, ...], ...]  # per item, in the definition's option order


def parse_wording_json(text: str) -> Wording:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WordingError(f"not valid JSON: {exc}") from None
    return parse_wording(data)


def parse_wording(data: object) -> Wording:
    """Check ``data`` (parsed JSON) against its instrument; raise `WordingError` if it misfits."""
    if not isinstance(data, Mapping):
        raise WordingError("a wording file must be a JSON object")
    _no_unknown_keys(data, _TOP_KEYS, "the file")
    instrument_id = data.get("instrument")
    definition = INSTRUMENTS.get(instrument_id) if isinstance(instrument_id, str) else None
    if definition is None:
        raise WordingError(
            f"unknown instrument {instrument_id!r} (known: {', '.join(INSTRUMENTS)})"
        )
    language = _text(data, "language", "the file")
    if not _LANGUAGE.match(language):
        raise WordingError(f"language {language!r} is not a language tag such as 'en' or 'en-GB'")
    items = data.get("items")
    if not isinstance(items, list) or len(items) != len(definition.items):
        count = len(items) if isinstance(items, list) else "none"
        raise WordingError(
            f"{definition.id} needs 'items' with {len(definition.items)} entries, got {count}"
        )
    texts, labels = zip(
        *(_item(definition, n, raw) for n, raw in enumerate(items, start=1)), strict=True
    )
    return Wording(
        instrument=definition.id,
        language=language,
        source=_text(data, "source", "the file"),
        title=_text(data, "title", "the file", optional=True),
        instructions=_text(data, "instructions", "the file", optional=True),
        item_texts=tuple(texts),
        option_labels=tuple(labels),
    )


def wording_template(definition: Definition) -> dict[str, Any]:
    """An empty wording file for ``definition``, for a clinic to fill in."""
    return {
        "instrument": definition.id,
        "language": "en",
        "source": "",
        "title": definition.name,
        "instructions": "",
        "items": [
            {"key": item.key, "text": "", "options": {str(o.code): "" for o in item.options}}
            for item in definition.items
        ],
    }


def _item(definition: Definition, number: int, raw: object) -> tuple[str, tuple[str, ...]]:
    item = definition.items[number - 1]
    where = f"item {number} ({item.key})"
    if not isinstance(raw, Mapping):
        raise WordingError(f"{where}: must be a JSON object")
    _no_unknown_keys(raw, _ITEM_KEYS, where)
    if raw.get("key") != item.key:
        raise WordingError(f"{where}: key is {raw.get('key')!r}; items must follow published order")
    text = _text(raw, "text", where)
    options = raw.get("options")
    expected = [str(o.code) for o in item.options]
    if not isinstance(options, Mapping) or sorted(options) != sorted(expected):
        got = sorted(options) if isinstance(options, Mapping) else "none"
        raise WordingError(f"{where}: options must label exactly the codes {expected}, got {got}")
    labels = tuple(_text(options, code, f"{where} option {code}") for code in expected)
    return text, labels


def _text(data: Mapping[str, Any], key: str, where: str, *, optional: bool = False) -> Any:
    value = data.get(key)
    if optional and (value is None or value == ""):  # a template's blank optional field
        return None
    if not isinstance(value, str) or not value.strip():
        raise WordingError(f"{where}: {key!r} must be a non-empty string")
    if len(value) > MAX_TEXT:
        raise WordingError(f"{where}: {key!r} is longer than {MAX_TEXT} characters")
    return value.strip()


def _no_unknown_keys(data: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise WordingError(f"{where}: unexpected keys {unknown} (allowed: {sorted(allowed)})")
