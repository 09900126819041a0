"""Painkiller use: the analgesic list, its classes, and opioid MME per day by CDC 2022."""

from __future__ import annotations

import pytest

from acuback.clinical.analgesics import AnalgesicInputError, analgesic_list, painkiller_use

# DOMAIN.md 7.1, the CDC 2022 table, typed again here as an independent oracle.
CDC_2022 = {"codeine": 0.15, "fentanyl_patch": 2.4, "hydrocodone": 1.0, "hydromorphone": 5.0,
            "methadone": 4.7, "morphine": 1.0, "oxycodone": 1.5, "oxymorphone": 3.0,
            "tapentadol": 0.4, "tramadol": 0.2}


@pytest.mark.parametrize(("drug", "factor"), sorted(CDC_2022.items()))
def test_it_carries_the_cdc_2022_factor_of_each_opioid(drug: str, factor: float) -> None:
    assert analgesic_list().require(drug).mme_factor == factor


def test_it_reproduces_the_cdc_footnote_examples() -> None:
    # "hydrocodone 5 mg four times a day = 20 MME/day; oxycodone ER 10 mg twice a day = 30".
    assert painkiller_use(drug="hydrocodone", dose=5, times_a_day=4,
                          days_last_week=7).mme_per_day == 20
    assert painkiller_use(drug="oxycodone", dose=10, times_a_day=2,
                          days_last_week=7).mme_per_day == 30


def test_it_takes_a_fentanyl_patch_rate_per_hour_whatever_the_times_a_day() -> None:
    use = painkiller_use(drug="fentanyl_patch", dose=25, times_a_day=1, days_last_week=7)
    assert use.mme_per_day == 60 and use.drug.unit == "mcg/hr"


def test_it_uses_methadones_flat_2022_factor_not_the_2016_tiers() -> None:
    # CDC 2016 tiered methadone (x4 up to 20 mg/day); 2022 uses 4.7 flat.
    assert painkiller_use(drug="methadone", dose=10, times_a_day=1,
                          days_last_week=7).mme_per_day == 47


@pytest.mark.parametrize("drug", ["ibuprofen", "paracetamol", "cyclobenzaprine", "gabapentin"])
def test_it_derives_no_mme_for_a_drug_that_is_not_an_opioid(drug: str) -> None:
    assert painkiller_use(drug=drug, dose=400, times_a_day=3, days_last_week=5).mme_per_day is None


def test_it_derives_no_mme_for_an_opioid_missing_from_the_cdc_table() -> None:
    use = painkiller_use(drug="buprenorphine", dose=2, times_a_day=1, days_last_week=7)
    assert use.drug.is_opioid and use.mme_per_day is None


def test_it_averages_mme_over_the_days_taken_last_week() -> None:
    use = painkiller_use(drug="tramadol", dose=50, times_a_day=2, days_last_week=3)
    assert use.mme_per_day == 20 and use.mme_week_average == pytest.approx(20 * 3 / 7)


def test_it_stores_both_versions_with_a_use() -> None:
    use = painkiller_use(drug="codeine", dose=30, times_a_day=4, days_last_week=7).to_dict()
    assert use["mme_table_version"] == "CDC-2022"
    assert use["list_version"] == analgesic_list().version
    assert use["mme_per_day"] == 18


def test_it_puts_every_drug_in_a_known_class() -> None:
    listed = analgesic_list()
    assert set(listed.classes) == {"nsaid", "paracetamol", "opioid", "muscle_relaxant", "other"}
    assert {d.drug_class for d in listed.drugs.values()} <= set(listed.classes)


@pytest.mark.parametrize("kwargs", [
    {"drug": "aspirin-ish", "dose": 1, "times_a_day": 1, "days_last_week": 1},
    {"drug": "ibuprofen", "dose": 0, "times_a_day": 1, "days_last_week": 1},
    {"drug": "ibuprofen", "dose": 200, "times_a_day": 0, "days_last_week": 1},
    {"drug": "ibuprofen", "dose": 200, "times_a_day": 13, "days_last_week": 1},
    {"drug": "ibuprofen", "dose": 200, "times_a_day": 1, "days_last_week": 8},
    {"drug": "ibuprofen", "dose": 200, "times_a_day": 1, "days_last_week": -1},
])
def test_it_refuses_a_use_that_cannot_be(kwargs: dict) -> None:
    with pytest.raises(AnalgesicInputError):
        painkiller_use(**kwargs)


def test_it_finds_a_drug_whatever_the_case() -> None:
    assert analgesic_list().require(" Tramadol ").id == "tramadol"
