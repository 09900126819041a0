"""Who may furnish acupuncture that Medicare pays for, and under whose NPI it is billed. Pure.

NCD 30.3.3 (CMS Publication 100-3, effective 21 January 2020), "Practitioners":

- Physicians (Social Security Act 1861(r)(1)) may furnish acupuncture as their state allows.
- Physician assistants, nurse practitioners and clinical nurse specialists (1861(aa)(5)) and
  auxiliary personnel may furnish it if they meet their state's requirements **and** hold
  (a) a master's or doctoral degree in acupuncture or Oriental Medicine from a school
  accredited by ACAOM (the Accreditation Commission for Acupuncture and Oriental Medicine) and
  (b) a current, full, active and unrestricted licence to practise acupuncture in a state,
  territory or Commonwealth of the United States, or the District of Columbia.
- Auxiliary personnel (a licensed acupuncturist, who is not a Medicare provider type) furnish
  it under the supervision 42 CFR 410.26 and 410.27 require: direct supervision by a
  physician, PA or NP/CNS, and the service is billed "incident to" that supervisor, under
  the supervisor's NPI. Direct supervision means the supervisor is in the office suite and
  immediately available while the service is given (42 CFR 410.32(b)(3)(ii)).

Choices of ours (UNCONFIRMED with a Medicare contractor), each shown to the user as a reason:

- A licence counts as current only when its expiry date is recorded and not before the date
  of service (unknown is not "current"). The restrictions on a licence are not recorded: the
  clinic attests them by recording the licence.
- Auxiliary personnel need no NPI of their own on a Medicare claim (the supervisor's goes on
  it); physicians, PAs and NPs bill under their own NPI, which must be valid. A supervisor
  needs a valid NPI and must be recorded as a physician, PA or NP; their own licence is
  Medicare's enrolment to check, not ours.
- Direct supervision is recorded per visit; when it is not recorded the visit is not billed
  to Medicare incident to anyone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from acuback.clinical.identifiers import npi_is_valid

PROVIDER_RULES_VERSION = "ncd-30.3.3-practitioners/acuback-1"


class ProviderKind(StrEnum):
    PHYSICIAN = "physician"  # SSA 1861(r)(1): a doctor of medicine or osteopathy
    PHYSICIAN_ASSISTANT = "physician_assistant"  # SSA 1861(aa)(5)
    NURSE_PRACTITIONER = "nurse_practitioner"  # NP or clinical nurse specialist, 1861(aa)(5)
    AUXILIARY = "auxiliary"  # 42 CFR 410.26(a)(1), e.g. a licensed acupuncturist


# NCD 30.3.3 and 42 CFR 410.26: who may supervise auxiliary personnel.
SUPERVISING_KINDS = frozenset({ProviderKind.PHYSICIAN, ProviderKind.PHYSICIAN_ASSISTANT,
                               ProviderKind.NURSE_PRACTITIONER})
# NCD 30.3.3: who needs the ACAOM degree and an acupuncture licence.
NEEDS_ACUPUNCTURE_CREDENTIALS = frozenset({ProviderKind.PHYSICIAN_ASSISTANT,
                                           ProviderKind.NURSE_PRACTITIONER,
                                           ProviderKind.AUXILIARY})

# NCD 30.3.3: "a State, Territory, or Commonwealth (i.e. Puerto Rico) of the United States, or
# District of Columbia". USPS codes, with the names a person may type instead.
US_JURISDICTIONS: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "DC": "District of Columbia", "PR": "Puerto Rico", "GU": "Guam",
    "VI": "U.S. Virgin Islands", "AS": "American Samoa", "MP": "Northern Mariana Islands",
}
_BY_NAME = {name.casefold(): code for code, name in US_JURISDICTIONS.items()}


def us_jurisdiction(text: str) -> str | None:
    """'ca', 'CA' or 'California' -> 'CA'; None for anything that is not a US state,
    territory, Puerto Rico or DC."""
    typed = " ".join(text.split())
    if typed.upper() in US_JURISDICTIONS:
        return typed.upper()
    return _BY_NAME.get(typed.casefold())


@dataclass(frozen=True, slots=True)
class Provider:
    """What is on record about whoever treated (or supervised)."""

    name: str
    kind: ProviderKind | None  # None: not recorded
    npi: str
    licence_number: str
    licence_state: str
    licence_expires: dt.date | None  # None: not recorded
    acaom_degree: bool | None  # None: not recorded


@dataclass(frozen=True, slots=True)
class BillingProvider:
    """The outcome of the check: whether a Medicare claim line may be produced, and for whom."""

    may_bill: bool
    reasons: tuple[str, ...]  # why not; empty when it may
    rendering_npi: str  # CMS-1500 item 24J: the treating provider's, or the supervisor's
    incident_to: bool
    supervisor_name: str
    rules_version: str = PROVIDER_RULES_VERSION

    def as_dict(self) -> dict[str, object]:
        return {"may_bill": self.may_bill, "reasons": list(self.reasons),
                "rendering_npi": self.rendering_npi, "incident_to": self.incident_to,
                "supervisor": self.supervisor_name, "rules_version": self.rules_version}


def _licence_problems(who: Provider, on: dt.date, acupuncture: bool) -> list[str]:
    what = "licence to practise acupuncture" if acupuncture else "licence"
    if not who.licence_number.strip():
        return [f"{who.name} has no {what} on record"]
    problems = []
    if us_jurisdiction(who.licence_state) is None:
        problems.append(f"the {what} of {who.name} names no US state, territory, Puerto Rico "
                        f"or DC ({who.licence_state or 'none recorded'})")
    if who.licence_expires is None:
        problems.append(f"the expiry of the {what} of {who.name} is not recorded, so it cannot "
                        "be shown to be current")
    elif who.licence_expires < on:
        problems.append(f"the {what} of {who.name} expired on {who.licence_expires.isoformat()}"
                        f", before the visit ({on.isoformat()})")
    return problems


def _degree_problems(who: Provider) -> list[str]:
    if who.acaom_degree is None:
        return [f"whether {who.name} holds a master's or doctorate in acupuncture or Oriental "
                "Medicine from an ACAOM-accredited school is not recorded"]
    if not who.acaom_degree:
        return [f"{who.name} holds no degree from an ACAOM-accredited school, which NCD "
                "30.3.3 requires of anyone but a physician"]
    return []


def _own_npi_problems(who: Provider) -> list[str]:
    if not who.npi:
        return [f"{who.name} has no NPI on record"]
    if not npi_is_valid(who.npi):
        return [f"the NPI of {who.name} ({who.npi}) is not valid"]
    return []


def _supervision_problems(supervisor: Provider | None, present: bool | None) -> list[str]:
    if supervisor is None:
        return ["an acupuncturist bills Medicare only incident to a supervising physician, PA "
                "or NP, and none is recorded"]
    problems = []
    if supervisor.kind not in SUPERVISING_KINDS:
        problems.append(f"{supervisor.name} is not recorded as a physician, PA or NP, who alone "
                        "may supervise (42 CFR 410.26)")
    problems += _own_npi_problems(supervisor)
    if present is None:
        problems.append(f"direct supervision by {supervisor.name} is not recorded for this "
                        "visit (42 CFR 410.32(b)(3)(ii): in the office suite, immediately "
                        "available)")
    elif not present:
        problems.append(f"{supervisor.name} did not directly supervise this visit")
    return problems


def billing_provider(treating: Provider, on: dt.date, *, supervisor: Provider | None = None,
                     supervised: bool | None = None) -> BillingProvider:
    """May a Medicare acupuncture claim line for a visit on `on` by `treating` be produced?
    `supervisor` and `supervised` (direct supervision recorded for the visit) matter only when
    `treating` is auxiliary personnel."""
    if treating.kind is None:
        return BillingProvider(False, (f"whether {treating.name} is a physician, PA, NP or "
                                       "auxiliary personnel (an acupuncturist) is not "
                                       "recorded",), "", False, "")
    acupuncture = treating.kind in NEEDS_ACUPUNCTURE_CREDENTIALS
    problems = _licence_problems(treating, on, acupuncture=acupuncture)
    if acupuncture:
        problems = _degree_problems(treating) + problems
    if treating.kind is not ProviderKind.AUXILIARY:
        problems += _own_npi_problems(treating)
        return BillingProvider(not problems, tuple(problems), treating.npi, False, "")
    problems += _supervision_problems(supervisor, supervised)
    name = supervisor.name if supervisor else ""
    npi = supervisor.npi if supervisor else ""
    return BillingProvider(not problems, tuple(problems), npi, True, name)
