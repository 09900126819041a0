"""Writes to a draft visit: start it, fill it in, count needles, run the retention timer.

Each service checks access and the lock first (audited, outside the transaction), then
validates and writes in one transaction. Every write of a draft names the version it was made
against and is refused if the visit changed meanwhile (`StaleVersion`); a signed visit is
refused (`VisitLocked`) whichever path the write comes by. Signing and amending live in
`acuback.visits.signing`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from acuback.accounts.models import User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical.analgesics import painkiller_use
from acuback.clinical.cpt import CptUnits, cpt_units
from acuback.clinical.pain_drawing import OUTLINE_VERSION
from acuback.cohort.summaries import refresh_episode_summary
from acuback.episodes.models import Episode
from acuback.errors import ConflictError, InputError
from acuback.plans.proposals import Proposal
from acuback.plans.selectors import plan_current, plan_proposal
from acuback.visits.access import (
    StaleVersion,
    VisitLocked,
    live_visits,
    require_author,
    require_clinician,
    require_draft,
    require_needling_allowed,
)
from acuback.visits.inputs import CheckedVisit, PainkillerInput, PointInput, VisitInput, check_visit
from acuback.visits.models import (
    PainkillerUse,
    PointCombination,
    StartedFrom,
    Stimulation,
    Visit,
    VisitPoint,
    VisitStatus,
)

DEFAULT_RETENTION_MINUTES = 20  # Cherkin 2009 and many trials: 20-minute sessions


# --- start -------------------------------------------------------------------------------


def visit_start(
    *, actor: User, episode: Episode, source: str, combination: PointCombination | None = None,
    room: str = "", started_at: dt.datetime | None = None, external_id: str = "",
) -> Visit:
    """Open a draft visit of the episode, its points taken from the episode's current plan,
    from the last visit ("same as last time"), from a saved combination, or none.
    `external_id` is another system's id for an imported visit."""
    require_clinician(actor, clinic_id=episode.clinic_id, what="visit",
                      detail={"episode": episode.pk})
    require_needling_allowed(actor, episode)
    points, plan, extra = _starting_points(actor, episode, source, combination)
    try:
        with transaction.atomic():
            visit = insert_draft(actor, episode, source, plan, combination, points, extra,
                            room.strip()[:40], started_at or timezone.now())
            if external_id:
                Visit.objects.filter(pk=visit.pk).update(external_id=external_id)
                visit.external_id = external_id
            return visit
    except IntegrityError as exc:  # two starts raced for the same visit number
        raise ConflictError("Another visit of this episode was started at the same moment; "
                            "reload.") from exc


def _starting_points(
    actor: User, episode: Episode, source: str, combination: PointCombination | None,
) -> tuple[list[PointInput], object, dict[str, object]]:
    if source == StartedFrom.PLAN:
        plan = plan_current(episode)
        if plan is None:
            raise InputError({"source": ["This episode has no treatment plan yet: make one, "
                                         "or start from a combination or a blank visit."]})
        return [PointInput(code=p.code, side=p.side, override_reason=p.override_reason)
                for p in plan.points.all()], plan, {}
    if source == StartedFrom.LAST_VISIT:
        last = live_visits(episode.visits.all()).order_by("-number").first()
        if last is None:
            raise InputError({"source": ["There is no earlier visit in this episode to copy."]})
        return ([point_input(p) for p in last.points.all()], None,
                {"retention_minutes": last.retention_minutes, "insertions": last.insertions})
    if source == StartedFrom.COMBINATION:
        if combination is None or combination.clinic_id != episode.clinic_id or (
                combination.owner_id not in (None, actor.pk)) or combination.archived:
            raise InputError({"combination": ["Choose one of your saved combinations."]})
        return [PointInput(code=p.get("code", ""), side=p.get("side", ""),
                           ashi_location=p.get("ashi_location", ""))
                for p in combination.points], None, {}
    if source == StartedFrom.BLANK:
        return [], None, {}
    raise InputError({"source": [f"Start from one of: {', '.join(StartedFrom.values)}."]})


