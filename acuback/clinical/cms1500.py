"""The fields of the CMS-1500 (02/12) health insurance claim form for acupuncture claim lines:
the data a clearinghouse or practice-management program types onto the form, not the printed
form. Pure.

Sources: NUCC 1500 Claim Form Reference Instruction Manual (version 02/12) for what each item
holds and its format; Medicare Claims Processing Manual (Pub. 100-04) chapter 26, section 10,
for Medicare's entries (item 11 "NONE" when no insurance is primary to Medicare; item 17 with
qualifier DQ for the supervising provider; item 24J the rendering provider's NPI, which for a
service incident to a supervisor is the supervisor's).

Choices of ours: one claim per visit; a claim holds at most 6 service lines (the form's item
24 has six), so a longer one continues on a second form with the same header; each line
points at every diagnosis of the claim (item 24E takes up to four letters); dates are written
MMDDYYYY (the 8-digit form the manual allows everywhere); item 12 (the patient's signature
authorising release) is left blank because acuback does not record that authorisation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

CMS1500_VERSION = "cms-1500-02/12/acuback-1"
LINES_PER_FORM = 6  # item 24 has six service lines
DIAGNOSES_PER_CLAIM = 12  # item 21, A to L
POINTERS_PER_LINE = 4  # item 24E
MODIFIERS_PER_LINE = 4  # item 24D
ICD10_INDICATOR = "0"  # item 21: ICD-10-CM
ONSET_QUALIFIER = "431"  # item 14: onset of current symptoms or illness
SUPERVISING_QUALIFIER = "DQ"  # item 17: supervising provider
OFFICE = "11"  # item 24B place of service: office


class ClaimFormError(ValueError):
    """Data that does not fit the form (too many diagnoses or modifiers)."""


@dataclass(frozen=True, slots=True)
class ServiceLine:
    on: dt.date
    code: str
    modifiers: tuple[str, ...]
    units: int
    unit_charge: Decimal  # the fee schedule's charge for one unit
    rendering_npi: str
    place_of_service: str = OFFICE


@dataclass(frozen=True, slots=True)
class Facility:
    name: str
    address: str
    phone: str
    npi: str
    tax_id: str


@dataclass(frozen=True, slots=True)
class ClaimData:
    account: str  # item 26: the patient's account number with the clinic
    insured_id: str  # item 1a: the Medicare Beneficiary Identifier
    family_name: str
    given_name: str
    born: dt.date
    sex: str  # "M", "F" or ""
    address: str
    onset: dt.date | None
    diagnoses: tuple[str, ...]  # ICD-10-CM codes, item 21 A-L
    lines: tuple[ServiceLine, ...]
    facility: Facility  # items 25, 32, 33
    signed_by: str  # item 31: the rendering provider's name
    signed_on: dt.date
    supervisor_name: str = ""  # item 17 (qualifier DQ), when billed incident to them
    supervisor_npi: str = ""  # item 17b
    amount_paid: Decimal = Decimal("0.00")  # item 29: what the patient paid for these lines


def _date(day: dt.date | None) -> str:
    return "" if day is None else day.strftime("%m%d%Y")


def _money(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'))}"


def _check(claim: ClaimData) -> None:
    if not claim.diagnoses:
        raise ClaimFormError("a claim needs at least one diagnosis (item 21)")
    if len(claim.diagnoses) > DIAGNOSES_PER_CLAIM:
        raise ClaimFormError(f"item 21 holds at most {DIAGNOSES_PER_CLAIM} diagnoses")
    for line in claim.lines:
        if len(line.modifiers) > MODIFIERS_PER_LINE:
            raise ClaimFormError(f"item 24D holds at most {MODIFIERS_PER_LINE} modifiers")


def _header(claim: ClaimData) -> dict[str, object]:
    letters = "ABCDEFGHIJKL"
    facility = claim.facility
    return {
        "1": "Medicare", "1a": claim.insured_id,
        "2": f"{claim.family_name}, {claim.given_name}", "3_birth_date": _date(claim.born),
        "3_sex": claim.sex, "4": "", "5": claim.address, "6": "self", "11": "NONE",
        "12": "", "14": _date(claim.onset),
        "14_qualifier": ONSET_QUALIFIER if claim.onset else "",
        "17_qualifier": SUPERVISING_QUALIFIER if claim.supervisor_name else "",
        "17": claim.supervisor_name, "17b": claim.supervisor_npi,
        "21_indicator": ICD10_INDICATOR,
        "21": {letters[i]: code.replace(".", "") for i, code in enumerate(claim.diagnoses)},
        "25": facility.tax_id, "25_type": "EIN" if facility.tax_id else "",
        "26": claim.account, "31": claim.signed_by, "31_date": _date(claim.signed_on),
        "32": f"{facility.name}\n{facility.address}".strip(), "32a": facility.npi,
        "33": f"{facility.name}\n{facility.address}".strip(), "33_phone": facility.phone,
        "33a": facility.npi,
    }


def _line(line: ServiceLine, pointers: str) -> dict[str, object]:
    return {
        "24A_from": _date(line.on), "24A_to": _date(line.on), "24B": line.place_of_service,
        "24C": "", "24D_code": line.code, "24D_modifiers": list(line.modifiers),
        "24E": pointers, "24F": _money(line.unit_charge * line.units), "24G": line.units,
        "24J": line.rendering_npi,
    }


def cms1500_forms(claim: ClaimData) -> list[dict[str, object]]:
    """The claim as one or more forms: each the header items plus up to six item-24 lines,
    with its own item 28 (total charge) and item 29 (paid, on the first form only)."""
    _check(claim)
    pointers = "ABCD"[:min(len(claim.diagnoses), POINTERS_PER_LINE)]
    header = _header(claim)
    chunks: Sequence[tuple[ServiceLine, ...]] = [
        claim.lines[i:i + LINES_PER_FORM] for i in range(0, len(claim.lines), LINES_PER_FORM)
    ] or [()]
    forms = []
    for index, chunk in enumerate(chunks):
        total = sum((line.unit_charge * line.units for line in chunk), Decimal("0"))
        forms.append({**header, "24": [_line(line, pointers) for line in chunk],
                      "28": _money(total),
                      "29": _money(claim.amount_paid if index == 0 else Decimal("0")),
                      "form": f"{index + 1} of {len(chunks)}", "version": CMS1500_VERSION})
    return forms
