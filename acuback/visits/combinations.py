"""Saved point combinations: a practitioner's own, or shared with the whole clinic, that a
visit can start from. Not clinical records: one that is no longer wanted is archived."""

from __future__ import annotations

from django.db import transaction

from acuback.accounts.models import User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical.acupoints import UnknownPoint, catalogue
from acuback.errors import InputError
from acuback.visits.access import require_clinician
from acuback.visits.inputs import sentence
from acuback.visits.models import PointCombination, Visit

MAX_NAME = 100


def combination_save(*, actor: User, clinic_id: int, name: str, points: list[dict[str, str]],
                     shared: bool = False) -> PointCombination:
    """Keep `points` ([{code, side} or {ashi_location, side}]) under a name."""
    require_clinician(actor, clinic_id=clinic_id, what="combination")
    errors: dict[str, list[str]] = {}
    if not name.strip() or len(name) > MAX_NAME:
        errors["name"] = [f"Name the combination (up to {MAX_NAME} characters)."]
    cleaned = []
    for p in points:
        code = p.get("code", "").strip()
        try:
            code = catalogue().require(code).code if code else ""
        except UnknownPoint as exc:
            errors.setdefault("points", []).append(sentence(exc))
        cleaned.append({"code": code, "side": p.get("side", ""),
                        "ashi_location": "" if code else p.get("ashi_location", "").strip()})
    if not cleaned:
        errors["points"] = ["A combination needs at least one point."]
    if errors:
        raise InputError(errors)
    with transaction.atomic():
        combination = PointCombination.objects.create(
            clinic_id=clinic_id, owner=None if shared else actor, name=name.strip(),
            points=cleaned, created_by=actor)
        audit_record(actor=actor, action=Action.CREATE, object_type="combination",
                     object_id=combination.pk, outcome=Outcome.OK, clinic_id=clinic_id,
                     detail={"name": combination.name, "shared": shared})
    return combination


def combination_from_visit(*, actor: User, visit: Visit, name: str,
                           shared: bool = False) -> PointCombination:
    points = [{"code": p.code, "side": p.side, "ashi_location": p.ashi_location}
              for p in visit.points.all()]
    return combination_save(actor=actor, clinic_id=visit.clinic_id, name=name, points=points,
                            shared=shared)
