"""Choosing points: candidates from the trial protocols, then every safety filter.

The order of work, and so of the output:
1. candidates in priority order: the Cherkin 2009 core (low-back regions), local points for the
   region, points along the leg for radiation, acute-pain points, pattern points, distal points;
2. each is looked up in the catalogue and placed on a side;
3. contraindications remove points (with the reason), offering a substitute where one exists;
4. points with a pneumothorax risk are never proposed (our conservative rule, below);
5. a needle cap, if any, keeps the highest-priority points that fit;
6. e-stim is decided last, on what is left.

A health-history question never asked is unknown, not "no". Its contraindication is not applied
(we cannot guess it), but every warning list starts by naming it, and e-stim is refused while a
question that could forbid it is open. Interfaces read `Prescription.unanswered` to refuse to
save a plan while a question in `contraindications.DECISIVE` is open.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from acuback.clinical.acupoints import Acupoint, Catalogue, catalogue
from acuback.clinical.contraindications import (
    DECIDES_ESTIM,
    DECIDES_POINTS,
    Contraindication,
    EffectKind,
    Question,
    assess,
    effects_of,
    instructions,
    needle_cap,
    unanswered,
)
from acuback.clinical.prescribing.inputs import PrescriptionInput
from acuback.clinical.prescribing.protocols import (
    ACUTE_LOW_BACK,
    ACUTE_THORACIC,
    CHERKIN_REGIONS,
    CHERKIN_SET,
    DISTAL,
    LOCAL,
    PATTERN,
    RADIATION,
    SUBSTITUTES,
    Candidate,
)
from acuback.clinical.prescribing.vocabulary import Chronicity, Pattern, Region, Role, Side

PNEUMOTHORAX_TAG = "pneumothorax_risk"
NO_ESTIM_CHEST_TAG = "no_estim_chest"
NO_NEEDLING_TAG = "no_needling"
NO_DEEP_NEEDLING_TAG = "no_deep_needling"
MAJOR_VESSEL_TAG = "major_vessel_nerve"


@dataclass(frozen=True)
class ChosenPoint:
    code: str
    side: Side
    why: str

    @property
    def needles(self) -> int:
        return 2 if self.side == Side.BILATERAL else 1

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "side": self.side.value, "why": self.why}


@dataclass(frozen=True)
class ExcludedPoint:
    code: str
    why: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "why": self.why}


@dataclass(frozen=True)
class EstimDecision:
    allowed: bool
    why: str

    def to_dict(self) -> dict[str, object]:
        return {"allowed": self.allowed, "why": self.why}


@dataclass(frozen=True)
class Prescription:
    points: tuple[ChosenPoint, ...]
    estim: EstimDecision
    excluded: tuple[ExcludedPoint, ...]
    warnings: tuple[str, ...]
    contraindications: tuple[Contraindication, ...] = ()
    needle_cap: int | None = None
    unanswered: tuple[Question, ...] = ()  # health-history questions never asked

    @property
    def needle_count(self) -> int:
        """Needles the proposed points take (a bilateral point is two; Ashi points not counted)."""
        return sum(p.needles for p in self.points)

    def to_dict(self) -> dict[str, object]:
        return {
            "points": [p.to_dict() for p in self.points],
            "estim": self.estim.to_dict(),
            "excluded": [x.to_dict() for x in self.excluded],
            "warnings": list(self.warnings),
        }


@dataclass
class _Draft:
    point: Acupoint
    side: Side
    whys: list[str] = field(default_factory=list)

    def merge(self, side: Side, why: str) -> None:
        if side != self.side:  # left + bilateral, or left + right: both sides
            self.side = Side.BILATERAL
        if why not in self.whys:
            self.whys.append(why)

    def chosen(self) -> ChosenPoint:
        return ChosenPoint(code=self.point.code, side=self.side, why="; ".join(self.whys))


def prescribe(request: PrescriptionInput, lookup: Catalogue | None = None) -> Prescription:
    """Propose points for one patient; every point is in the catalogue and safe for them."""
    lookup = lookup if lookup is not None else catalogue()
    contras = assess(request.history)
    kept, excluded = _filter(candidates(request), request.side, contras, lookup)
    cap = needle_cap(contras)
    points, capped = _apply_cap(kept, cap, contras)
    excluded += capped
    open_questions = unanswered(request.history)
    estim = _estim(request, contras, points, open_questions)
    return Prescription(
        points=tuple(points),
        estim=estim,
        excluded=tuple(excluded),
        warnings=(*_unanswered_warnings(open_questions),
                  *_warnings(request, contras, points, cap, estim, lookup)),
        contraindications=contras,
        needle_cap=cap,
        unanswered=open_questions,
    )


def _unanswered_warnings(open_questions: tuple[Question, ...]) -> list[str]:
    """Say first what was never asked: the proposal cannot allow for it."""
    deciding = [q.words for q in open_questions if q in DECIDES_POINTS]
    other = [q.words for q in open_questions if q not in DECIDES_POINTS]
    found = []
    if deciding:
        found.append(
            f"Not asked: {', '.join(deciding)}. A yes to any of these would rule points out, "
            "and the points above do not allow for it: ask before needling."
        )
    if other:
        found.append(
            f"Not asked: {', '.join(other)}. A yes would change the technique (see the health "
            "history): ask before needling."
        )
    return found


def candidates(request: PrescriptionInput) -> list[Candidate]:
    """Every point the protocols suggest for this complaint, highest priority first."""
    found: list[Candidate] = []
    if request.region in CHERKIN_REGIONS:
        found += CHERKIN_SET
    found += LOCAL[request.region]
    found += RADIATION[request.radiation]
    if request.chronicity == Chronicity.ACUTE:
        found += ACUTE_THORACIC if request.region == Region.THORACIC else ACUTE_LOW_BACK
    if request.pattern is not None:
        found += PATTERN[request.pattern]
    found += DISTAL[request.region]
    return found


def place(role: Role, complaint: Side, point: Acupoint) -> Side:
    """The side to needle: midline points on the midline; local and leg points on the painful
    side of a one-sided complaint; everything else on both sides."""
    if not point.bilateral:
        return Side.MIDLINE
    if role in (Role.LOCAL, Role.RADIATION) and complaint in (Side.LEFT, Side.RIGHT):
        return complaint
    return Side.BILATERAL


def _filter(
    found: Iterable[Candidate],
    complaint: Side,
    contras: tuple[Contraindication, ...],
    lookup: Catalogue,
) -> tuple[list[_Draft], list[ExcludedPoint]]:
    kept: dict[str, _Draft] = {}
    excluded: dict[str, str] = {}
    queue = deque(found)
    while queue:
        candidate = queue.popleft()
        point = lookup.get(candidate.code)
        if point is None:
            # A gap in the catalogue is a data bug (a test checks every candidate), never a
            # reason to propose a point we cannot describe.
            excluded.setdefault(candidate.code.upper(), "not in the acupoint catalogue")
            continue
        side = place(candidate.role, complaint, point)
        if point.code in excluded:
            continue
        if point.code in kept:
            kept[point.code].merge(side, candidate.why)
            continue
        reasons = exclusion_reasons(point, contras) + _technique_reasons(point, candidate)
        if not reasons:
            kept[point.code] = _Draft(point, side, [candidate.why])
            continue
        excluded[point.code] = "; ".join(reasons)
        substitute = SUBSTITUTES.get(point.code)
        if substitute is not None and not _needling_forbidden(contras):
            queue.appendleft(substitute)
    return list(kept.values()), [ExcludedPoint(c, why) for c, why in excluded.items()]


def exclusion_reasons(point: Acupoint, contras: Iterable[Contraindication]) -> list[str]:
    """Why this patient's contraindications rule this point out (empty when they do not)."""
    return [r for r in (_reason(point, c) for c in contras) if r is not None]


