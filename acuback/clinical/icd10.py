"""The shipped, versioned list of ICD-10-CM codes a back-pain episode may carry."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Icd10Code:
    code: str
    title: str
    region: str | None
    nonspecific: bool  # no systemic or structural cause implied (NCD 30.3.3 "nonspecific")


@dataclass(frozen=True)
class DeletedCode:
    code: str
    deleted: str
    replaced_by: tuple[str, ...]
    why: str


class Icd10Error(ValueError):
    pass


@dataclass(frozen=True)
class CodeList:
    version: str
    codes: dict[str, Icd10Code]
    deleted: dict[str, DeletedCode]


@cache
def code_list() -> CodeList:
    raw = json.loads(
        resources.files("acuback.clinical.codes")
        .joinpath("icd10cm_back_pain.json")
        .read_text(encoding="utf-8")
    )
    codes = {c["code"]: Icd10Code(**c) for c in raw["codes"]}
    deleted = {
        d["code"]: DeletedCode(d["code"], d["deleted"], tuple(d["replaced_by"]), d["why"])
        for d in raw["deleted"]
    }
    return CodeList(raw["version"], codes, deleted)


def normalise(code: str) -> str:
    """'m5450' and ' M54.50 ' both become 'M54.50' (the dot follows the third character)."""
    compact = re.sub(r"[\s.]", "", code).upper()
    return compact if len(compact) <= 3 else f"{compact[:3]}.{compact[3:]}"


def validate(code: str) -> Icd10Code:
    """The code's entry, or an Icd10Error whose message says what to use instead."""
    key = normalise(code)
    codes = code_list()
    if key in codes.codes:
        return codes.codes[key]
    if key in codes.deleted:
        gone = codes.deleted[key]
        raise Icd10Error(
            f"{key} was deleted from ICD-10-CM on {gone.deleted} ({gone.why}); "
            f"use {', '.join(gone.replaced_by[:-1])} or {gone.replaced_by[-1]}."
        )
    near = sorted(c for c in codes.codes if c.startswith(key[:3]))
    hint = f" Codes in {key[:3]}: {', '.join(near)}." if near else ""
    raise Icd10Error(f"{key or code!r} is not a back-pain code in ICD-10-CM {codes.version}.{hint}")
