"""Which episodes a cohort report counts: the filters, parsed once for the page, the API and
the command line, so that each refuses the same bad input with the same words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace

from django.db import models

from acuback.clinical.chronicity import Chronicity
from acuback.errors import InputError


class Protocol(models.TextChoices):
    """How the episode is treated, from its current plan: e-stim on (electroacupuncture) or
    off (manual needling). An episode without a plan has no protocol yet."""

    MANUAL = "manual", "Manual acupuncture"
    ELECTRO = "electro", "Electroacupuncture"
    NO_PLAN = "no_plan", "No plan yet"


class StartBackGroup(models.TextChoices):
    """The episode's baseline STarT Back risk group (Keele: low / medium / high)."""

    LOW = "low", "Low risk"
    MEDIUM = "medium", "Medium risk"
    HIGH = "high", "High risk"
    NOT_SCREENED = "not_screened", "Not screened"


CHRONICITY_CHOICES = [(c.value, c.value.capitalize()) for c in Chronicity]

# The dimensions a comparison may split a cohort by (two values of one of them).
COMPARE_BY = {
    "protocol": Protocol.choices,
    "startback": StartBackGroup.choices,
    "chronicity": CHRONICITY_CHOICES,
}


@dataclass(frozen=True, slots=True)
class CohortFilter:
    """Episodes opened from `opened_from` to `opened_to` (inclusive), of patients whose
    practitioner of record is `practitioner`, with the protocol, baseline STarT Back group and
    chronicity (at opening) given. None: any."""

    opened_from: dt.date | None = None
    opened_to: dt.date | None = None
    practitioner: int | None = None
    protocol: str | None = None
    startback: str | None = None
    chronicity: str | None = None

    def with_(self, **changes: object) -> CohortFilter:
        return replace(self, **changes)  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, object]:
        return {k: v.isoformat() if isinstance(v, dt.date) else v
                for k, v in asdict(self).items() if v is not None}


FILTER_FIELDS = ("opened_from", "opened_to", "practitioner", "protocol", "startback",
                 "chronicity")


def _date(value: str, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors[field] = [f"{value!r} is not a date (YYYY-MM-DD)"]
        return None


def _choice(value: str, field: str, choices: list[tuple[str, str]],
            errors: dict[str, list[str]]) -> str | None:
    allowed = [c for c, _ in choices]
    if value in allowed:
        return value
    errors[field] = [f"{value!r} is not one of {', '.join(allowed)}"]
    return None


def parse_filter(data: Mapping[str, object]) -> CohortFilter:
    """A filter from text values (a query string, CLI options); empty values mean any.
    Raises InputError naming each bad field."""
    raw = {k: str(data.get(k) or "").strip() for k in FILTER_FIELDS}
    errors: dict[str, list[str]] = {}
    parsed: dict[str, object] = {}
    for field in ("opened_from", "opened_to"):
        if raw[field]:
            parsed[field] = _date(raw[field], field, errors)
    if raw["practitioner"]:
        if raw["practitioner"].isdigit():
            parsed["practitioner"] = int(raw["practitioner"])
        else:
            errors["practitioner"] = [f"{raw['practitioner']!r} is not a user id"]
    for field, choices in (("protocol", Protocol.choices), ("startback", StartBackGroup.choices),
                           ("chronicity", CHRONICITY_CHOICES)):
        if raw[field]:
            parsed[field] = _choice(raw[field], field, choices, errors)
    start, end = parsed.get("opened_from"), parsed.get("opened_to")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and start > end:
        errors["opened_to"] = ["the end date is before the start date"]
    if errors:
        raise InputError(errors)
    return CohortFilter(**parsed)  # type: ignore[arg-type]