def insert_draft(
    actor: User, episode: Episode, source: str, plan: object, combination: object,
    points: list[PointInput], extra: dict[str, object], room: str, started_at: dt.datetime,
    practitioner: User | None = None, **stored: object,
) -> Visit:
    """The draft's row and its starting points; `practitioner` (default: the actor) is whose
    visit it is, and `stored` more of its values (an import's marks)."""
    Episode.objects.select_for_update().filter(pk=episode.pk).first()  # one start at a time
    number = (episode.visits.aggregate(n=Max("number"))["n"] or 0) + 1
    visit = Visit.objects.create(
        clinic_id=episode.clinic_id, episode=episode, practitioner=practitioner or actor,
        number=number, **stored,
        started_at=started_at, room=room, started_from=source, plan=plan,
        combination=combination,
        retention_minutes=extra.get("retention_minutes") or DEFAULT_RETENTION_MINUTES,
        insertions=extra.get("insertions") or 1, pain_outline_version=OUTLINE_VERSION,
    )
    VisitPoint.objects.bulk_create(
        [VisitPoint(visit=visit, position=i, **_point_values(p, p.code, p.side, ""))
         for i, p in enumerate(points)])
    refresh_episode_summary(episode.pk)  # the cohort report's treatments
    audit_record(actor=actor, action=Action.CREATE, object_type="visit", object_id=visit.pk,
                 outcome=Outcome.OK, clinic_id=visit.clinic_id,
                 detail={"episode": episode.pk, "number": number, "from": source,
                         "points": [p.code or "ashi" for p in points]})
    return visit


# --- update ------------------------------------------------------------------------------

VISIT_VALUE_FIELDS = (
    "room", "ended_at", "pain_before", "pain_after", "retention_minutes",
    "minutes_without_estim", "minutes_with_estim", "insertions", "needles_in", "needles_out",
    "needle_mismatch_reason", "needle_mismatch_note", "adjuncts", "adjunct_note", "subjective",
    "objective", "assessment", "plan_note", "next_visit", "finger_floor_cm", "schober_cm",
    "slr_left_deg", "slr_right_deg", "painkillers_taken",
)
TEXT_FIELDS = ("room", "needle_mismatch_note", "adjunct_note", "subjective", "objective",
               "assessment", "plan_note", "next_visit")


def visit_proposal(visit: Visit) -> Proposal:
    """The prescriber's safety view of this patient now, asked with e-stim wanted, so that an
    electrically stimulated point is judged exactly as a plan's e-stim is."""
    return plan_proposal(visit.episode, pattern=None, estim_requested=True)


def visit_update(*, actor: User, visit: Visit, data: VisitInput, version: int) -> Visit:
    """Replace the draft's content with `data` (points and painkillers included), made against
    `version`. Refused if the visit is signed or changed since."""
    require_author(actor, visit)
    require_draft(actor, visit)
    checked = check_visit(data, visit_proposal(visit), visit.started_at)
    with transaction.atomic():
        return write_draft(actor, visit, checked, version)


def write_draft(actor: User, visit: Visit, checked: CheckedVisit, version: int) -> Visit:
    """The write itself: callers have checked access and the input, and hold the transaction."""
    data = checked.data
    values = {name: getattr(data, name) for name in VISIT_VALUE_FIELDS}
    values.update({name: str(values[name]).strip() for name in TEXT_FIELDS})
    values["adjuncts"] = sorted(set(data.adjuncts))
    values["pain_regions"] = checked.pain_regions
    values["started_at"] = data.started_at or visit.started_at
    cpt = visit_cpt(visit, data)
    values.update(cpt=cpt.to_dict(), cpt_rule_version=cpt.rule_version)
    changed = sorted(k for k, v in values.items() if getattr(visit, k) != v)
    write_versioned(visit, version, values)
    visit.points.all().delete()  # a draft's rows are replaced as a whole; signed ones never
    VisitPoint.objects.bulk_create([
        VisitPoint(visit=visit, position=i, **_point_values(p.data, p.code, p.side,
                                                            p.excluded_why))
        for i, p in enumerate(checked.points)])
    visit.painkillers.all().delete()
    _create_painkillers(actor, visit, data.painkillers)
    audit_record(actor=actor, action=Action.UPDATE, object_type="visit", object_id=visit.pk,
                 outcome=Outcome.OK, clinic_id=visit.clinic_id,
                 detail={"fields": changed, "points": [p.code or "ashi" for p in checked.points],
                         "version": version + 1})
    return visit_reload(visit)


