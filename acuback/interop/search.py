"""FHIR search parameters acuback understands, parsed into queryset filters.

Unknown parameters are refused (400 with an OperationOutcome naming them) rather than
silently ignored: a misspelt `patient` must not return every patient's records.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from acuback.interop.sources import Source

DEFAULT_COUNT = 50
MAX_COUNT = 500
IGNORED = {"_format", "_pretty"}
_DATE = re.compile(
    r"^(eq|ne|ge|gt|le|lt)?(\d{4})(?:-(\d{2})(?:-(\d{2})(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


class SearchError(ValueError):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class Page:
    count: int
    offset: int


def _date_range(parameter: str, value: str) -> tuple[str, dt.datetime, dt.datetime]:
    """(prefix, start, end) of the interval the value names, in the clinic's time zone."""
    match = _DATE.match(value)
    if not match:
        raise SearchError(parameter, f"{parameter}={value!r}: give a date as [prefix]YYYY, "
                                     "YYYY-MM, YYYY-MM-DD or a date-time (prefixes eq, ne, "
                                     "ge, gt, le, lt).")
    prefix, year, month, day, time, _ = match.groups()
    zone = timezone.get_current_timezone()
    try:
        if time:
            start = dt.datetime.fromisoformat(value[len(prefix or ""):].replace("Z", "+00:00"))
            if timezone.is_naive(start):
                start = timezone.make_aware(start, zone)
            return prefix or "eq", start, start + dt.timedelta(seconds=1)
        y, m, d = int(year), int(month or 1), int(day or 1)
        first = dt.datetime(y, m, d, tzinfo=zone)
    except ValueError:
        raise SearchError(parameter, f"{parameter}={value!r} is not a real date.") from None
    if day:
        last = first + dt.timedelta(days=1)
    elif month:
        last = first + dt.timedelta(days=calendar.monthrange(y, m)[1])
    else:
        last = first.replace(year=y + 1)
    return prefix or "eq", first, last


def _date_filter(field: str, is_datetime: bool, prefix: str, start: dt.datetime,
                 end: dt.datetime) -> Q:
    low: object = start if is_datetime else start.date()
    high: object = end if is_datetime else end.date()
    inside = Q(**{f"{field}__gte": low, f"{field}__lt": high})
    return {
        "eq": inside, "ne": ~inside,
        "ge": Q(**{f"{field}__gte": low}), "gt": Q(**{f"{field}__gte": high}),
        "le": Q(**{f"{field}__lt": high}), "lt": Q(**{f"{field}__lt": low}),
    }[prefix]


def _reference_id(parameter: str, value: str, resource_type: str) -> int:
    """`patient=12`, `patient=Patient/12` or a full URL ending in Patient/12."""
    tail = value.rstrip("/").rsplit("/", 2)
    raw = tail[-1]
    if len(tail) > 1 and tail[-2] != resource_type:
        raise SearchError(parameter, f"{parameter} must name a {resource_type}.")
    try:
        return int(raw)
    except ValueError:
        raise SearchError(parameter, f"{parameter}={value!r} is not a {resource_type} id.") \
            from None


def _int(parameter: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SearchError(parameter, f"{parameter} must be a whole number.") from None
    if not low <= number <= high:
        raise SearchError(parameter, f"{parameter} must be between {low} and {high}.")
    return number


def apply(source: Source, qs: QuerySet, params: dict[str, list[str]]) -> tuple[QuerySet, Page]:
    """The queryset narrowed by the search parameters, and the page asked for."""
    count, offset = DEFAULT_COUNT, 0
    patient_params = {"patient", "subject"} if source.resource_type != "Patient" else set()
    for parameter, values in params.items():
        for value in values:
            if parameter in IGNORED:
                continue
            if parameter == "_count":
                count = _int(parameter, value, 0, MAX_COUNT)
            elif parameter == "_offset":
                offset = _int(parameter, value, 0, 10**9)
            elif parameter == "_id":
                ids = [_reference_id(parameter, v, source.resource_type) for v in value.split(",")]
                qs = qs.filter(pk__in=ids)
            elif parameter in patient_params:
                qs = qs.filter(**{source.patient_field: _reference_id(parameter, value,
                                                                      "Patient")})
            elif parameter in source.dates:
                field, is_datetime = source.dates[parameter]
                qs = qs.filter(_date_filter(field, is_datetime, *_date_range(parameter, value)))
            elif parameter == "identifier":
                qs = _identifier_filter(source, qs, value)
            else:
                known = ", ".join(sorted({"_id", "_count", "_offset", "identifier",
                                          *patient_params, *source.dates}))
                raise SearchError(parameter, f"{source.resource_type} cannot be searched by "
                                             f"{parameter!r}; use one of: {known}.")
    return qs, Page(count, offset)


def _identifier_filter(source: Source, qs: QuerySet, value: str) -> QuerySet:
    from acuback.interop.identity import records_with_identifier

    system, _, code = value.rpartition("|")
    return qs.filter(pk__in=records_with_identifier(source.kind, system or None, code))
