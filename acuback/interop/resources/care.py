"""A treatment plan as a CarePlan (`plan-<id>`) with its goals contained as Goal resources, and
each informed consent to acupuncture as a Consent (`consent-<id>`). Consents are imported by
acuback.interop.care_import, plans by acuback.interop.plan_import.

A plan is never edited: a revision is a new plan, which `replaces` the one before it; the
latest is `active` (while its episode is), an earlier one `revoked`. The course (sessions, a
week, e-stim) is the first activity; each point is an activity of its own, coded in the acupoint
CodeSystem, with its side, why it was chosen and, for a point chosen although the prescriber
excluded it for this patient, the override's reason. The plan's own questionnaires (added to the
default schedule) are extensions of the course, `plan-questionnaire` each (instrument, moment,
n). A goal on a score is a Goal with a target
(ODI < 20); a goal in words is a Goal with that description.
"""

from __future__ import annotations

from typing import Any

from acuback.clinical.instruments.fhir import BASE
from acuback.episodes.models import EpisodeStatus
from acuback.interop.resources.common import (
    CODE_SYSTEM,
    EXTENSION,
    Identities,
    Json,
    concept,
    episode_extension,
    extension,
    fhir_text,
    reference,
    without_empty,
)
from acuback.interop.resources.terminology import ACUPOINT_SYSTEM
from acuback.interop.resources.visits import SNOMED_ACUPUNCTURE
from acuback.patients.models import Consent
from acuback.plans.models import Pattern, Plan, PlanPoint, describe_goal

KIND_PLAN, KIND_CONSENT = "plan", "consent"
PLAN_PREFIX, CONSENT_PREFIX = "plan-", "consent-"
PATTERN_SYSTEM = f"{CODE_SYSTEM}/tcm-pattern"
CONSENT_TEXT_SYSTEM = f"{CODE_SYSTEM}/consent-text"
FHIR_COMPARATORS = {"<", "<=", ">=", ">"}
QUESTIONNAIRE_EXTENSION = "plan-questionnaire"


def _goal(index: int, goal: dict[str, Any], plan: Plan, current: bool) -> Json:
    target: Json = {}
    instrument = goal.get("instrument")
    if instrument:
        quantity: Json = {"value": goal.get("target")}
        if goal.get("comparator") in FHIR_COMPARATORS:
            quantity["comparator"] = goal["comparator"]
        target = {"measure": concept(f"{BASE}/CodeSystem/instrument", str(instrument),
                                     text=str(instrument).upper()),
                  "detailQuantity": quantity}
    return without_empty({
        "resourceType": "Goal",
        "id": f"goal-{index + 1}",
        "lifecycleStatus": "active" if current else "cancelled",
        "description": {"text": fhir_text(describe_goal(goal)) or "goal"},
        "subject": reference("Patient", plan.episode.patient_id),
        "target": [target] if target else [],
    })


def _point(point: PlanPoint, status: str) -> Json:
    extensions = [extension("point-side", "Code", point.side)]
    if point.overridden:
        extensions += [extension("point-override-reason", "String",
                                 fhir_text(point.override_reason) or "overridden"),
                       *([extension("point-excluded-why", "String",
                                    fhir_text(point.excluded_why))]
                         if point.excluded_why else [])]
    return {"detail": without_empty({
        "extension": extensions,
        "code": concept(ACUPOINT_SYSTEM, point.code),
        "status": status,
        "description": fhir_text(point.why),
    })}


def _course(plan: Plan, status: str) -> Json:
    extensions = [extension("estim", "Boolean", plan.estim)]
    if plan.reassess_after_session is not None:
        extensions.append(extension("reassess-after-session", "Integer",
                                    plan.reassess_after_session))
    if plan.reassess_on is not None:
        extensions.append(extension("reassess-on", "Date", plan.reassess_on.isoformat()))
    extensions += [_questionnaire(q) for q in plan.questionnaires]
    return {"detail": {
        "extension": extensions,
        "code": {"coding": [SNOMED_ACUPUNCTURE], "text": "acupuncture course"},
        "status": status,
        "scheduledTiming": {"repeat": {"count": plan.sessions, "frequency": plan.per_week,
                                       "period": 1, "periodUnit": "wk"}},
    }}


