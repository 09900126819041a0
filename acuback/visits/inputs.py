"""What a visit is written from, and the checks every write path shares.

Checks collect every problem at once (field -> messages), so a form can show each beside its
field and keep what was typed; the API answers them as one 422. Point keys are
"points.N.field", painkiller keys "painkillers.N.field" (N from 0).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from acuback.clinical.acupoints import Acupoint, UnknownPoint, catalogue
from acuback.clinical.analgesics import AnalgesicInputError, painkiller_use
from acuback.clinical.instruments import nrs
from acuback.clinical.pain_drawing import PainDrawingError, pain_regions
from acuback.errors import InputError
from acuback.plans.models import PointSide
from acuback.plans.proposals import Proposal
from acuback.visits.models import Adjunct, NeedleAngle, NeedleMismatch, Stimulation

Errors = dict[str, list[str]]
CLOCK_SKEW = dt.timedelta(minutes=5)
TEXT_MAX = 5000
MAX_POINTS = 60
MAX_NEEDLES = 200
# Needle sizes on sale: diameters 0.12-0.50 mm, lengths 7-150 mm (STRICTA 2g asks for both).
GAUGE_MM = (Decimal("0.12"), Decimal("0.50"))
LENGTH_MM = (7, 150)
DEPTH_MM = (Decimal("0.5"), Decimal("120"))
ESTIM_HZ = (Decimal("0.5"), Decimal("200"))
ESTIM_MA = (Decimal("0.1"), Decimal("50"))
# Mobility ranges (cm, degrees) a person can have; outside them the number is a slip.
FINGER_FLOOR_CM = (Decimal("-30"), Decimal("80"))
SCHOBER_CM = (Decimal("0"), Decimal("15"))
SLR_DEG = (0, 120)
RETENTION_MINUTES = (1, 120)


@dataclass(frozen=True)
class PointInput:
    code: str = ""  # empty for an Ashi point
    ashi_location: str = ""
    side: str = ""
    depth_mm: Decimal | None = None
    angle: str = ""
    gauge_mm: Decimal | None = None
    length_mm: int | None = None
    manufacturer: str = ""
    lot: str = ""
    stimulation: str = Stimulation.MANUAL
    estim_hz: Decimal | None = None
    estim_ma: Decimal | None = None
    electrode_pair: int | None = None
    de_qi: bool | None = None
    override_reason: str = ""


@dataclass(frozen=True)
class PainkillerInput:
    drug: str
    dose: Decimal
    times_a_day: int
    days_last_week: int
    name: str = ""  # required for "other"


@dataclass
class VisitInput:
    """Everything a practitioner writes on a draft visit. Writing replaces all of it."""

    room: str = ""
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    retention_minutes: int | None = None
    minutes_without_estim: int = 0
    minutes_with_estim: int = 0
    insertions: int = 1
    needles_in: int = 0
    needles_out: int = 0
    needle_mismatch_reason: str = ""
    needle_mismatch_note: str = ""
    adjuncts: list[str] = field(default_factory=list)
    adjunct_note: str = ""
    subjective: str = ""
    objective: str = ""
    assessment: str = ""
    plan_note: str = ""
    next_visit: str = ""
    finger_floor_cm: Decimal | None = None
    schober_cm: Decimal | None = None
    slr_left_deg: int | None = None
    slr_right_deg: int | None = None
    pain_regions: list[str] = field(default_factory=list)
    painkillers_taken: bool | None = None
    points: list[PointInput] = field(default_factory=list)
    painkillers: list[PainkillerInput] = field(default_factory=list)


@dataclass(frozen=True)
class CheckedPoint:
    data: PointInput
    code: str
    side: str
    excluded_why: str


@dataclass(frozen=True)
class CheckedVisit:
    data: VisitInput
    points: list[CheckedPoint]
    pain_regions: list[str]
    # For a visit recorded after the fact: what the patient's safety view now says against it
    # (a point now excluded, e-stim now refused), told rather than refused.
    cautions: dict[str, list[str]] = field(default_factory=dict)


def sentence(message: object) -> str:
    """A message as a sentence: its first letter capital (the rest untouched: codes keep their
    case), and a full stop."""
    text = str(message)
    return f"{text[:1].upper()}{text[1:]}{'' if text.endswith(('.', '?', '!')) else '.'}"


def as_decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return Decimal("NaN")


# --- the visit ---------------------------------------------------------------------------


def check_visit(data: VisitInput, proposal: Proposal, started_at: dt.datetime, *,
                recorded: bool = False) -> CheckedVisit:
    """Every problem of `data`, judged against the patient's safety view now (`proposal`).
    `recorded`: a visit that already happened elsewhere (an import): what today's view says
    against its points (excluded without a reason given, e-stim now refused) cannot undo it,
    so it is returned as cautions, not refused; every other check still refuses."""
    errors: Errors = {}
    cautions: Errors = {}
    _check_times(data, started_at, errors)
    _check_numbers(data, errors)
    _check_text(data, errors)
    regions = _check_regions(data.pain_regions, errors)
    points = _check_points(data.points, proposal, errors, cautions if recorded else errors)
    _check_estim_minutes(data, points, errors)
    check_painkillers(data.painkillers, errors, taken=data.painkillers_taken)
    if errors:
        raise InputError(errors)
    return CheckedVisit(data, points, regions, cautions)


def _check_times(data: VisitInput, started_at: dt.datetime, errors: Errors) -> None:
    start = data.started_at or started_at
    if start > timezone.now() + CLOCK_SKEW:
        errors["started_at"] = ["A visit cannot start in the future."]
    if data.ended_at is not None and data.ended_at < start:
        errors["ended_at"] = ["The visit cannot end before it started."]
    if data.ended_at is not None and data.ended_at > timezone.now() + CLOCK_SKEW:
        errors["ended_at"] = ["The end of the visit cannot be in the future."]


def _in(value: object, bounds: tuple[object, object]) -> bool:
    low, high = bounds
    try:
        return value is not None and low <= value <= high  # type: ignore[operator]
    except TypeError:
        return False


def _check_numbers(data: VisitInput, errors: Errors) -> None:
    low, high = nrs.DEFINITION.total_range  # the Pain NRS scale: 0-10
    for name in ("pain_before", "pain_after"):
        value = getattr(data, name)
        if value is not None and not (isinstance(value, int) and low <= value <= high):
            errors[name] = [f"Pain is a whole number from {low:g} to {high:g}, or blank."]
    checks = [
        ("retention_minutes", RETENTION_MINUTES, "Retention is 1 to 120 minutes, or blank."),
        ("finger_floor_cm", FINGER_FLOOR_CM, "Finger-to-floor is -30 to 80 cm."),
        ("schober_cm", SCHOBER_CM, "The modified Schober is 0 to 15 cm."),
        ("slr_left_deg", SLR_DEG, "A straight-leg raise is 0 to 120 degrees."),
        ("slr_right_deg", SLR_DEG, "A straight-leg raise is 0 to 120 degrees."),
    ]
    for name, bounds, message in checks:
        value = getattr(data, name)
        if value is not None and not _in(value, bounds):
            errors[name] = [message]
    for name in ("minutes_without_estim", "minutes_with_estim"):
        if not _in(getattr(data, name), (0, 480)):
            errors[name] = ["Face-to-face minutes are 0 to 480."]
    if not _in(data.insertions, (0, 20)):
        errors["insertions"] = ["Needles were inserted 0 to 20 times."]
    for name in ("needles_in", "needles_out"):
        if not _in(getattr(data, name), (0, MAX_NEEDLES)):
            errors[name] = [f"Count 0 to {MAX_NEEDLES} needles."]


def _check_text(data: VisitInput, errors: Errors) -> None:
    for name in ("subjective", "objective", "assessment", "plan_note", "next_visit",
                 "adjunct_note", "needle_mismatch_note"):
        if len(getattr(data, name)) > TEXT_MAX:
            errors[name] = [f"Keep this under {TEXT_MAX} characters."]
    if len(data.room) > 40:
        errors["room"] = ["Name the room in 40 characters or fewer."]
    unknown = sorted(set(data.adjuncts) - set(Adjunct.values))
    if unknown:
        errors["adjuncts"] = [f"Unknown adjunct(s): {', '.join(unknown)}."]
    if data.needle_mismatch_reason and data.needle_mismatch_reason not in NeedleMismatch.values:
        errors["needle_mismatch_reason"] = [
            f"Choose one of: {', '.join(NeedleMismatch.values)}."]


def _check_regions(ids: list[str], errors: Errors) -> list[str]:
    try:
        return pain_regions(ids)
    except PainDrawingError as exc:
        errors["pain_regions"] = [sentence(exc)]
        return []


def _check_estim_minutes(data: VisitInput, points: list[CheckedPoint], errors: Errors) -> None:
    electrical = any(p.data.stimulation == Stimulation.ELECTRICAL for p in points)
    if data.minutes_with_estim and not electrical:
        errors["minutes_with_estim"] = [
            "Time with e-stim needs at least one point stimulated electrically."]


# --- points ------------------------------------------------------------------------------


def _check_points(points: list[PointInput], proposal: Proposal,
                  errors: Errors, safety: Errors) -> list[CheckedPoint]:
    if len(points) > MAX_POINTS:
        errors["points"] = [f"At most {MAX_POINTS} points a visit."]
        return []
    checked: list[CheckedPoint] = []
    seen: set[tuple[str, str]] = set()
    for i, data in enumerate(points):
        point_errors: Errors = {}
        point_safety: Errors = {}
        result = _check_point(data, proposal, point_errors, point_safety)
        if result is not None:
            key = (result.code or data.ashi_location.strip().lower(), result.side)
            if key in seen:
                point_errors["code"] = [f"{result.code or 'This Ashi point'} is listed twice."]
            seen.add(key)
            checked.append(result)
        for name, messages in point_errors.items():
            errors[f"points.{i}.{name}"] = messages
        for name, messages in point_safety.items():
            safety[f"points.{i}.{name}"] = messages
    return checked


def _check_point(data: PointInput, proposal: Proposal, errors: Errors,
                 safety: Errors) -> CheckedPoint | None:
    """`safety` takes what the patient's safety view says against the point."""
    point: Acupoint | None = None
    if data.code.strip():
        try:
            point = catalogue().require(data.code)
        except UnknownPoint as exc:
            errors["code"] = [sentence(exc)]
            return None
    elif not data.ashi_location.strip():
        errors["ashi_location"] = ["An Ashi point needs its location (where it is tender)."]
    side = _side(point, data.side, errors)
    _check_needle(data, point, errors)
    _check_stimulation(data, point, proposal, errors, safety)
    excluded = proposal.exclusion(point) if point is not None else None
    if excluded and not data.override_reason.strip():
        safety["override_reason"] = [
            f"{point.code if point else ''} is excluded for this patient: {excluded}. To use it "
            "anyway, give your reason."]
    return CheckedPoint(data, point.code if point else "", side, excluded or "")


