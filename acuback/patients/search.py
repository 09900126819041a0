"""Finding patients: the terms each patient is found by, and what a search asks for.

A patient is found by every word of their given and family names, by their phone number
(whatever its formatting) and by their email address. Those are kept, folded, in
PatientSearchTerm rows by the patient services (`index_patient`), and a search is one indexed
lookup per word it types, on SQLite and PostgreSQL alike.

Folding: case and accents are ignored in every alphabet ("ÉMILE", "emile" and "Émile" are one
word; Greek, Cyrillic and Latin letters lose their accents alike), as are apostrophes
("O'Neill" is "oneill"); a hyphen separates words. A word typed finds every name word that
starts with it ("lov" finds Lovelace).

A typo of one letter (one letter wrong, missing, added, or two neighbours swapped) still finds
a name word of FUZZY_MIN or more letters, by the symmetric-delete method: each stored word is
also stored with each one of its letters left out, and a typed word is looked up together with
its own one-letter deletions. Exact matches are ranked before those found only despite a typo.

A run of digits (with spaces, dashes, dots, brackets or a leading +) searches phone numbers by
their digits: the whole number, its last 10 digits (without a country code) and its last 7 (the
local number) all start a match. A word with @ searches email addresses. A date (1970-05-17,
17.05.1970 or 5/17/1970) searches the date of birth.

This module is pure (no models), so a migration can build the terms with it too.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

FUZZY_MIN = 4  # shorter words are matched exactly only: a typo there matches too much
PHONE_MIN = 3  # fewer digits than this are not searched as a phone number
TERM_MAX = 254

# Letters that are not a base letter plus an accent in Unicode, so NFKD leaves them as they are.
_UNDECOMPOSED = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i", "ŧ": "t",
                               "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"})
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_WORD = re.compile(r"\w+")
_PHONE = re.compile(r"^\+?[\d().\-/]*\d[\d().\-/]*$")
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y")

# Term kinds, as stored (acuback.patients.models.TermKind mirrors these values).
NAME, NAME_VARIANT, PHONE, EMAIL = 1, 2, 3, 4


def fold(text: str) -> str:
    """Lower case without accents, in every alphabet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.translate(_UNDECOMPOSED)


def name_words(text: str) -> list[str]:
    return _WORD.findall(_APOSTROPHES.sub("", fold(text)))


def deletions(word: str) -> set[str]:
    """The word with each one of its letters left out."""
    return {word[:i] + word[i + 1:] for i in range(len(word))} - {word}


def phone_digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def terms(given_name: str, family_name: str, phone: str, email: str) -> set[tuple[int, str]]:
    """(kind, term) for everything a patient is found by."""
    found: set[tuple[int, str]] = set()
    for word in name_words(f"{given_name} {family_name}"):
        found.add((NAME, word))
        if len(word) >= FUZZY_MIN:
            found |= {(NAME_VARIANT, variant) for variant in deletions(word)}
    digits = phone_digits(phone)
    if len(digits) >= PHONE_MIN:
        found |= {(PHONE, part) for part in (digits, digits[-10:], digits[-7:])}
    if email.strip():
        found.add((EMAIL, email.strip().casefold()))
    return {(kind, term[:TERM_MAX]) for kind, term in found}


@dataclass(frozen=True)
class Query:
    """What a search asks for, every part required."""

    words: tuple[str, ...] = ()
    phone: str = ""
    emails: tuple[str, ...] = ()
    dates: tuple[dt.date, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.words or self.phone or self.emails or self.dates)


def parse(text: str) -> Query:
    words: list[str] = []
    emails: list[str] = []
    dates: list[dt.date] = []
    digits = ""
    for token in text.split():
        day = _date(token)
        if "@" in token:
            emails.append(token.casefold())
        elif day is not None:
            dates.append(day)
        elif _PHONE.match(token):
            digits += phone_digits(token)  # "555 012 3456" is one number
        else:
            words.extend(name_words(token))
    if len(digits) > 10:
        digits = digits[-10:]  # a country code or trunk prefix the stored number may lack
    return Query(words=tuple(words), phone=digits if len(digits) >= PHONE_MIN else "",
                 emails=tuple(emails), dates=tuple(dates))


def _date(token: str) -> dt.date | None:
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(token, pattern).date()
        except ValueError:
            continue
    return None


def typo_forms(word: str) -> set[str]:
    """What a stored name word or its variants must equal for `word` to find it despite one
    typo: the word itself and its one-letter deletions (empty for short words)."""
    return {word, *deletions(word)} if len(word) >= FUZZY_MIN else set()
