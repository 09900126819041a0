"""CMS-1500 (02/12) fields of an acupuncture claim (NUCC manual; Pub. 100-04 ch. 26)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from acuback.clinical.cms1500 import (
    ClaimData,
    ClaimFormError,
    Facility,
    ServiceLine,
    cms1500_forms,
)

DAY = dt.date(2026, 4, 8)
CLINIC = Facility("Riverside Acupuncture", "1 River Rd\nPortland OR 97201", "503-555-0100",
                  "1234567893", "123456789")
LINES = (ServiceLine(DAY, "97810", ("KX",), 1, Decimal("85.00"), "1245319599"),
         ServiceLine(DAY, "97811", ("KX",), 2, Decimal("40.00"), "1245319599"))
CLAIM = ClaimData(
    account="42", insured_id="1EG4TE5MK73", family_name="Shelley", given_name="Mary",
    born=dt.date(1947, 8, 30), sex="F", address="2 Elm St", onset=dt.date(2025, 6, 2),
    diagnoses=("M54.50",), lines=LINES, facility=CLINIC, signed_by="Pat Lin",
    signed_on=DAY, supervisor_name="Dr Ruth Osler", supervisor_npi="1245319599",
    amount_paid=Decimal("20.00"))


def test_it_fills_the_header_items_medicare_asks_for() -> None:
    [form] = cms1500_forms(CLAIM)
    assert (form["1"], form["1a"], form["2"], form["3_birth_date"], form["11"],
            form["14"], form["14_qualifier"], form["21_indicator"], form["21"]) == (
        "Medicare", "1EG4TE5MK73", "Shelley, Mary", "08301947", "NONE", "06022025", "431",
        "0", {"A": "M5450"})


def test_it_names_the_supervising_provider_in_item_17_with_qualifier_dq() -> None:
    [form] = cms1500_forms(CLAIM)
    assert (form["17_qualifier"], form["17"], form["17b"]) == ("DQ", "Dr Ruth Osler",
                                                                "1245319599")
    [plain] = cms1500_forms(replace(CLAIM, supervisor_name="", supervisor_npi=""))
    assert (plain["17_qualifier"], plain["17"]) == ("", "")


def test_it_writes_each_service_line_with_modifier_pointer_charge_and_units() -> None:
    [form] = cms1500_forms(CLAIM)
    second = form["24"][1]
    assert (second["24A_from"], second["24B"], second["24D_code"], second["24D_modifiers"],
            second["24E"], second["24F"], second["24G"], second["24J"]) == (
        "04082026", "11", "97811", ["KX"], "A", "80.00", 2, "1245319599")
    assert (form["28"], form["29"]) == ("165.00", "20.00")


def test_it_continues_a_claim_of_seven_lines_on_a_second_form() -> None:
    seven = replace(CLAIM, lines=LINES[:1] * 7)
    first, second = cms1500_forms(seven)
    assert (len(first["24"]), len(second["24"]), first["form"], second["form"]) == (
        6, 1, "1 of 2", "2 of 2")
    assert (first["28"], second["28"], second["29"]) == ("510.00", "85.00", "0.00")


def test_it_points_each_line_at_up_to_four_diagnoses() -> None:
    [form] = cms1500_forms(replace(CLAIM, diagnoses=("M54.50", "M54.41", "G89.29", "M54.42",
                                                     "M54.59")))
    assert form["24"][0]["24E"] == "ABCD"
    assert form["21"]["E"] == "M5459"


def test_it_refuses_a_claim_the_form_cannot_hold() -> None:
    with pytest.raises(ClaimFormError):
        cms1500_forms(replace(CLAIM, diagnoses=()))
    with pytest.raises(ClaimFormError):
        cms1500_forms(replace(CLAIM, diagnoses=("M54.50",) * 13))
    with pytest.raises(ClaimFormError):
        cms1500_forms(replace(CLAIM, lines=(replace(LINES[0], modifiers=("KX",) * 5),)))
