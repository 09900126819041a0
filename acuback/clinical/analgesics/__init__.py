"""Painkiller use: the versioned analgesic list with classes, and opioid MME per day.

    from acuback.clinical.analgesics import analgesic_list, painkiller_use
    use = painkiller_use(drug="oxycodone", dose=10, times_a_day=2, days_last_week=7)
    use.mme_per_day        # 30.0: CDC 2022 factor 1.5 x 20 mg a day
    use.mme_table_version  # "CDC-2022"

Pure: the two data files (analgesics.json, mme_factors.json) are read once from the package.
MME (morphine milligram equivalents) per day = dose x times a day x the drug's CDC 2022 factor;
for a transdermal fentanyl patch the dose is its rate in mcg/hr and the times a day do not
count (CDC 2022: "all doses in mg/day except for fentanyl patches, which are in mcg/hr"). The
CDC warns that the factors describe total opioid exposure and must not be used to convert a
patient from one opioid to another; acuback only reports them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

RATE_UNIT = "mcg/hr"
MAX_TIMES_A_DAY = 12
MAX_DOSE = 10_000  # mg in one dose: anything larger is a typing slip


class AnalgesicInputError(ValueError):
    """A drug that is not on the list, or a dose that cannot be right."""


@dataclass(frozen=True)
class Analgesic:
    id: str
    name: str
    drug_class: str
    unit: str
    mme_factor: float | None  # opioids with a CDC 2022 factor; None for everything else

    @property
    def is_opioid(self) -> bool:
        return self.drug_class == "opioid"


@dataclass(frozen=True)
class AnalgesicList:
    version: str
    mme_table_version: str
    classes: dict[str, str]
    drugs: dict[str, Analgesic]

    def require(self, drug: str) -> Analgesic:
        found = self.drugs.get(drug.strip().lower())
        if found is None:
            raise AnalgesicInputError(
                f"{drug!r} is not on the analgesic list {self.version}; choose one of "
                f"{', '.join(self.drugs)} (or 'other' and name it)"
            )
        return found


def _read(name: str) -> dict[str, Any]:
    text = resources.files("acuback.clinical.analgesics").joinpath(name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def analgesic_list() -> AnalgesicList:
    listed, table = _read("analgesics.json"), _read("mme_factors.json")
    factors: dict[str, float] = table["factors"]
    drugs = {
        d["id"]: Analgesic(d["id"], d["name"], d["class"], d["unit"],
                           factors[d["mme"]] if "mme" in d else None)
        for d in listed["drugs"]
    }
    return AnalgesicList(listed["version"], table["version"], listed["classes"], drugs)


@dataclass(frozen=True)
class PainkillerUse:
    """One analgesic as taken, with what acuback derives from it."""

    drug: Analgesic
    dose: float
    times_a_day: int
    days_last_week: int
    mme_per_day: float | None  # on a day it is taken; None when not an opioid with a factor
    list_version: str
    mme_table_version: str

    @property
    def mme_week_average(self) -> float | None:
        """MME per day averaged over the last week (days not taken count as 0)."""
        if self.mme_per_day is None:
            return None
        return self.mme_per_day * self.days_last_week / 7

    def to_dict(self) -> dict[str, Any]:
        return {"drug": self.drug.id, "name": self.drug.name, "class": self.drug.drug_class,
                "dose": self.dose, "unit": self.drug.unit, "times_a_day": self.times_a_day,
                "days_last_week": self.days_last_week, "mme_per_day": self.mme_per_day,
                "list_version": self.list_version, "mme_table_version": self.mme_table_version}


def mme_per_day(drug: Analgesic, dose: float, times_a_day: int) -> float | None:
    """CDC 2022: daily dose (mg/day, or mcg/hr for a fentanyl patch) x conversion factor."""
    if drug.mme_factor is None:
        return None
    daily = dose if drug.unit == RATE_UNIT else dose * times_a_day
    return round(daily * drug.mme_factor, 2)


def painkiller_use(
    *, drug: str, dose: float, times_a_day: int, days_last_week: int
) -> PainkillerUse:
    listed = analgesic_list()
    found = listed.require(drug)
    _check(found, dose, times_a_day, days_last_week)
    return PainkillerUse(
        drug=found, dose=float(dose), times_a_day=times_a_day, days_last_week=days_last_week,
        mme_per_day=mme_per_day(found, float(dose), times_a_day),
        list_version=listed.version, mme_table_version=listed.mme_table_version,
    )


def _check(drug: Analgesic, dose: float, times_a_day: int, days: int) -> None:
    if isinstance(dose, bool) or not isinstance(dose, int | float) or not 0 < dose <= MAX_DOSE:
        raise AnalgesicInputError(f"the dose of {drug.name} must be above 0 {drug.unit} "
                                  f"and at most {MAX_DOSE}")
    if isinstance(times_a_day, bool) or not isinstance(times_a_day, int) or not (
            1 <= times_a_day <= MAX_TIMES_A_DAY):
        raise AnalgesicInputError(f"times a day must be from 1 to {MAX_TIMES_A_DAY}")
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 7:
        raise AnalgesicInputError("days taken in the last week must be from 0 to 7")
