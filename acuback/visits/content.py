"""What a signature covers: a visit's clinical content as one canonical JSON value, its SHA-256,
and the check that stored content still matches the hash taken when it was signed.

Once signed, a visit's content hash is fixed; if anything under it changes afterwards (a row
edited in the database by hand, a bug that bypassed the services), the hash no longer matches
and every page showing the visit raises a tamper flag (GNU Health flags a signed note the same
way). Amendments carry their own hash, chained to the visit's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from acuback.visits.models import Amendment, PainkillerUse, Visit, VisitPoint

VISIT_FIELDS = (
    "id", "episode_id", "practitioner_id", "number", "started_at", "ended_at", "room",
    "started_from", "plan_id", "pain_before", "pain_after", "retention_minutes",
    "retention_started_at", "minutes_without_estim", "minutes_with_estim", "insertions",
    "needles_in", "needles_out", "needle_mismatch_reason", "needle_mismatch_note", "adjuncts",
    "adjunct_note", "subjective", "objective", "assessment", "plan_note", "next_visit",
    "finger_floor_cm", "schober_cm", "slr_left_deg", "slr_right_deg", "pain_regions",
    "pain_outline_version", "painkillers_taken", "cpt", "cpt_rule_version", "signed_at",
    "signed_by_id",
)
POINT_FIELDS = (
    "position", "code", "ashi_location", "side", "depth_mm", "angle", "gauge_mm", "length_mm",
    "manufacturer", "lot", "stimulation", "estim_hz", "estim_ma", "electrode_pair", "de_qi",
    "override_reason", "excluded_why",
)
PAINKILLER_FIELDS = (
    "drug", "name", "drug_class", "dose", "unit", "times_a_day", "days_last_week",
    "mme_per_day", "list_version", "mme_table_version", "recorded_by_id",
)
AMENDMENT_FIELDS = ("visit_id", "kind", "section", "text", "reason", "refers_to", "author_id",
                    "at")


def _value(value: Any) -> Any:
    """Values as they read back from any database: decimals normalised ("1.50" == "1.5"),
    times in ISO form."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _fields(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _value(getattr(obj, name)) for name in names}


def visit_content(visit: Visit, points: Iterable[VisitPoint] | None = None,
                  painkillers: Iterable[PainkillerUse] | None = None) -> dict[str, Any]:
    """Everything the practitioner signs: the visit, its points and its painkillers (the
    visit's own rows unless given)."""
    points = visit.points.all() if points is None else points
    painkillers = visit.painkillers.all() if painkillers is None else painkillers
    return {
        **_fields(visit, VISIT_FIELDS),
        "points": [_fields(p, POINT_FIELDS) for p in points],
        "painkillers": [_fields(p, PAINKILLER_FIELDS) for p in painkillers],
    }


def digest(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def visit_hash(visit: Visit, points: Iterable[VisitPoint] | None = None,
               painkillers: Iterable[PainkillerUse] | None = None) -> str:
    return digest(visit_content(visit, points, painkillers))


def amendment_hash(amendment: Amendment, visit_hash_value: str) -> str:
    return digest({**_fields(amendment, AMENDMENT_FIELDS), "visit_hash": visit_hash_value})


@dataclass(frozen=True)
class Integrity:
    ok: bool
    problems: tuple[str, ...]


def visit_integrity(visit: Visit) -> Integrity:
    """For a signed visit: does the stored content still match its signature, and each
    amendment its own hash? A draft has nothing to check."""
    if not visit.is_signed:
        return Integrity(True, ())
    problems = []
    if visit_hash(visit) != visit.content_hash:
        problems.append("The stored visit no longer matches the hash taken when it was signed.")
    for amendment in visit.amendments.all():
        if amendment_hash(amendment, visit.content_hash) != amendment.content_hash:
            problems.append(f"The {amendment.get_kind_display().lower()} of "
                            f"{amendment.at:%-d %b %Y %H:%M} no longer matches its hash.")
    return Integrity(not problems, tuple(problems))