def write_versioned(visit: Visit, version: int, values: dict[str, object]) -> None:
    """UPDATE ... WHERE version = the one read AND status = draft: the lock and the version are
    checked by the same statement that writes."""
    updated = Visit.objects.filter(pk=visit.pk, version=version, status=VisitStatus.DRAFT).update(
        version=F("version") + 1, updated_at=timezone.now(), **values)
    if updated:
        return
    current = visit_reload(visit)
    if current.status != VisitStatus.DRAFT:
        raise VisitLocked("This visit was signed meanwhile: add an amendment instead.")
    raise StaleVersion(current)


def _point_values(p: PointInput, code: str, side: str, excluded_why: str) -> dict[str, object]:
    values = asdict(p)
    values.update(code=code, side=side, excluded_why=excluded_why,
                  ashi_location="" if code else p.ashi_location.strip(),
                  lot=p.lot.strip(), manufacturer=p.manufacturer.strip(),
                  override_reason=p.override_reason.strip() if excluded_why else "")
    if p.stimulation != Stimulation.ELECTRICAL:
        values.update(estim_hz=None, estim_ma=None, electrode_pair=None)
    return values


def _create_painkillers(actor: User, visit: Visit, uses: list[PainkillerInput]) -> None:
    PainkillerUse.objects.bulk_create([
        painkiller_row(actor, visit.episode, visit, use, timezone.now()) for use in uses])


def painkiller_row(actor: User, episode: Episode, visit: Visit | None, use: PainkillerInput,
                   at: dt.datetime) -> PainkillerUse:
    derived = painkiller_use(drug=use.drug, dose=float(use.dose), times_a_day=use.times_a_day,
                             days_last_week=use.days_last_week)
    name = use.name.strip()[:100] if use.drug == "other" else derived.drug.name
    return PainkillerUse(
        clinic_id=episode.clinic_id, episode=episode, visit=visit, drug=derived.drug.id,
        name=name, drug_class=derived.drug.drug_class, dose=use.dose, unit=derived.drug.unit,
        times_a_day=use.times_a_day, days_last_week=use.days_last_week,
        mme_per_day=None if derived.mme_per_day is None else Decimal(str(derived.mme_per_day)),
        list_version=derived.list_version, mme_table_version=derived.mme_table_version,
        recorded_by=actor, recorded_at=at,
    )


def visit_cpt(visit: Visit, data: VisitInput | None = None) -> CptUnits:
    """The CPT lines of the visit as written (or as `data` would write it). The initial code
    counts as billed today when another live visit of the same patient earlier the same day
    holds face-to-face time (one initial code a day)."""
    source = data if data is not None else visit
    started = (data.started_at if data is not None and data.started_at else visit.started_at)
    day = timezone.localtime(started).date()
    earlier = live_visits(Visit.objects.filter(
        episode__patient_id=visit.episode.patient_id, started_at__date=day,
        started_at__lt=started).exclude(pk=visit.pk)).filter(
        Q(minutes_without_estim__gt=0) | Q(minutes_with_estim__gt=0)).exists()
    needled = source.needles_in > 0
    return cpt_units(
        minutes_without_estim=source.minutes_without_estim,
        minutes_with_estim=source.minutes_with_estim,
        insertions=source.insertions if needled else 0, initial_billed_today=earlier,
    )


def visit_reload(visit: Visit) -> Visit:
    return (Visit.objects.select_related("episode__patient", "practitioner", "signed_by")
            .prefetch_related("points", "painkillers", "amendments__author").get(pk=visit.pk))


