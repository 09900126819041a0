"""Treatment plans (`CarePlan`, acuback.interop.resources.care) of a Bundle become plans through
the plans app's own service (`plan_record_imported`: the same clinic scoping, gates and audit as
a plan made here). Checked with the rest of the Bundle before anything is written.

Each episode's plans are recorded in the order they were made (`created`), as its next
versions, so a revision (`replaces`) follows the plan it replaced. Who made a plan is matched by
NPI to a clinician of this clinic; when none matches, the plan is recorded as by the one
importing, and a warning names the file's author. A plan the clinic already holds (by
identifier) is never written again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from acuback.clinical.acupoints import catalogue
from acuback.clinical.instruments.fhir import BASE
from acuback.episodes.models import Episode
from acuback.interop.bundle import (
    Bundle,
    Entry,
    clinician,
    existing_episode,
    guarded,
    known_record,
    remember,
)
from acuback.interop.parsing import Problems, episode_reference, extension, instant
from acuback.interop.resources.care import (
    KIND_PLAN,
    PATTERN_SYSTEM,
    PLAN_PREFIX,
    QUESTIONNAIRE_EXTENSION,
)
from acuback.interop.resources.common import EXTENSION
from acuback.interop.resources.terminology import ACUPOINT_SYSTEM
from acuback.plans.models import Plan
from acuback.plans.selectors import plan_proposal
from acuback.plans.services import (
    Course,
    Goal,
    Questionnaire,
    Reassess,
    RecordedPlan,
    RecordedPoint,
    plan_record_imported,
)

INSTRUMENT_SYSTEM = f"{BASE}/CodeSystem/instrument"


def _code(concept: Any, system: str) -> str | None:
    for coding in (concept or {}).get("coding") or [] if isinstance(concept, dict) else []:
        if isinstance(coding, dict) and coding.get("system") == system:
            return str(coding.get("code") or "")
    return None


def _goals(entry: Entry, problems: Problems) -> list[Goal]:
    contained = {g.get("id"): g for g in entry.resource.get("contained") or []
                 if isinstance(g, dict) and g.get("resourceType") == "Goal"}
    goals = []
    for index, ref in enumerate(entry.resource.get("goal") or []):
        where = f"{entry.where}.goal[{index}]"
        goal = contained.get(str((ref or {}).get("reference", "")).lstrip("#"))
        if goal is None:
            problems.error(where, "must refer to a Goal contained in the CarePlan.", "not-found")
            continue
        target = (goal.get("target") or [None])[0]
        if isinstance(target, dict) and target.get("measure"):
            quantity = target.get("detailQuantity") or {}
            value = quantity.get("value")
            if not isinstance(value, int | float) or isinstance(value, bool):
                problems.error(f"{where}.target.detailQuantity.value", "give the target score "
                               "as a number.", "value")
                continue
            goals.append(Goal(instrument=_code(target["measure"], INSTRUMENT_SYSTEM) or "",
                              comparator=str(quantity.get("comparator") or ""),
                              target=float(value) if isinstance(value, float) else value))
        else:
            goals.append(Goal(text=str((goal.get("description") or {}).get("text") or "")))
    return goals


def _questionnaires(detail: dict[str, Any]) -> list[Questionnaire]:
    """The plan's own questionnaires (`plan-questionnaire` extensions of the course); what they
    name is checked by the plans service, as for a plan made here."""
    url = f"{EXTENSION}/{QUESTIONNAIRE_EXTENSION}"
    found = []
    for ext in detail.get("extension") or []:
        if not isinstance(ext, dict) or ext.get("url") != url:
            continue
        parts = {str(p.get("url")): next((v for k, v in p.items() if k.startswith("value")), None)
                 for p in ext.get("extension") or [] if isinstance(p, dict)}
        n = parts.get("n")
        if n is not None and (not isinstance(n, int) or isinstance(n, bool)):
            raise ValueError("n")
        found.append(Questionnaire(str(parts.get("instrument") or ""),
                                   str(parts.get("moment") or ""), n))
    return found


def _course(detail: dict[str, Any]) -> tuple[Course, Reassess, bool, list[Questionnaire]]:
    repeat = (detail.get("scheduledTiming") or {}).get("repeat") or {}
    after = extension(detail, "reassess-after-session")
    on = extension(detail, "reassess-on")
    return (Course(int(repeat.get("count") or 0), int(repeat.get("frequency") or 0)),
            Reassess(after_session=after if isinstance(after, int) else None,
                     on_date=dt.date.fromisoformat(on) if isinstance(on, str) else None),
            extension(detail, "estim") is True, _questionnaires(detail))


def _parts(entry: Entry, problems: Problems) -> tuple[
        Course, Reassess, bool, list[Questionnaire], list[RecordedPoint]] | None:
    course = None
    points = []
    for index, activity in enumerate(entry.resource.get("activity") or []):
        detail = (activity or {}).get("detail") if isinstance(activity, dict) else None
        if not isinstance(detail, dict):
            problems.error(f"{entry.where}.activity[{index}]", "needs a detail.", "required")
            continue
        code = _code(detail.get("code"), ACUPOINT_SYSTEM)
        if code is None:
            try:
                course = _course(detail)
            except (TypeError, ValueError):
                problems.error(f"{entry.where}.activity[{index}].detail", "the course needs "
                               "its sessions (count), sessions a week (frequency), a "
                               "re-assessment date as a date and each questionnaire's n as "
                               "a whole number.", "value")
            continue
        points.append(RecordedPoint(
            code=code, side=str(extension(detail, "point-side") or ""),
            why=str(detail.get("description") or ""),
            override_reason=str(extension(detail, "point-override-reason") or ""),
            excluded_why=str(extension(detail, "point-excluded-why") or "")))
    if course is None:
        problems.error(f"{entry.where}.activity", "needs the course of acupuncture (an "
                       "activity without an acupoint code).", "required")
        return None
    return (*course, points)


def _episode(state: Bundle, entry: Entry) -> Episode | Entry | None:
    reference = episode_reference(entry.resource)
    care = state.target(reference, "EpisodeOfCare")
    return care if care is not None else existing_episode(state, reference)


def plans(state: Bundle) -> list[Entry]:
    """The Bundle's plans in the order they were made."""
    return sorted(state.of_type("CarePlan"), key=lambda e: str(e.resource.get("created", "")))