def _side(point: Acupoint | None, side: str, errors: Errors) -> str:
    if point is not None and not point.bilateral:
        return PointSide.MIDLINE  # a point on the midline has no side to choose
    if not side and point is not None:
        return PointSide.BILATERAL
    if not side:
        errors["side"] = ["Say which side the Ashi point is on (midline for one needle)."]
        return ""
    allowed = [PointSide.LEFT, PointSide.RIGHT, PointSide.BILATERAL]
    if point is None:
        allowed.append(PointSide.MIDLINE)
    if side not in allowed:
        errors["side"] = [f"Choose {', '.join(str(s) for s in allowed)}."]
    return side


def _check_needle(data: PointInput, point: Acupoint | None, errors: Errors) -> None:
    if data.depth_mm is not None:
        if not _in(data.depth_mm, DEPTH_MM):
            errors["depth_mm"] = ["Depth is 0.5 to 120 mm."]
        elif point is not None and point.max_depth_mm is not None and (
                data.depth_mm > Decimal(str(point.max_depth_mm))):
            errors["depth_mm"] = [
                f"{point.code} is needled no deeper than {point.max_depth_mm:g} mm "
                "(organs or vessels beneath)."]
    if data.angle and data.angle not in NeedleAngle.values:
        errors["angle"] = [f"Choose one of: {', '.join(NeedleAngle.values)}."]
    if data.gauge_mm is not None and not _in(data.gauge_mm, GAUGE_MM):
        errors["gauge_mm"] = ["Needle diameters run from 0.12 to 0.50 mm."]
    if data.length_mm is not None and not _in(data.length_mm, LENGTH_MM):
        errors["length_mm"] = ["Needle lengths run from 7 to 150 mm."]
    if len(data.lot) > 60 or len(data.manufacturer) > 80:
        errors["lot"] = ["Keep the lot under 60 and the maker under 80 characters."]
    if data.de_qi not in (None, True, False):
        errors["de_qi"] = ["De qi is yes, no, or not recorded."]


