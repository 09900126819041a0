"""A red-flag screen in FHIR: one Observation per screen (`screening-<id>`), and one per referral
outcome recorded after it (`referral-<id>`, derivedFrom its screen); and back again for import.

Why Observations and not a QuestionnaireResponse: a screen is a clinical finding with a result
(the decision: clear / routine / urgent / emergency), taken by a clinician on a day, and each
question's answer is a component of it. A component can say a question was *not asked*
(`dataAbsentReason` not-asked, with no value), which a QuestionnaireResponse can only say by
leaving the item out; and the referral outcomes that follow a screen (including a physician's
clearance, the one "override" of a blocking screen, with its grounds in `note`) are findings of
their own, recorded later by someone else.

Unknown is not no: a yes and a no are `valueBoolean`; a question never asked has no value. The
questions answered no with the one "no to every question still blank" act say so in an
extension on their component. The decision and the flags that fired travel for the reader; on
import acuback screens the answers itself and never takes the decision from the file.

Contraindications are answers of the health history (`health-<id>`), and the STarT Back tool is
a questionnaire (a QuestionnaireResponse and its score): neither is part of the screen.
"""

from __future__ import annotations

from typing import Any

from acuback.clinical.screening import FLAG_QUESTIONS
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
from acuback.interop.resources.health import DATA_ABSENT
from acuback.screening.models import Decision, Referral, ReferralOutcome, Screening

KIND_SCREENING = "screening"
KIND_REFERRAL = "referral"
SCREENING_PREFIX, REFERRAL_PREFIX = "screening-", "referral-"
SCREEN_SYSTEM = f"{CODE_SYSTEM}/red-flag-screen"  # what the Observation is
FLAG_SYSTEM = f"{CODE_SYSTEM}/red-flag"  # one code per question
DECISION_SYSTEM = f"{CODE_SYSTEM}/screening-decision"
OUTCOME_SYSTEM = f"{CODE_SYSTEM}/referral-outcome"
SCREEN_CODE, REFERRAL_CODE = "red-flag-screen", "referral-outcome"
EXT_RULES = "screening-rules"  # which rules made the decision (acuback's rules fingerprint)
EXT_NONSPECIFIC = "nonspecific-back-pain"  # no flag of a specific cause fired (coverage)
EXT_AT_ONCE = "answered-no-at-once"
EXT_LEVEL = "red-flag-level"  # the decision a fired flag supports
EXT_WHY = "red-flag-why"
CATEGORY = concept("http://terminology.hl7.org/CodeSystem/observation-category", "survey",
                   "Survey")


def _code(flag: str) -> str:
    return flag.replace("_", "-")


def _flag(code: str) -> str:
    return code.replace("-", "_")


def _answer(flag: str, answer: object, screening: Screening, fired: dict[str, Json]) -> Json:
    component: Json = {"code": concept(FLAG_SYSTEM, _code(flag), text=flag.replace("_", " "))}
    extensions = []
    if flag in screening.rest_marked_no:
        extensions.append(extension(EXT_AT_ONCE, "Boolean", True))
    if flag in fired:
        extensions += [extension(EXT_LEVEL, "Code", fired[flag]["level"]),
                       extension(EXT_WHY, "String", fhir_text(fired[flag]["why"]))]
    if extensions:
        component["extension"] = extensions
    if isinstance(answer, bool):
        component["valueBoolean"] = answer
    else:
        component["dataAbsentReason"] = concept(DATA_ABSENT, "not-asked", "Not Asked")
    return component