def _reason(point: Acupoint, contra: Contraindication) -> str | None:
    """The one reason a contraindication rules a point out, the most specific first."""
    for effect in contra.effects:
        if effect.kind == EffectKind.EXCLUDE_TAG and effect.value in point.tags:
            return f"tagged {effect.value}: {contra.why}"
    for effect in contra.effects:
        if (
            effect.kind == EffectKind.FORBID_NEEDLING
            or (effect.kind == EffectKind.EXCLUDE_POINT and effect.value == point.code)
            or (effect.kind == EffectKind.EXCLUDE_REGION and effect.value == point.region)
        ):
            return contra.why
    return None


def _technique_reasons(point: Acupoint, candidate: Candidate) -> list[str]:
    """Reasons that hold for every patient: points not needled at all, and lung risk."""
    reasons: list[str] = []
    if NO_NEEDLING_TAG in point.tags:
        reasons.append("not a needling point (catalogue tag no_needling)")
    if PNEUMOTHORAX_TAG in point.tags and not candidate.below_pleura:
        reasons.append(_pneumothorax_reason(point))
    return reasons


def _pneumothorax_reason(point: Acupoint) -> str:
    # Pneumothorax is the most frequent serious needling complication (Zhang, Shang & Ernst, Bull
    # WHO 2010; DOMAIN.md 4.2), and the safe depth varies with build, posture and breathing (Chen
    # 2018, GB21). Our conservative rule: the prescriber never proposes such a point; a
    # practitioner who adds one by hand is told the catalogue's depth limit.
    depth = point.max_depth_mm
    limit = f"; if added by hand, needle no deeper than {depth:g} mm" if depth else ""
    return f"pneumothorax risk: never proposed automatically (our conservative rule){limit}"