def _check_stimulation(data: PointInput, point: Acupoint | None, proposal: Proposal,
                       errors: Errors, safety: Errors) -> None:
    if data.stimulation not in Stimulation.values:
        errors["stimulation"] = [f"Choose one of: {', '.join(Stimulation.values)}."]
        return
    if data.stimulation != Stimulation.ELECTRICAL:
        return
    estim = proposal.prescription.estim
    if not estim.allowed:
        safety["stimulation"] = [f"No e-stim for this patient: {estim.why}."]
    elif point is not None and "no_estim_chest" in point.tags:
        errors["stimulation"] = [f"{point.code} lies over the chest: no e-stim there."]
    if not _in(data.estim_hz, ESTIM_HZ):
        errors["estim_hz"] = ["Give the e-stim frequency, 0.5 to 200 Hz."]
    if data.estim_ma is not None and not _in(data.estim_ma, ESTIM_MA):
        errors["estim_ma"] = ["E-stim intensity is 0.1 to 50 mA."]
    if not _in(data.electrode_pair, (1, 20)):
        errors["electrode_pair"] = ["Say which lead pair (1 to 20) the point is on."]


# --- painkillers -------------------------------------------------------------------------


def check_painkillers(uses: list[PainkillerInput], errors: Errors, *,
                      taken: bool | None = True, prefix: str = "painkillers") -> None:
    if uses and taken is not True:
        errors["painkillers_taken"] = [
            "Painkillers are listed: answer 'yes' to painkillers taken in the last week."]
    if taken is True and not uses:
        errors["painkillers"] = ["List what the patient took, or answer 'none'."]
    for i, use in enumerate(uses):
        try:
            painkiller_use(drug=use.drug, dose=float(use.dose), times_a_day=use.times_a_day,
                           days_last_week=use.days_last_week)
        except (AnalgesicInputError, TypeError, ValueError) as exc:
            errors[f"{prefix}.{i}"] = [sentence(exc)]
            continue
        if use.drug == "other" and not use.name.strip():
            errors[f"{prefix}.{i}.name"] = ["Name the painkiller."]