def point_input(p: VisitPoint) -> PointInput:
    return PointInput(
        code=p.code, ashi_location=p.ashi_location, side=p.side, depth_mm=p.depth_mm,
        angle=p.angle, gauge_mm=p.gauge_mm, length_mm=p.length_mm, manufacturer=p.manufacturer,
        lot=p.lot, stimulation=p.stimulation, estim_hz=p.estim_hz, estim_ma=p.estim_ma,
        electrode_pair=p.electrode_pair, de_qi=p.de_qi, override_reason=p.override_reason,
    )


def painkiller_input(p: PainkillerUse) -> PainkillerInput:
    return PainkillerInput(drug=p.drug, dose=p.dose, times_a_day=p.times_a_day,
                           days_last_week=p.days_last_week,
                           name=p.name if p.drug == "other" else "")


def visit_input_from(visit: Visit) -> VisitInput:
    """The visit's current content as an input, for a write that changes one part of it."""
    values = {name: getattr(visit, name) for name in VISIT_VALUE_FIELDS}
    return VisitInput(
        **values, started_at=visit.started_at, pain_regions=list(visit.pain_regions),
        points=[point_input(p) for p in visit.points.all()],
        painkillers=[painkiller_input(p) for p in visit.painkillers.all()],
    )


def visit_points_set(*, actor: User, visit: Visit, points: list[PointInput],
                     version: int) -> Visit:
    return visit_update(actor=actor, visit=visit, version=version,
                        data=replace(visit_input_from(visit), points=points))


def visit_painkillers_set(*, actor: User, visit: Visit, taken: bool | None,
                          painkillers: list[PainkillerInput], version: int) -> Visit:
    return visit_update(actor=actor, visit=visit, version=version,
                        data=replace(visit_input_from(visit), painkillers_taken=taken,
                                     painkillers=painkillers))


# --- needle counter and timer --------------------------------------------------------------


@dataclass(frozen=True)
class Counted:
    visit: Visit
    in_step: bool  # the counter's version was the current one: the page may take the new one


def visit_count(*, actor: User, visit: Visit, which: str, delta: int, seen_version: int) -> Counted:
    """Tap to count: one needle in (or out), or one back. A count is never refused for a stale
    page (a needle went in whatever else changed), but only a page that was current may take
    the new version, so an edit made elsewhere still shows as a conflict when it saves. The
    first needle in starts the retention timer."""
    if which not in ("in", "out") or delta not in (1, -1):
        raise InputError({"which": ["Count one needle in or out (+1 or -1)."]})
    require_author(actor, visit)
    require_draft(actor, visit)
    if which == "in" and delta > 0:
        require_needling_allowed(actor, visit.episode)
    column = "needles_in" if which == "in" else "needles_out"
    values: dict[str, object] = {column: Greatest(F(column) + delta, 0)}
    if which == "in" and delta > 0:
        values["retention_started_at"] = Coalesce(F("retention_started_at"), timezone.now())
    with transaction.atomic():
        before = Visit.objects.select_for_update().filter(pk=visit.pk).values_list(
            "version", flat=True).first()
        write_versioned(visit, int(before or 0), values)
        audit_record(actor=actor, action=Action.UPDATE, object_type="visit", object_id=visit.pk,
                     outcome=Outcome.OK, clinic_id=visit.clinic_id,
                     detail={"needles": which, "delta": delta})
    return Counted(visit_reload(visit), in_step=before == seen_version)


def visit_timer_start(*, actor: User, visit: Visit, minutes: int,
                      seen_version: int | None = None) -> Counted:
    """(Re)start the retention timer now for `minutes` (like a count, never refused for a
    stale page)."""
    require_author(actor, visit)
    require_draft(actor, visit)
    if not 1 <= minutes <= 120:
        raise InputError({"retention_minutes": ["Retention is 1 to 120 minutes."]})
    with transaction.atomic():
        before = Visit.objects.select_for_update().filter(pk=visit.pk).values_list(
            "version", flat=True).first()
        write_versioned(visit, int(before or 0), {"retention_started_at": timezone.now(),
                                                   "retention_minutes": minutes})
        audit_record(actor=actor, action=Action.UPDATE, object_type="visit", object_id=visit.pk,
                     outcome=Outcome.OK, clinic_id=visit.clinic_id,
                     detail={"timer": minutes})
    return Counted(visit_reload(visit), in_step=before == seen_version)