def _needling_forbidden(contras: Iterable[Contraindication]) -> bool:
    return bool(effects_of(contras, EffectKind.FORBID_NEEDLING))


def _apply_cap(
    kept: list[_Draft], cap: int | None, contras: tuple[Contraindication, ...]
) -> tuple[list[ChosenPoint], list[ExcludedPoint]]:
    """Keep points in priority order while they fit under the cap; skip the ones that do not."""
    chosen = [d.chosen() for d in kept]
    if cap is None:
        return chosen, []
    points: list[ChosenPoint] = []
    capped: list[ExcludedPoint] = []
    used = 0
    why = f"needle cap of {cap} reached ({_cap_owners(cap, contras)})"
    for point in chosen:
        if used + point.needles <= cap:
            points.append(point)
            used += point.needles
        else:
            capped.append(ExcludedPoint(point.code, why))
    return points, capped


def _cap_owners(cap: int, contras: Iterable[Contraindication]) -> str:
    owners = [
        c.kind.value.replace("_", " ")
        for e, c in effects_of(contras, EffectKind.LIMIT_NEEDLES)
        if e.value == cap
    ]
    return " and ".join(dict.fromkeys(owners))


def _estim(
    request: PrescriptionInput,
    contras: tuple[Contraindication, ...],
    points: list[ChosenPoint],
    open_questions: tuple[Question, ...] = (),
) -> EstimDecision:
    forbidders = [c.why for _, c in effects_of(contras, EffectKind.FORBID_ESTIM)]
    if forbidders:
        return EstimDecision(False, "not allowed: " + "; ".join(dict.fromkeys(forbidders)))
    if not request.estim_requested:
        return EstimDecision(False, "not requested")
    unknown = [q.words for q in open_questions if q in DECIDES_ESTIM]
    if unknown:
        return EstimDecision(
            False, f"not allowed until asked: {', '.join(unknown)} (a yes would forbid e-stim)"
        )
    if request.region == Region.THORACIC:
        # Sierpina 2005: no e-stim over the heart. Current between upper-back points can run
        # close to it; our conservative rule is no e-stim for thoracic pain.
        return EstimDecision(
            False,
            "not allowed for thoracic pain: current over the upper back runs close to the heart "
            "(Sierpina 2005; our conservative rule)",
        )
    if not points:
        return EstimDecision(False, "no points to stimulate")
    return EstimDecision(True, "requested, and nothing in the health history forbids it")


