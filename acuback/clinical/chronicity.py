"""How long back pain has lasted, in the categories guidelines and Medicare use."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class Chronicity(StrEnum):
    ACUTE = "acute"
    SUBACUTE = "subacute"
    CHRONIC = "chronic"


# NIAMS categories as used in coding (DOMAIN.md 8): acute under 4 weeks, subacute 4 to 12,
# chronic 12 or more. Medicare NCD 30.3.3 likewise counts "12 weeks or longer" (84 days).
SUBACUTE_FROM_DAYS = 4 * 7
CHRONIC_FROM_DAYS = 12 * 7


def chronicity(onset: dt.date, on: dt.date) -> Chronicity:
    """Chronicity on date `on` of pain that began on `onset` (not after `on`)."""
    if onset > on:
        raise ValueError("onset is after the date of assessment")
    days = (on - onset).days
    if days < SUBACUTE_FROM_DAYS:
        return Chronicity.ACUTE
    if days < CHRONIC_FROM_DAYS:
        return Chronicity.SUBACUTE
    return Chronicity.CHRONIC
