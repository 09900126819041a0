"""Reading incoming FHIR resources into acuback's service inputs. Every problem becomes an
`Issue` naming the element (a FHIRPath), so a refused Bundle says exactly what to fix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from acuback.assessments import fhir as assessment_fhir
from acuback.clinical import icd10, instruments
from acuback.clinical.instruments import fhir as core
from acuback.episodes.models import EpisodeStatus, Radiation, Region, Side
from acuback.interop.resources import episodes
from acuback.interop.resources.common import EXTENSION, ICD10CM, Json
from acuback.interop.resources.outcome import Issue


class Problems(list[Issue]):
    def error(self, where: str, message: str, code: str = "invalid") -> None:
        self.append(Issue("error", code, message, where))

    def warn(self, where: str, message: str) -> None:
        self.append(Issue("warning", "informational", message, where))


def identifiers(resource: Json) -> list[tuple[str, str]]:
    raw = resource.get("identifier") or []
    found = raw if isinstance(raw, list) else [raw]
    return [(str(i["system"]), str(i["value"])) for i in found
            if isinstance(i, dict) and i.get("system") and i.get("value")]


def extension(resource: Json, name: str) -> Any:
    url = name if "://" in name else f"{EXTENSION}/{name}"
    for ext in resource.get("extension") or []:
        if isinstance(ext, dict) and ext.get("url") == url:
            return next((v for k, v in ext.items() if k.startswith("value")), None)
    return None


def instant(value: object, where: str, problems: Problems, *, required: bool
            ) -> dt.datetime | None:
    """A FHIR dateTime with its time zone (a time without one names no moment)."""
    if value in (None, ""):
        if required:
            problems.error(where, "is required.", "required")
        return None
    try:
        when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        problems.error(where, f"{value!r} is not a date and time.", "value")
        return None
    if when.tzinfo is None:
        problems.error(where, "give the time with its zone.", "value")
        return None
    return when


def episode_reference(resource: Json) -> str | None:
    """The episode a resource without an episodeOfCare element names in its extension."""
    return (extension(resource, assessment_fhir.EPISODE_OF_CARE) or {}).get("reference")


def day(value: object, where: str, problems: Problems, *, required: bool) -> dt.date | None:
    if value in (None, ""):
        if required:
            problems.error(where, "is required.", "required")
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        problems.error(where, f"{value!r} is not a date (YYYY-MM-DD).", "value")
        return None


def patient_fields(resource: Json, where: str, problems: Problems) -> dict[str, Any]:
    names = resource.get("name") or [{}]
    name = names[0] if isinstance(names, list) and names and isinstance(names[0], dict) else {}
    given = " ".join(name.get("given") or [])
    if not given or not name.get("family"):
        problems.error(f"{where}.name[0]", "needs a family name and a given name.", "required")
    if resource.get("gender") not in ("female", "male", "other", "unknown"):
        problems.error(f"{where}.gender", "must be female, male, other or unknown.", "required")
    born = day(resource.get("birthDate"), f"{where}.birthDate", problems, required=True)
    telecom = {t.get("system"): t.get("value", "") for t in resource.get("telecom") or []
               if isinstance(t, dict)}
    address = (resource.get("address") or [{}])[0]
    address_text = address.get("text") or "\n".join(address.get("line") or [])
    return {"given_name": given, "family_name": name.get("family", ""), "date_of_birth": born,
            "sex": resource.get("gender", ""), "email": telecom.get("email", ""),
            "phone": telecom.get("phone", ""), "address": address_text}


def _choice(value: object, choices: Any, where: str, problems: Problems, label: str) -> str:
    if value not in choices.values:
        problems.error(where, f"{label} must be one of: {', '.join(choices.values)}.", "value")
        return ""
    return str(value)


def episode_fields(condition: Json, care: Json | None, where: str, problems: Problems
                   ) -> dict[str, Any]:
    """The EpisodeInput fields and the period, from a Condition and its EpisodeOfCare."""
    icd = next((c for c in (condition.get("code") or {}).get("coding") or []
                if c.get("system") == ICD10CM), None)
    code = None
    if icd is None:
        problems.error(f"{where}.code", "needs an ICD-10-CM coding (system "
                                        f"{ICD10CM}).", "required")
    else:
        try:
            code = icd10.validate(str(icd.get("code", "")))
        except icd10.Icd10Error as exc:
            problems.error(f"{where}.code.coding", str(exc), "code-invalid")
    region = next((c.get("code") for s in condition.get("bodySite") or []
                   for c in s.get("coding") or [] if c.get("system") == episodes.REGION_SYSTEM),
                  code.region if code else None)
    side = extension(condition, episodes.EXT_SIDE)
    if side is None:
        problems.error(f"{where}.extension", f"acuback needs the side of the pain "
                                             f"({EXTENSION}/{episodes.EXT_SIDE}).", "required")
    radiation = extension(condition, episodes.EXT_RADIATION)
    if radiation is None:
        problems.warn(f"{where}.extension", "no radiation given: recorded as none.")
        radiation = Radiation.NONE
    status = extension(care or {}, episodes.EXT_STATUS) or (
        EpisodeStatus.ACTIVE if (care or {}).get("status", "active") == "active"
        else EpisodeStatus.DISCHARGED)
    period = (care or {}).get("period") or {}
    return {
        "onset_date": day(condition.get("onsetDateTime"), f"{where}.onsetDateTime", problems,
                          required=True),
        "region": _choice(region, Region, f"{where}.bodySite", problems, "the back region"),
        "side": _choice(side, Side, f"{where}.extension", problems, "the side")
        if side is not None else "",
        "radiation": _choice(radiation, Radiation, f"{where}.extension", problems,
                             "the radiation"),
        "icd10_code": code.code if code else "",
        "suspected_cause": str(extension(condition, episodes.EXT_CAUSE) or ""),
        "surgery_associated": bool(extension(condition, episodes.EXT_SURGERY)),
        "pregnancy_associated": bool(extension(condition, episodes.EXT_PREGNANCY)),
        "status": _choice(status, EpisodeStatus, f"{where}.status", problems, "the status"),
        "opened_on": day(period.get("start") or condition.get("recordedDate"),
                         f"{where}.recordedDate", problems, required=False),
        "closed_on": day(period.get("end"), f"{where}.period.end", problems, required=False),
    }


def response_fields(resource: Json, where: str, problems: Problems) -> dict[str, Any]:
    """Instrument, answers and when, from a QuestionnaireResponse of an acuback Questionnaire."""
    canonical = str(resource.get("questionnaire", ""))
    url, _, version = canonical.partition("|")
    prefix = f"{core.BASE}/Questionnaire/"
    instrument = url[len(prefix):] if url.startswith(prefix) else ""
    if instrument not in instruments.INSTRUMENTS:
        problems.error(f"{where}.questionnaire", f"{canonical!r} is not an acuback "
                                                 f"questionnaire ({prefix}<id>).", "not-supported")
        return {}
    definition = instruments.get(instrument)
    if version and version != definition.version:
        problems.warn(f"{where}.questionnaire", f"answered against {version}; scored with "
                                                f"{definition.version}.")
    if resource.get("status") != "completed":
        problems.error(f"{where}.status", "only completed responses can be imported.", "value")
    answers: dict[str, Any] = {}
    keys = {item.key for item in definition.items}
    for index, item in enumerate(resource.get("item") or []):
        at = f"{where}.item[{index}]"
        if item.get("linkId") not in keys:
            problems.error(f"{at}.linkId", f"{definition.short_name} has no item "
                                           f"{item.get('linkId')!r}.", "value")
            continue
        value = (item.get("answer") or [{}])[0]
        raw = value.get("valueCoding", {}).get("code", value.get("valueInteger"))
        try:
            answers[item["linkId"]] = int(raw)
        except (TypeError, ValueError):
            problems.error(f"{at}.answer[0]", f"{raw!r} is not an answer code.", "value")
    authored = resource.get("authored")
    when = None
    try:
        when = dt.datetime.fromisoformat(str(authored).replace("Z", "+00:00"))
    except ValueError:
        problems.error(f"{where}.authored", "needs the date and time answered, with its zone.",
                       "required")
    author = (resource.get("author") or {}).get("reference", "")
    return {
        "instrument": instrument,
        "answers": [answers.get(item.key) for item in definition.items],
        "administered_at": when,
        "time_point": extension(resource, assessment_fhir.TIME_POINT) or "baseline",
        "visit_number": extension(resource, assessment_fhir.VISIT_NUMBER),
        "entered_by_patient": bool(author) and author == (resource.get("subject") or {}).get(
            "reference"),
        "episode": (extension(resource, assessment_fhir.EPISODE_OF_CARE) or {}).get("reference"),
    }


def medication_fields(resource: Json, where: str, problems: Problems) -> dict[str, Any]:
    """A painkiller taken in the last week, from a MedicationStatement written by acuback (the
    drug coded in acuback's analgesic list)."""
    from acuback.interop.resources.common import CODE_SYSTEM

    medication = resource.get("medicationCodeableConcept") or {}
    drug = next((c.get("code") for c in medication.get("coding") or []
                 if c.get("system") == f"{CODE_SYSTEM}/analgesic"), None)
    if drug is None:
        problems.error(f"{where}.medicationCodeableConcept",
                       f"code the drug in {CODE_SYSTEM}/analgesic.", "required")
    dosage = (resource.get("dosage") or [{}])[0]
    dose = ((dosage.get("doseAndRate") or [{}])[0].get("doseQuantity") or {}).get("value")
    times = ((dosage.get("timing") or {}).get("repeat") or {}).get("frequency")
    days = extension(resource, "days-taken-last-week")
    for value, element, label in ((dose, "dosage[0].doseAndRate[0].doseQuantity", "the dose"),
                                  (times, "dosage[0].timing.repeat.frequency",
                                   "times a day"),
                                  (days, "extension", "days taken in the last week")):
        if value is None:
            problems.error(f"{where}.{element}", f"needs {label}.", "required")
    return {"drug": drug or "", "dose": dose, "times_a_day": times, "days_last_week": days,
            "name": medication.get("text", "") if drug == "other" else ""}
