"""What a Medicare acupuncture claim line needs from the clinical core: its modifier, and whether
its diagnosis is chronic low back pain in the sense of NCD 30.3.3.

Modifiers (CMS Medicare Claims Processing Manual, Pub. 100-04, chapter 30, financial liability
protections; the KX use for visits 13 to 20 from Priority Health's Medicare Advantage notice of
29 June 2020):

- KX: the coverage requirements are met; for acupuncture, documented improvement on visits 13
  to 20 (and, by our choice in `coverage`, any visit past the first 90 days).
- GY: the service is outside any Medicare benefit or excluded: acupuncture for anything other
  than chronic low back pain as NCD 30.3.3 defines it (NCD 30.3: "all indications for
  acupuncture outside of NCD section 30.3.3 remain non-covered"). No ABN is needed.
- GA: a covered kind of service expected to be denied (over the visit limits, not improving,
  improvement not documented) for which the patient signed an Advance Beneficiary Notice.
- GZ: the same, without an ABN on file: the clinic, not the patient, bears the cost. The issue
  names KX, GA and GY; GZ is the manual's modifier for the remaining case, added by us.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from acuback.clinical.coverage import Coverage
from acuback.clinical.icd10 import normalise


class Modifier(StrEnum):
    KX = "KX"
    GA = "GA"
    GZ = "GZ"
    GY = "GY"


@dataclass(frozen=True, slots=True)
class CoveredDiagnoses:
    version: str
    icd10cm_version: str
    codes: frozenset[str]


@dataclass(frozen=True, slots=True)
class ClaimLineModifier:
    modifier: Modifier | None  # None: a covered visit 1-12, billed without a modifier
    why: str


@cache
def covered_diagnoses() -> CoveredDiagnoses:
    """The versioned list of ICD-10-CM codes acuback treats as NCD 30.3.3 chronic low back pain
    (our choice, UNCONFIRMED against CMS's coding files: see the data file's ``source``)."""
    raw = json.loads(
        resources.files("acuback.clinical.codes")
        .joinpath("ncd_30_3_3_diagnoses.json")
        .read_text(encoding="utf-8")
    )
    return CoveredDiagnoses(raw["version"], raw["icd10cm_version"], frozenset(raw["codes"]))


def is_clbp_diagnosis(code: str) -> bool:
    """True when ``code`` (any spacing or case, with or without the dot) is in the covered list."""
    return normalise(code) in covered_diagnoses().codes


def claim_line_modifier(
    coverage: Coverage, diagnosis: str, *, abn_on_file: bool
) -> ClaimLineModifier:
    """The modifier for an acupuncture claim line on the visit `coverage` judged."""
    if not is_clbp_diagnosis(diagnosis):
        return ClaimLineModifier(Modifier.GY, f"{normalise(diagnosis)} is not chronic low back "
                                 "pain: acupuncture for it is outside Medicare coverage")
    if not coverage.eligible:
        return ClaimLineModifier(Modifier.GY, "the episode is not chronic low back pain as "
                                 "NCD 30.3.3 defines it: " + "; ".join(coverage.reasons))
    visit = coverage.next_visit
    if visit.covered:
        return ClaimLineModifier(Modifier.KX if visit.kx_modifier else None, visit.why)
    if abn_on_file:
        return ClaimLineModifier(Modifier.GA, f"{visit.why}; the patient signed an ABN")
    return ClaimLineModifier(Modifier.GZ, f"{visit.why}; no ABN on file, so the patient cannot "
                             "be billed if Medicare denies it")