def check(state: Bundle, problems: Problems) -> None:
    for entry in plans(state):
        if _episode(state, entry) is None:
            problems.error(f"{entry.where}.extension",
                           f"{episode_reference(entry.resource)!r} is no EpisodeOfCare in this "
                           "Bundle or of your clinic.", "not-found")
        instant(entry.resource.get("created"), f"{entry.where}.created", problems,
                required=True)
        _goals(entry, problems)
        _parts(entry, problems)


def write(state: Bundle, problems: Problems) -> None:
    for entry in plans(state):
        guarded(state, entry, problems, _import_plan)


def _import_plan(state: Bundle, entry: Entry, problems: Problems) -> None:
    known = known_record(state, entry, KIND_PLAN)
    if known is not None:
        state.result.existing.append(f"CarePlan/{PLAN_PREFIX}{known}")
        return
    target = _episode(state, entry)
    episode = state.made.get(target.index) if isinstance(target, Entry) else target
    if not isinstance(episode, Episode):
        return  # its episode's own entry failed, which refuses the Bundle anyway
    parts = _parts(entry, problems)
    created = instant(entry.resource.get("created"), entry.where, problems, required=True)
    if parts is None or created is None:
        return
    course, reassess, estim, questionnaires, points = parts
    author = clinician(state, (entry.resource.get("author") or {}).get("reference"))
    if author.user is None:
        problems.warn(f"{entry.where}.author", f"no clinician of your clinic has the NPI of "
                                               f"{author.words}: recorded as by you.")
    plan = plan_record_imported(actor=state.actor, episode=episode, recorded=RecordedPlan(
        created_by=author.user or state.actor, created_at=created, points=points,
        course=course, goals=_goals(entry, problems), reassess=reassess, estim=estim,
        questionnaires=questionnaires,
        pattern=next((c for c in (_code(cat, PATTERN_SYSTEM) for cat in
                                  entry.resource.get("category") or []) if c), "")))
    remember(state, entry, KIND_PLAN, plan, f"CarePlan/{PLAN_PREFIX}{plan.pk}")
    _warn_excluded_now(episode, plan, entry, problems)


def _warn_excluded_now(episode: Episode, plan: Plan, entry: Entry, problems: Problems) -> None:
    """A point the patient's health history rules out today, planned without an override
    there: recorded as planned (the plan is history), and the importer is told, as for an
    imported visit."""
    proposal = plan_proposal(episode, pattern=None, estim_requested=False)
    for point in plan.points.all():
        why = None if point.overridden else proposal.exclusion(catalogue().require(point.code))
        if why:
            problems.warn(f"{entry.where}.activity", f"{point.code} is recorded as planned, "
                                                     f"though today it is excluded: {why}.")