def _warnings(
    request: PrescriptionInput,
    contras: tuple[Contraindication, ...],
    points: list[ChosenPoint],
    cap: int | None,
    estim: EstimDecision,
    lookup: Catalogue,
) -> list[str]:
    if _needling_forbidden(contras):
        why = effects_of(contras, EffectKind.FORBID_NEEDLING)[0][1].why
        return [
            f"No needling for this patient ({why}); no points are proposed. Consider "
            "non-penetrating care such as acupressure, and discuss with the patient's doctor."
        ]
    warnings = [
        "Add Ashi (tender) points found on palpation: they have no catalogue code, so none is "
        "listed here (Cherkin 2009 added one Ashi point to its standard set)."
    ]
    if cap is not None:
        warnings.append(
            f"At most {cap} needles in a session ({_cap_owners(cap, contras)}); the points above "
            f"take {sum(p.needles for p in points)}, and any Ashi points count toward the cap."
        )
    warnings += [_sentence(text) for text in instructions(contras)]
    warnings += _point_warnings(points, lookup)
    warnings += _context_warnings(request)
    if estim.allowed:
        warnings += _estim_warnings(points, lookup)
    return warnings


def _point_warnings(points: list[ChosenPoint], lookup: Catalogue) -> list[str]:
    """Cautions the catalogue carries for the points we kept."""
    found: list[str] = []
    for chosen in points:
        point = lookup.require(chosen.code)
        if point.max_depth_mm:
            found.append(f"{point.code}: needle no deeper than {point.max_depth_mm:g} mm.")
        if NO_DEEP_NEEDLING_TAG in point.tags:
            found.append(
                f"{point.code}: shallow needling only, a vital structure lies beneath "
                f"(catalogue depth: {point.depth})."
            )
        if MAJOR_VESSEL_TAG in point.tags:
            found.append(
                f"{point.code}: a major vessel or nerve lies beneath; palpate and needle beside it."
            )
    if any(p.code == "EX-B2" for p in points):
        found.append(
            "EX-B2 (Jiaji): lumbar levels only (L1-L5; thoracic levels carry a pneumothorax "
            "risk); each level used adds a needle per side, counted against any cap."
        )
    return found


def _context_warnings(request: PrescriptionInput) -> list[str]:
    found: list[str] = []
    if request.region == Region.THORACIC:
        found.append(
            "No trial protocol exists for thoracic pain: local points are the thoracic-level "
            "members of the ART list, and points with a pneumothorax risk are left out."
        )
    if request.chronicity != Chronicity.CHRONIC:
        found.append(
            "The point sets come from trials in chronic low back pain (Cherkin 2009, Brinkhaus "
            f"2006); for {request.chronicity.value} pain they are conventional practice, not "
            "trial-tested."
        )
    if request.pattern is not None:
        found.append("Pattern points follow conventional TCM teaching, not trial evidence.")
    if request.pattern == Pattern.COLD_DAMP:
        found.append(
            "Moxibustion is conventional for a cold-damp pattern (e.g. at GV4); it is not "
            "prescribed here, so decide it clinically."
        )
    return found


def _estim_warnings(points: list[ChosenPoint], lookup: Catalogue) -> list[str]:
    chest = [p.code for p in points if NO_ESTIM_CHEST_TAG in lookup.require(p.code).tags]
    found = ["Never run e-stim current across the chest or near the heart (Sierpina 2005)."]
    if chest:
        found.append(f"Do not connect e-stim leads to {', '.join(chest)} (over the chest).")
    return found


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."