def _questionnaire(item: dict[str, Any]) -> Json:
    """One of the plan's own questionnaires (added to the default schedule), as a complex
    extension: the instrument, the moment and, where the moment takes one, n."""
    parts = [{"url": "instrument", "valueCode": str(item["instrument"])},
             {"url": "moment", "valueCode": str(item["moment"])}]
    if item.get("n") is not None:
        parts.append({"url": "n", "valueInteger": item["n"]})
    return {"url": f"{EXTENSION}/{QUESTIONNAIRE_EXTENSION}", "extension": parts}


def care_plan(plan: Plan, ids: Identities) -> Json:
    """`plan.later` (annotated by the source) says whether a newer plan replaced this one;
    `plan.previous_id` names the plan it replaced."""
    current = not getattr(plan, "later", False)
    active = current and plan.episode.status == EpisodeStatus.ACTIVE
    status = "active" if active else ("completed" if current else "revoked")
    activity_status = "scheduled" if active else ("completed" if current else "cancelled")
    goals = [_goal(i, g, plan, active) for i, g in enumerate(plan.goals)]
    previous = getattr(plan, "previous_id", None)
    return without_empty({
        "resourceType": "CarePlan",
        "id": f"{PLAN_PREFIX}{plan.pk}",
        "identifier": ids.identifiers(KIND_PLAN, plan.clinic_id, plan.pk),
        "extension": [episode_extension(plan.episode_id)],
        "contained": goals,
        "status": status,
        "intent": "plan",
        "title": f"Acupuncture treatment plan {plan.number}",
        "description": Pattern(plan.pattern).label if plan.pattern else None,
        "category": [concept(PATTERN_SYSTEM, plan.pattern, Pattern(plan.pattern).label)]
        if plan.pattern else [],
        "subject": reference("Patient", plan.episode.patient_id),
        "created": plan.created_at.isoformat(),
        "author": reference("Practitioner", plan.created_by_id),
        "addresses": [reference("Condition", plan.episode_id)],
        "replaces": [reference("CarePlan", f"{PLAN_PREFIX}{previous}")] if previous else [],
        "goal": [{"reference": f"#{g['id']}"} for g in goals],
        "activity": [_course(plan, activity_status),
                     *(_point(p, activity_status) for p in plan.points.all())],
    })


def consent(row: Consent, ids: Identities) -> Json:
    extensions = [extension("consent-method", "Code", row.method)]
    if row.signature:
        extensions.append(extension("consent-signature", "String", fhir_text(row.signature)))
    if row.text_sha256:
        extensions.append(extension("consent-text-sha256", "String", row.text_sha256))
    if row.witness:
        extensions.append(extension("consent-witness", "String", fhir_text(row.witness)))
    return {
        "resourceType": "Consent",
        "id": f"{CONSENT_PREFIX}{row.pk}",
        "identifier": ids.identifiers(KIND_CONSENT, row.patient.clinic_id, row.pk),
        "extension": extensions,
        "status": "active",
        "scope": concept("http://terminology.hl7.org/CodeSystem/consentscope", "treatment",
                         "Treatment"),
        "category": [concept("http://loinc.org", "59284-0", "Patient Consent")],
        "patient": reference("Patient", row.patient_id),
        "dateTime": row.given_on.isoformat(),
        "performer": [reference("Patient", row.patient_id)],
        # ppc-1: the rule consented to is the text's version, in acuback's consent-text system.
        "policyRule": concept(CONSENT_TEXT_SYSTEM, row.text_version,
                              text=f"acupuncture consent, text {row.text_version}"),
        "provision": {"type": "permit", "code": [{"coding": [SNOMED_ACUPUNCTURE]}]},
    }