def screening_observation(screening: Screening, ids: Identities) -> Json:
    fired = {f["flag"]: f for f in screening.fired}
    return without_empty({
        "resourceType": "Observation",
        "id": f"{SCREENING_PREFIX}{screening.pk}",
        "identifier": ids.identifiers(KIND_SCREENING, screening.clinic_id, screening.pk),
        "extension": [episode_extension(screening.episode_id),
                      extension(EXT_RULES, "String", screening.rules_version),
                      extension(EXT_NONSPECIFIC, "Boolean", screening.nonspecific)],
        "status": "final",
        "category": [CATEGORY],
        "code": concept(SCREEN_SYSTEM, SCREEN_CODE, text="red-flag screen for back pain"),
        "subject": reference("Patient", screening.episode.patient_id),
        "effectiveDateTime": screening.screened_on.isoformat(),
        "issued": screening.recorded_at.isoformat(),
        "performer": [reference("Practitioner", screening.recorded_by_id)],
        "valueCodeableConcept": concept(DECISION_SYSTEM, screening.decision,
                                        Decision(screening.decision).label),
        "note": [{"text": fhir_text(screening.action)}],
        "component": [_answer(str(flag), screening.answers.get(str(flag)), screening, fired)
                      for flag in FLAG_QUESTIONS],
    })


def referral_observation(referral: Referral, ids: Identities) -> Json:
    screening = referral.screening
    return without_empty({
        "resourceType": "Observation",
        "id": f"{REFERRAL_PREFIX}{referral.pk}",
        "identifier": ids.identifiers(KIND_REFERRAL, screening.clinic_id, referral.pk),
        "extension": [episode_extension(screening.episode_id)],
        "status": "final",
        "category": [CATEGORY],
        "code": concept(SCREEN_SYSTEM, REFERRAL_CODE,
                        text="what came of a positive red-flag screen"),
        "subject": reference("Patient", screening.episode.patient_id),
        "effectiveDateTime": referral.recorded_at.isoformat(),
        "performer": [reference("Practitioner", referral.recorded_by_id)],
        "valueCodeableConcept": concept(OUTCOME_SYSTEM, referral.outcome,
                                        ReferralOutcome(referral.outcome).label),
        "note": [{"text": fhir_text(referral.note)}] if referral.note else None,
        "derivedFrom": [reference("Observation", f"{SCREENING_PREFIX}{screening.pk}")],
    })


# --- reading them back (import) ---------------------------------------------------------------


def _coded(resource: Json, system: str) -> str | None:
    return next((c.get("code") for c in (resource.get("code") or {}).get("coding") or []
                 if c.get("system") == system), None)


def is_screening(resource: Json) -> bool:
    return _coded(resource, SCREEN_SYSTEM) == SCREEN_CODE


def is_referral(resource: Json) -> bool:
    return _coded(resource, SCREEN_SYSTEM) == REFERRAL_CODE


def _own_extension(holder: Json, name: str) -> Any:
    return next((next((v for k, v in e.items() if k.startswith("value")), None)
                 for e in holder.get("extension") or [] if e.get("url") == f"{EXTENSION}/{name}"),
                None)


def value_code(resource: Json, system: str) -> str | None:
    return next((c.get("code") for c in (resource.get("valueCodeableConcept") or {})
                 .get("coding") or [] if c.get("system") == system), None)


def screening_answers(resource: Json, where: str, problems: Any
                      ) -> tuple[dict[str, bool | None], list[str]]:
    """({flag: yes / no / None for not asked}, [flags answered no at once]) from a screen's
    components; a question the file leaves out altogether is not asked too."""
    answers: dict[str, bool | None] = dict.fromkeys(map(str, FLAG_QUESTIONS))
    at_once: list[str] = []
    seen: set[str] = set()
    for index, component in enumerate(resource.get("component") or []):
        at = f"{where}.component[{index}]"
        code = next((c.get("code") for c in (component.get("code") or {}).get("coding") or []
                     if c.get("system") == FLAG_SYSTEM), None)
        flag = _flag(str(code)) if code else ""
        if flag not in answers:
            problems.error(f"{at}.code", f"{code!r} is no red-flag question of acuback's "
                                         f"screen ({FLAG_SYSTEM}).", "value")
            continue
        if flag in seen:
            problems.error(f"{at}.code", f"{code} is answered twice.", "value")
        seen.add(flag)
        if "valueBoolean" in component and isinstance(component["valueBoolean"], bool):
            answers[flag] = component["valueBoolean"]
        elif "dataAbsentReason" not in component:
            problems.error(at, "answer yes or no (valueBoolean), or leave it not asked "
                               "(dataAbsentReason).", "value")
        if _own_extension(component, EXT_AT_ONCE) is True:
            at_once.append(flag)
    return answers, at_once
